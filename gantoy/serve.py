"""``gantoy serve``: a class on every core — N ``streamlit run app.py`` replicas behind nginx.

    python -m gantoy serve [--replicas N] [--port 8501] [--address 0.0.0.0]

One Streamlit process trains on about one core whatever the class size (Python's GIL; bench/BENCHMARKS.md,
"A classroom on one box"), so a class on a many-core server gets one core's worth of training. This
starts N replicas (default: the cores this process may use) on free loopback ports, each with one torch
thread and the same cookie secret, waits until each answers /_stcore/health, then runs nginx (Debian's
package) in front of them with deploy/nginx.conf.template: WebSocket upgrade, cookie-based stickiness
(a student's session lives in one replica; a new browser is given the replicas in turn), passive health
checks of the group (a replica that fails is skipped for 5 s; a student pinned to a replica that is down
gets a new session on a live one). This process checks each replica's
/_stcore/health every HEALTH_EVERY seconds: a replica that exits, or stops answering FAILURES checks in a
row (hung), is started again on its port. Ctrl-C (SIGINT) or SIGTERM stops nginx and every replica;
the children run in their own process groups (a terminal's Ctrl-C reaches this process, which stops
them in order) and get SIGTERM if this process dies (PR_SET_PDEATHSIG), so nothing is left behind.
"""
from __future__ import annotations

import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from gantoy.core.config import ConfigError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))    # the repository (app.py, deploy/)
TEMPLATE = os.path.join(ROOT, "deploy", "nginx.conf.template")
NGINX_INSTALL = "sudo apt-get install -y nginx   (Debian/Ubuntu; the package is 'nginx')"
START_TIMEOUT = 120.0     # seconds for every replica to answer its health check (N imports of torch at once)
HEALTH_EVERY = 5.0        # seconds between health checks of each replica while serving
FAILURES = 4              # missed health checks in a row that make a replica count as hung (restarted)
RESTARTS = 5              # restarts of one replica within a minute before serve gives up (it cannot start)


def find_nginx() -> str:
    path = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                          if os.access(p, os.X_OK)), None)
    if not path:
        raise ConfigError(f"serve: nginx is not installed; install it with: {NGINX_INSTALL}")
    return path


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def check_port(address: str, port: int):
    if not 1 <= port <= 65535:
        raise ConfigError(f"--port: must be in [1, 65535], got {port}")
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((address, port))
        except OSError as e:
            raise ConfigError(f"--port: cannot listen on {address}:{port} ({e.strerror}); "
                              f"is another server using it? choose another with --port") from None


def render_config(listen: str, ports: list, prefix: str) -> str:
    """deploy/nginx.conf.template with its placeholders filled in (replica i is named r<i> in the cookie)."""
    with open(TEMPLATE) as f:
        text = f.read()
    pad = " " * 8
    fill = {
        "LISTEN": listen, "PREFIX": prefix,
        "SERVERS": "\n".join(f"{pad}server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in ports),
        "ADDR_TO_NAME": "\n".join(f"{pad}~(^|\\s)127\\.0\\.0\\.1:{p}$ r{i + 1};" for i, p in enumerate(ports)),
        "NAME_TO_ADDR": "\n".join(f"{pad}r{i + 1} 127.0.0.1:{p};" for i, p in enumerate(ports)),
    }
    for k, v in fill.items():
        text = text.replace("{{" + k + "}}", v)
    return text


def _die_with_parent():
    """In the child before exec: SIGTERM when the parent dies (Linux), so a killed `serve` leaves nothing."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except OSError:
        pass


def healthy(port: int, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


class Class:
    """The replicas and nginx of one `serve`: start(), supervise(), stop()."""

    def __init__(self, replicas: int, port: int, address: str, log=print, health_every: float = HEALTH_EVERY):
        self.n, self.port, self.address, self.log = replicas, port, address, log
        self.health_every = health_every
        self.nginx_bin = find_nginx()
        self.secret = secrets.token_hex(32)   # one cookie secret: XSRF tokens valid on every replica
        self.ports = [free_port() for _ in range(replicas)]
        self.replicas: list = [None] * replicas
        self.nginx = None
        self.prefix = tempfile.mkdtemp(prefix="gantoy-serve-")
        os.chmod(self.prefix, 0o755)          # nginx's workers (user nobody when started as root) write tmp/*
        os.mkdir(os.path.join(self.prefix, "tmp"), 0o755)

    def _start_replica(self, i: int):
        env = dict(os.environ, OMP_NUM_THREADS="1", STREAMLIT_SERVER_COOKIE_SECRET=self.secret,
                   GANTOY_REPLICA=f"{i + 1} of {self.n}")
        cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.ports[i]),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
        with open(os.path.join(self.prefix, f"replica-{i + 1}.log"), "ab") as log:   # the child keeps its copy
            self.replicas[i] = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
                                                preexec_fn=_die_with_parent, start_new_session=True)

    def start(self, stop_flag=lambda: False) -> bool:
        """Replicas, their health checks, then nginx; False when stopped (Ctrl-C) while starting."""
        listen = f"{'[' + self.address + ']' if ':' in self.address else self.address}:{self.port}"
        conf = os.path.join(self.prefix, "nginx.conf")
        with open(conf, "w") as f:
            f.write(render_config(listen, self.ports, self.prefix))
        for i in range(self.n):
            self._start_replica(i)
        t0 = time.time()
        waiting = set(range(self.n))
        while waiting:
            if stop_flag():
                return False
            for i in list(waiting):
                if self.replicas[i].poll() is not None:
                    raise RuntimeError(f"replica {i + 1} exited at start (log: {self.prefix}/replica-{i + 1}.log)")
                if healthy(self.ports[i]):
                    waiting.discard(i)
            if waiting and time.time() - t0 > START_TIMEOUT:
                raise RuntimeError(f"replicas {sorted(w + 1 for w in waiting)} not healthy after {START_TIMEOUT:.0f} s")
            time.sleep(0.3)
        self.nginx = subprocess.Popen([self.nginx_bin, "-p", self.prefix, "-c", conf, "-e",
                                       os.path.join(self.prefix, "error.log"), "-g", "daemon off;"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_die_with_parent,
                                      start_new_session=True)
        time.sleep(0.5)
        if self.nginx.poll() is not None:
            raise RuntimeError(f"nginx did not start: {self.nginx.stderr.read().decode(errors='replace').strip()}")
        host = "localhost" if self.address in ("0.0.0.0", "::", "127.0.0.1") else self.address
        self.log(f"gantoy: {self.n} replicas ({', '.join(f'pid {p.pid} on 127.0.0.1:{q}' for p, q in zip(self.replicas, self.ports))}) "
                 f"behind nginx (pid {self.nginx.pid})")
        self.log(f"gantoy: students open http://{host}:{self.port}  (Ctrl-C stops everything)")
        return True

    def supervise(self, stop_flag):
        """Until stop_flag() is true: restart a replica that exited, or that has answered its health check
        before and then misses FAILURES probes in a row (hung); stop when nginx exits."""
        since = [time.time()] * self.n          # when each replica was (re)started
        ready = [True] * self.n                 # answered its health check since then (start() waited for it)
        missed = [0] * self.n
        restarts = [[] for _ in range(self.n)]  # times of each replica's restarts
        next_probe = time.time() + self.health_every
        while not stop_flag():
            if self.nginx.poll() is not None:
                self.log(f"gantoy: nginx exited ({self.nginx.returncode}); stopping (log: {self.prefix}/error.log)")
                return 1
            probe = time.time() >= next_probe
            for i, p in enumerate(self.replicas):
                why = f"exited ({p.returncode})" if p.poll() is not None else ""
                if not why and probe:
                    ok = healthy(self.ports[i], timeout=min(5.0, 2 * self.health_every))
                    if not ready[i]:   # starting: no verdict until it answers, or START_TIMEOUT passes
                        ready[i] = ok
                        why = "" if ok or time.time() - since[i] < START_TIMEOUT else "never became healthy"
                    else:
                        missed[i] = 0 if ok else missed[i] + 1
                        why = f"missed {missed[i]} health checks in a row" if missed[i] >= FAILURES else ""
                if why:
                    if p.poll() is None:
                        p.kill()
                        p.wait()
                    restarts[i] = [t for t in restarts[i] if time.time() - t < 60] + [time.time()]
                    if len(restarts[i]) > RESTARTS:   # it cannot start: say so and stop, do not spin
                        self.log(f"gantoy: replica {i + 1} {why} {RESTARTS} times within a minute; stopping "
                                 f"(log: {self.prefix}/replica-{i + 1}.log)")
                        return 1
                    self._start_replica(i)
                    self.log(f"gantoy: replica {i + 1} {why}; started it again (pid {self.replicas[i].pid})")
                    since[i], ready[i], missed[i] = time.time(), False, 0
            if probe:
                next_probe = time.time() + self.health_every
            time.sleep(min(0.5, self.health_every / 2))
        return 0

    def stop(self):
        procs = [p for p in [self.nginx, *self.replicas] if p is not None]
        for p in procs:
            if p.poll() is None:
                p.terminate()
        deadline = time.time() + 15
        for p in procs:
            try:
                p.wait(max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        shutil.rmtree(self.prefix, ignore_errors=True)


def main(replicas: int | None = None, port: int = 8501, address: str = "0.0.0.0",
         health_every: float = HEALTH_EVERY) -> int:
    from gantoy import distribute

    n = distribute.cores() if replicas is None else replicas
    if isinstance(n, bool) or not 1 <= n <= 256:
        raise ConfigError(f"--replicas: must be in [1, 256], got {n}")
    if not 0.1 <= health_every <= 3600:
        raise ConfigError(f"--health-every: seconds in [0.1, 3600], got {health_every}")
    check_port(address, port)
    cls = Class(n, port, address, health_every=health_every)
    stopping = []

    def on_signal(signum, frame):
        stopping.append(signum)

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        flag = (lambda: bool(stopping))
        code = cls.supervise(flag) if cls.start(flag) else 0
    except RuntimeError as e:
        print(f"gantoy: error: serve: {e}", file=sys.stderr)
        code = 1
    finally:
        cls.stop()
        for s, h in old.items():
            signal.signal(s, h)
    print("gantoy: stopped nginx and every replica", file=sys.stderr)
    return code
