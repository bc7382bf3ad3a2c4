"""Command line: ``python -m gantoy presets | train ...``.

    python -m gantoy presets
    python -m gantoy train --preset figure1 --steps 3000 --out runs/f1 [--set train.lr_d=0.01 ...]
    python -m gantoy train --config runs/f1/config.json --out runs/f1-again

A bad flag, key or value prints one line naming the problem and exits with status 2.
"""
from __future__ import annotations

import argparse
import csv
import math
import os
import sys

from gantoy.config import ConfigError, RunConfig


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one clear line, no usage dump, status 2
        raise ConfigError(message)


class _Exit(Exception):
    pass


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
    return p


def load_config(args) -> RunConfig:
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
        from gantoy import presets

        cfg = presets.get(args.preset)
    pairs = []
    for item in args.set:
        if "=" not in item:
            raise ConfigError(f"--set: expected KEY=VALUE (e.g. train.lr_d=0.01), got {item!r}")
        key, value = item.split("=", 1)
        pairs.append((key.strip(), value))
    if args.steps is not None:
        pairs.append(("train.steps", args.steps))
    if pairs:
        cfg = cfg.with_sets(pairs)
    return cfg


METRIC_COLUMNS = ["js", "kl_data_g", "kl_g_data", "tv", "hellinger2", "w1", "value", "bound", "d_star_err"]


def metric_row(trainer, run):
    snap = trainer.snapshot(run=run)
    row = {"iteration": snap.iteration, "run": run, "d_updates": snap.d_updates, "g_updates": snap.g_updates,
           "loss_d": snap.losses["d"], "loss_g": snap.losses["g"]}
    for k in METRIC_COLUMNS + [k for k in ("modes", "hq", "mode_kl") if k in snap.metrics]:
        row[k] = snap.metrics.get(k, math.nan)
    return row


def cmd_train(args):
    import torch
    from tqdm import tqdm

    from gantoy.train import Trainer

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
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    tr = Trainer(cfg)
    rows = [metric_row(tr, r) for r in range(tr.R)]
    bar = tqdm(total=steps, disable=args.quiet, unit="it", dynamic_ncols=True)
    done = 0
    while done < steps and not tr.paused:
        n = min(every, steps - done)
        got = tr.step(n)
        done += got
        bar.update(got)
        if tr.paused:
            break
        rows.extend(metric_row(tr, r) for r in range(tr.R))
        bar.set_postfix(js=f"{rows[-tr.R]['js']:.4f}", loss_d=f"{rows[-tr.R]['loss_d']:.3f}")
    bar.close()
    if args.out:
        with open(os.path.join(args.out, "metrics.csv"), "w", newline="") as f:
            cols = list(rows[0])
            w = csv.DictWriter(f, fieldnames=cols)
            w.writeheader()
            w.writerows(rows)
    if tr.paused:
        print(f"paused: {tr.status['message']}", file=sys.stderr)
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
    from gantoy import presets

    for name in presets.names():
        cfg = presets.get(name)
        print(f"{name:12s} {cfg.objective.id:8s} {cfg.train.steps:6d} steps  {presets.describe(name)}")
    return 0


def main(argv=None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return {"presets": cmd_presets, "train": cmd_train}[args.cmd](args)
    except ConfigError as e:
        print(f"gantoy: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("gantoy: interrupted", file=sys.stderr)
        return 130
