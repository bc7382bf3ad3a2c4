"""Many runs on many cores: one list of tasks, run serially, on local worker processes or on Ray.

A many-run study (``gantoy collapse``, ``gantoy sweep``, the mode-collapse reproduction) is cut into
tasks by configuration and seed block (``seed_blocks``); each task is a call of a module-level function
with plain arguments (a config as JSON, numbers), so a worker process or a Ray worker can run it. The
blocks depend only on the number of seeds and the block size, never on where they run, and every task runs
on one torch thread wherever it runs, so a study gives the same numbers serially, on ``--workers N`` and on
``--ray`` on one machine (tests/test_distribute.py; machines with other CPUs or torch builds may differ in the
last bits, as any two float computations can): the runs of
an ensemble are independent (own networks, optimisers and noise), and a block of two or more seeds
takes the same batched code path as any larger one. A one-seed block takes torch's unbatched matmul,
which differs in the last bits (and unrolled D amplifies that), so blocks never have one seed unless the
study has one.

    results = run(fn, [args, ...], workers=4)           # local processes (spawned; one torch thread each)
    results = run(fn, tasks, ray="local")               # a local Ray runtime (Ray installed)
    results = run(fn, tasks, ray="10.0.0.5:6379")       # a running Ray cluster

Results come back in task order whatever the order of completion; ``progress(done, total)`` is called
after each completed task (tqdm in the CLI). Ray is optional (requirements-ray.txt).
"""
from __future__ import annotations

import concurrent.futures
import multiprocessing
import os

from gantoy.core.config import ConfigError

DEFAULT_BLOCK = 5        # seeds per task: small enough to spread 10 seeds x 5 configurations over cores
RAY_INSTALL = "pip install -r requirements-ray.txt"


def seed_blocks(first: int, seeds: int, block: int = DEFAULT_BLOCK) -> list:
    """``seeds`` seeds from ``first`` cut into blocks of ``block`` (first seed, count); a last block of
    one seed joins the one before (see the module docstring), unless blocks of one were asked for."""
    if isinstance(block, bool) or not isinstance(block, int) or block < 1:
        raise ConfigError(f"--block: must be a whole number of seeds, at least 1, got {block!r}")
    sizes = [min(block, seeds - i) for i in range(0, seeds, block)]
    if block > 1 and len(sizes) > 1 and sizes[-1] == 1:
        sizes[-2:] = [sizes[-2] + 1]
    out, s = [], first
    for n in sizes:
        out.append((s, n))
        s += n
    return out


def cores() -> int:
    """CPU cores this process may use (affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:   # not Linux
        return os.cpu_count() or 1


def check(workers: int | None, ray: str | None):
    """Validate --workers / --ray before any work starts."""
    if workers is not None and (isinstance(workers, bool) or not 1 <= workers <= 1024):
        raise ConfigError(f"--workers: must be in [1, 1024], got {workers}")
    if workers is not None and ray is not None:
        raise ConfigError("--workers and --ray: choose one (Ray runs as many tasks as its cluster has CPUs)")
    if ray is not None:
        try:
            import ray as _  # noqa: F401
        except ImportError:
            raise ConfigError(f"--ray: Ray is not installed; install it with: {RAY_INSTALL}") from None


def _call(fn, args, threads):
    """A task in a worker: one torch thread per worker (the workers share the cores)."""
    import torch

    torch.set_num_threads(threads)
    return fn(*args)


def run(fn, tasks: list, workers: int | None = None, ray: str | None = None, progress=None) -> list:
    """``[fn(*t) for t in tasks]``, serially (workers None or 1, ray None), on ``workers`` spawned local
    processes, or on Ray (``ray``: "local" starts a runtime on this machine, anything else is the address
    of a running cluster)."""
    check(workers, ray)
    total, out = len(tasks), [None] * len(tasks)
    tick = progress or (lambda done, n: None)
    if ray is not None:
        return _run_ray(fn, tasks, ray, tick)
    if not workers or workers == 1 or total <= 1:
        import torch

        threads = torch.get_num_threads()
        try:
            for i, t in enumerate(tasks):
                out[i] = _call(fn, t, 1)   # one thread, as on a worker: the same kernels, the same numbers
                tick(i + 1, total)
        finally:
            torch.set_num_threads(threads)
        return out
    # spawn: fresh interpreters (forking a process that has started torch's thread pool can hang)
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(min(workers, total), mp_context=ctx) as pool:
        futures = {pool.submit(_call, fn, t, 1): i for i, t in enumerate(tasks)}
        for done, fut in enumerate(concurrent.futures.as_completed(futures), 1):
            out[futures[fut]] = fut.result()
            tick(done, total)
    return out


def _reachable(address: str, timeout: float = 5.0):
    """A HOST:PORT that does not answer gets a clear message at once (Ray itself retries for minutes)."""
    import socket

    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        return   # "auto" and other forms Ray understands: leave them to Ray
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as e:
        raise ConfigError(f"--ray: no Ray cluster answers at {address!r} ({e.strerror or e}); start one with "
                          f"`ray start --head` there, or use --ray alone for a local runtime") from None


def _run_ray(fn, tasks, address, tick):
    import ray

    here = os.path.dirname(os.path.abspath(__file__))
    # py_modules ships this package to every worker (a cluster's machines need only the requirements)
    env = {"py_modules": [here]}
    started = not ray.is_initialized()
    if started:
        if address == "local":
            ray.init(runtime_env=env, include_dashboard=False, log_to_driver=False, num_cpus=cores())
        else:
            _reachable(address)
            try:
                ray.init(address=address, runtime_env=env, log_to_driver=False)
            except (ConnectionError, ValueError, RuntimeError) as e:
                raise ConfigError(f"--ray: cannot reach a Ray cluster at {address!r} ({e})") from None
    try:
        remote = ray.remote(num_cpus=1)(_call)
        refs = {remote.remote(fn, t, 1): i for i, t in enumerate(tasks)}
        out, pending = [None] * len(tasks), list(refs)
        while pending:
            ready, pending = ray.wait(pending, num_returns=1)
            for ref in ready:
                out[refs[ref]] = ray.get(ref)
            tick(len(tasks) - len(pending), len(tasks))
        return out
    finally:
        if started:
            ray.shutdown()
