"""Command line: ``python -m gantoy presets | train ... | collapse ...``.

    python -m gantoy presets
    python -m gantoy train --preset figure1 --steps 3000 --out runs/f1 [--set train.lr_d=0.01 ...]
    python -m gantoy train --config runs/f1/config.json --out runs/f1-again
    python -m gantoy collapse --preset ring8 --objective nsgan --seeds 10 --out runs/c
    python -m gantoy collapse --preset ring8 --configs gan,nsgan,wgan-gp,unrolled,pacgan --seeds 10 --workers 2
    python -m gantoy sweep --preset figure1 --grid train.lr_d=1e-4,3e-4,1e-3 --seeds 10 [--ray [ADDRESS]]
    python -m gantoy serve --replicas 2 --port 8501
    python -m gantoy export --preset figure1 --steps 3000 --frames 100 --format gif --out f1.gif

A bad flag, key or value prints one line naming the problem and exits with status 2.
"""
from __future__ import annotations

import argparse
import math
import os
import sys

from gantoy.core.config import ConfigError, RunConfig


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one clear line, no usage dump, status 2
        raise ConfigError(message)


def build_parser():
    p = _Parser(prog="python -m gantoy", description="gantoy: watch GANs learn toy distributions")
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    sub.add_parser("presets", help="list the presets and what each teaches")
    t = sub.add_parser("train", help="train headless; writes config.json and metrics.csv")
    src = t.add_mutually_exclusive_group()
    src.add_argument("--preset", default="figure1", help="preset name (python -m gantoy presets)")
    src.add_argument("--config", help="a config.json written by gantoy (validated, never executed)")
    t.add_argument("--steps", type=int, help="iterations to train; sets train.steps (the schedule spans the run)")
    t.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a config key, e.g. --set train.lr_d=0.01 (repeatable)")
    t.add_argument("--out", help="output folder for config.json and metrics.csv")
    t.add_argument("--log-every", type=int, help="iterations between metric rows (default: steps/100)")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    c = sub.add_parser("collapse", help="count modes over N seeds (one ensemble per configuration)")
    src = c.add_mutually_exclusive_group()
    src.add_argument("--preset", default="ring8", help="preset name (a Gaussian mixture: ring8, grid25, ...)")
    src.add_argument("--config", help="a config.json written by gantoy (validated, never executed)")
    c.add_argument("--objective", help="objective id (default: the preset's)")
    c.add_argument("--remedy", default="none", help="none, unrolled (Metz et al.) or pacgan (Lin et al.)")
    c.add_argument("--configs", help="comma-separated named configurations instead of --objective/--remedy: "
                                     "gan, nsgan, wgan-gp, unrolled, pacgan")
    c.add_argument("--seeds", type=int, default=10, help="runs (seeds seed, seed+1, ...) per configuration")
    c.add_argument("--steps", type=int, help="iterations per run (default: the recipe's, else the preset's)")
    c.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a config key")
    c.add_argument("--recipe", help="settings over each configuration (collapse.RECIPES): ring8 (ring8's, grid25's "
                                    "default; none for a --config file unless named), ring8-short (the lab's), none")
    c.add_argument("--out", help="output folder for collapse.csv, collapse.md and per-seed results")
    c.add_argument("--quiet", action="store_true", help="no progress bar")
    w = sub.add_parser("sweep", help="train a grid of --grid values x seeds; one table of mean ± sd per point")
    src = w.add_mutually_exclusive_group()
    src.add_argument("--preset", default="figure1", help="preset name (python -m gantoy presets)")
    src.add_argument("--config", help="a config.json written by gantoy (validated, never executed)")
    w.add_argument("--grid", action="append", default=[], metavar="KEY=V1,V2,...",
                   help="one axis of the grid, e.g. --grid train.lr_d=1e-4,3e-4,1e-3 (repeatable: the product)")
    w.add_argument("--seeds", type=int, default=5, help="runs (seeds seed, seed+1, ...) per grid point")
    w.add_argument("--steps", type=int, help="iterations per run (default: the preset's train.steps)")
    w.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a config key")
    w.add_argument("--out", help="output folder for sweep.csv, sweep_seeds.csv and sweep.md")
    w.add_argument("--quiet", action="store_true", help="no progress bar")
    for q in (c, w):
        q.add_argument("--workers", type=int, help="run seed blocks on N local processes (default: one per core "
                                                   "this process may use; 1 = serially; the same numbers either way)")
        q.add_argument("--ray", nargs="?", const="local", metavar="ADDRESS",
                       help="run seed blocks on Ray: a local runtime, or the running cluster at ADDRESS")
        q.add_argument("--block", type=int, default=5, help="seeds per task (the unit of work; default 5)")
    v = sub.add_parser("serve", help="serve a class on every core: N streamlit replicas behind nginx")
    v.add_argument("--replicas", type=int, help="streamlit processes (default: the number of cores)")
    v.add_argument("--port", type=int, default=8501, help="the one port students open (nginx listens on it)")
    v.add_argument("--address", default="0.0.0.0", help="address nginx listens on (default: every interface)")
    v.add_argument("--health-every", type=float, default=5.0,
                   help="seconds between health checks of each replica (4 missed in a row: restarted)")
    e = sub.add_parser("export", help="train headless and export an animation (gif, mp4, html), csv or json")
    src = e.add_mutually_exclusive_group()
    src.add_argument("--preset", default="figure1", help="preset name (python -m gantoy presets)")
    src.add_argument("--config", help="a config.json written by gantoy (validated, never executed)")
    e.add_argument("--steps", type=int, help="iterations to train; sets train.steps")
    e.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a config key")
    e.add_argument("--format", default="gif", help="gif, mp4, html, csv or json")
    e.add_argument("--frames", type=int, default=100, help="frames (evenly spaced over the run; also CSV rows)")
    e.add_argument("--fps", type=float, default=10, help="frames per second (gif, mp4)")
    e.add_argument("--size", default="800x480", help="WIDTHxHEIGHT in pixels (gif, mp4)")
    e.add_argument("--panels", default="main", help="comma-separated: main, metrics (gif, mp4)")
    e.add_argument("--out", required=True, help="output file")
    e.add_argument("--quiet", action="store_true", help="no progress bar")
    r = sub.add_parser("repro", help="reproduce a published result (figures and tables under docs/repro/NAME)")
    r.add_argument("name", help="figure1, theorem1, mode-collapse, fgan-fit, wgan-example1, dirac-gan, all, "
                                "or docs (assemble docs/REPRODUCTIONS.md from the last runs)")
    r.add_argument("--quick", action="store_true", help="a small version that checks the key claim (seconds)")
    r.add_argument("--out", help="output folder (default: docs/repro/NAME)")
    for q in (t, c, w, e, r):
        q.add_argument("--threads", type=int, help="torch CPU threads (default: min(2, cores))")
    return p


def load_config(args, only: tuple | None = None) -> RunConfig:
    """The --config file or --preset, with --set (only the keys in ``only``, if given) and --steps laid over it."""
    if args.config:
        try:
            with open(args.config, "rb") as f:
                raw = f.read(1_000_001)
        except OSError as e:
            raise ConfigError(f"--config: cannot read {args.config!r} ({e.strerror})") from None
        if len(raw) > 1_000_000:
            raise ConfigError(f"--config: {args.config!r} is larger than 1 MB; a gantoy config is a small JSON file")
        cfg = RunConfig.from_json(raw)
    else:
        from gantoy.lessons import presets

        cfg = presets.get(args.preset)
    pairs = [(k, v) for k, v in _set_pairs(args) if only is None or k in only]
    if args.steps is not None:
        pairs.append(("train.steps", args.steps))
    if pairs:
        cfg = cfg.with_sets(pairs)
    return cfg


def cmd_train(args):
    import torch
    from tqdm import tqdm

    from gantoy.measure.snapshot import metric_row
    from gantoy.measure.trainer import Trainer
    from gantoy.render import tables

    cfg = load_config(args)
    if args.log_every is not None and args.log_every < 1:
        raise ConfigError(f"--log-every: must be at least 1, got {args.log_every}")
    steps = cfg.train.steps
    every = args.log_every or max(1, steps // 100)
    if args.out:
        try:
            os.makedirs(args.out, exist_ok=True)
            with open(os.path.join(args.out, "config.json"), "w") as f:
                f.write(cfg.to_json() + "\n")
        except OSError as e:
            raise ConfigError(f"--out: cannot write to {args.out!r} ({e.strerror})") from None
    _threads(torch, args)
    tr = Trainer(cfg)
    rows = [metric_row(tr.snapshot(run=r)) for r in range(tr.R)]
    bar = tqdm(total=steps, disable=args.quiet, unit="it", dynamic_ncols=True)
    done = 0
    while done < steps and not tr.paused:
        n = min(every, steps - done)
        got = tr.step(n)
        done += got
        bar.update(got)
        if tr.paused:
            break
        rows.extend(metric_row(tr.snapshot(run=r)) for r in range(tr.R))
        bar.set_postfix(js=f"{rows[-tr.R]['js']:.4f}", loss_d=f"{rows[-tr.R]['loss_d']:.3f}")
    bar.close()
    if args.out:
        with open(os.path.join(args.out, "metrics.csv"), "w", newline="") as f:
            f.write(tables.to_csv(rows))
    if tr.paused:
        print(f"paused: {tr.status.message}", file=sys.stderr)
    final = rows[-tr.R:]
    for row in final:
        parts = [f"{k}={_fmt(row[k])}" for k in row if k not in ("d_updates", "g_updates")]
        print("final " + " ".join(parts))
    if args.out:
        print(f"wrote {os.path.join(args.out, 'config.json')} and {os.path.join(args.out, 'metrics.csv')}")
    return 1 if tr.paused else 0


def _fmt(v):
    if isinstance(v, float):
        return "inf" if math.isinf(v) else f"{v:.6g}"
    return str(v)


def cmd_presets(args):
    from gantoy.lessons import presets

    for name in presets.names():
        cfg = presets.get(name)
        print(f"{name:12s} {cfg.objective.id:8s} {cfg.train.steps:6d} steps  {presets.describe(name)}")
    return 0


def cmd_collapse(args):
    import torch

    from gantoy import distribute
    from gantoy.lessons import collapse
    from gantoy.render import tables

    # --set goes over each configuration after its objective (lam is wgan-gp's, not nsgan's): the base takes these
    base = ("train.seed", "train.runs", "objective.id")
    cfg = load_config(args, only=base)
    pairs = collapse.pairs_from(args.configs, args.objective or cfg.objective.id, args.remedy)
    if not (1 <= args.seeds <= 64):
        raise ConfigError(f"--seeds: must be in [1, 64], got {args.seeds}")
    if args.steps is not None and args.steps < 1:
        raise ConfigError(f"--steps: must be at least 1, got {args.steps}")
    recipe = collapse.recipe_for(args.recipe, None if args.config else args.preset)
    mine = {k: v for k, v in _set_pairs(args) if k not in base}
    sets = {(o, r): {**collapse.recipe_sets(recipe, o, r), **mine} for o, r in pairs}   # the recipe's, then --set
    # every configuration is built (and so validated) before any training starts
    for oid, rem in pairs:
        collapse.Study(cfg, oid, rem, seeds=1, steps=args.steps, sets=sets[oid, rem])
    _default_workers(args)
    blocks = distribute.seed_blocks(cfg.train.seed, args.seeds, args.block)
    if args.out:
        _mkdir(args.out)
    _threads(torch, args)
    cfg_json = cfg.to_json()
    tasks = [(cfg_json, oid, rem, s0, n, args.steps, None, sets[oid, rem]) for oid, rem in pairs for s0, n in blocks]
    done = _distributed(collapse.run_block, tasks, args)
    results = [collapse.merge(done[i:i + len(blocks)]) for i in range(0, len(done), len(blocks))]
    for res in results:
        if res.status:
            print(f"{res.label}: stopped early: {res.status}", file=sys.stderr)
    rows = [r.summary() for r in results]
    table = collapse.format_markdown(rows)
    print(table)
    if args.out:
        _write(os.path.join(args.out, "collapse.csv"), tables.to_csv(rows, collapse.SUMMARY_COLUMNS))
        per_seed = [{"config": r.label, **f} for r in results for f in r.final]
        _write(os.path.join(args.out, "collapse_seeds.csv"),
               tables.to_csv(per_seed, collapse.SEED_COLUMNS))
        _write(os.path.join(args.out, "collapse.md"), table + "\n")
        for r in results:
            _write(os.path.join(args.out, f"config-{r.label.replace('+', '-')}.json"), r.cfg.to_json() + "\n")
        print(f"wrote collapse.csv, collapse_seeds.csv, collapse.md and the configs to {args.out}")
    return 1 if any(r.status for r in results) else 0


def _set_pairs(args) -> list:
    """--set KEY=VALUE items as (key, value) pairs."""
    pairs = []
    for item in args.set:
        if "=" not in item:
            raise ConfigError(f"--set: expected KEY=VALUE (e.g. train.lr_d=0.01), got {item!r}")
        key, value = item.split("=", 1)
        pairs.append((key.strip(), value))
    return pairs


def _default_workers(args):
    """Validate --workers/--ray; without either, one worker per core (blocks give the same numbers anywhere)."""
    from gantoy import distribute

    distribute.check(args.workers, args.ray)
    if args.workers is None and args.ray is None:
        args.workers = distribute.cores()


def _distributed(fn, tasks, args) -> list:
    """Run the tasks serially, on --workers or on --ray, with a progress bar of completed blocks."""
    from tqdm import tqdm

    from gantoy import distribute

    where = f"Ray ({args.ray})" if args.ray else f"{args.workers} workers" if (args.workers or 1) > 1 else "serially"
    with tqdm(total=len(tasks), disable=args.quiet, unit="block", desc=where, dynamic_ncols=True) as bar:
        return distribute.run(fn, tasks, workers=args.workers, ray=args.ray,
                              progress=lambda i, n: bar.update(i - bar.n))


def cmd_sweep(args):
    import torch

    from gantoy import sweep
    from gantoy.render import tables

    cfg = load_config(args)
    axes = sweep.parse_grid(args.grid)
    grid = sweep.points(cfg, axes, args.seeds)
    _default_workers(args)
    if args.out:
        _mkdir(args.out)
    _threads(torch, args)
    rows, per_seed = sweep.run(grid, cfg.train.seed, args.seeds, args.block,
                               lambda fn, tasks: _distributed(fn, tasks, args))
    keys = [k for k, _ in axes]
    table = sweep.format_markdown(rows, keys)
    print(table)
    stopped = sum(r["stopped"] for r in rows)
    if stopped:
        print(f"{stopped} run(s) stopped early (diverged): see 'stopped' in sweep_seeds.csv", file=sys.stderr)
    if args.out:
        _write(os.path.join(args.out, "sweep.csv"), tables.to_csv(rows, sweep.columns(rows, keys)))
        seed_cols = keys + ["seed"] + [k for k in per_seed[0] if k not in keys and k not in ("seed", "run")]
        _write(os.path.join(args.out, "sweep_seeds.csv"), tables.to_csv(per_seed, seed_cols))
        _write(os.path.join(args.out, "sweep.md"), table + "\n")
        _write(os.path.join(args.out, "config.json"), cfg.to_json() + "\n")
        print(f"wrote sweep.csv, sweep_seeds.csv, sweep.md and config.json to {args.out}")
    return 1 if stopped else 0


def cmd_serve(args):
    from gantoy import serve

    return serve.main(replicas=args.replicas, port=args.port, address=args.address, health_every=args.health_every)


def cmd_export(args):
    import torch
    from tqdm import tqdm

    from gantoy.measure.record import record
    from gantoy.render import export

    cfg = load_config(args)
    fmt = args.format.lower()
    try:
        w, h = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        raise ConfigError(f"--size: expected WIDTHxHEIGHT such as 800x480, got {args.size!r}") from None
    panels = tuple(p.strip() for p in args.panels.split(",") if p.strip())
    export.check_options(fmt, args.fps, (w, h), panels, args.frames)
    frames = rows = None
    if fmt != "json":
        _threads(torch, args)
        bar = tqdm(total=args.frames, disable=args.quiet, unit="frame", desc="train", dynamic_ncols=True)
        frames, rows, tr = record(cfg, cfg.train.steps, args.frames, progress=lambda i, n: bar.update(i - bar.n))
        bar.close()
        if tr.paused:
            print(f"paused: {tr.status.message} (exporting what was recorded)", file=sys.stderr)
    bar = tqdm(total=len(frames or ()), disable=args.quiet or fmt not in ("gif", "mp4"), unit="frame", desc="draw",
               dynamic_ncols=True)
    data = export.make(fmt, frames=frames, rows=rows, cfg_json=cfg.to_json(), fps=args.fps, size=(w, h),
                       panels=panels, noise=cfg.model.noise, progress=lambda i, n: bar.update(i - bar.n))
    bar.close()
    try:
        d = os.path.dirname(os.path.abspath(args.out))
        os.makedirs(d, exist_ok=True)
        with open(args.out, "wb") as f:
            f.write(data)
    except OSError as e:
        raise ConfigError(f"--out: cannot write {args.out!r} ({e.strerror})") from None
    print(f"wrote {args.out} ({len(data) / 1e6:.2f} MB)")
    return 0


def cmd_repro(args):
    import torch

    from gantoy import repro

    if args.name == "docs":
        repro.build_docs()
        print("wrote docs/REPRODUCTIONS.md")
        return 0
    names = repro.NAMES if args.name == "all" else [args.name]
    if args.name != "all" and args.name not in repro.NAMES:
        raise ConfigError(f"repro: unknown reproduction {args.name!r}; choose from {', '.join(repro.NAMES)}, all, docs")
    if args.out and len(names) > 1:
        raise ConfigError("--out: give it for one reproduction at a time")
    _threads(torch, args)
    failed = []
    for name in names:
        res, secs, text = repro.run(name, args.out, args.quick)
        print(f"# {name} ({secs:.1f} s)\n\n{text}")
        failed += [f"{name}: {claim}" for claim, (ok, _) in res.checks.items() if not ok]
    for f in failed:
        print(f"claim does not hold: {f}", file=sys.stderr)
    return 1 if failed else 0


def _threads(torch, args):
    if args.threads is not None and not (1 <= args.threads <= 256):
        raise ConfigError(f"--threads: must be in [1, 256], got {args.threads}")
    torch.set_num_threads(args.threads or max(1, min(2, os.cpu_count() or 1)))


def _mkdir(path):
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as e:
        raise ConfigError(f"--out: cannot write to {path!r} ({e.strerror})") from None


def _write(path, text):
    with open(path, "w", newline="") as f:
        f.write(text)


def main(argv=None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return {"presets": cmd_presets, "train": cmd_train, "collapse": cmd_collapse,
                "export": cmd_export, "repro": cmd_repro, "sweep": cmd_sweep, "serve": cmd_serve}[args.cmd](args)
    except ConfigError as e:
        print(f"gantoy: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("gantoy: interrupted", file=sys.stderr)
        return 130
