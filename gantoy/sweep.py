"""``gantoy sweep``: train a grid of config values x seeds and write one table.

    python -m gantoy sweep --preset figure1 --grid train.lr_d=1e-4,3e-4,1e-3 --seeds 10 --steps 1000
    python -m gantoy sweep --preset ring8 --grid objective.id=nsgan,wgan-gp --grid train.lr_g=1e-4,1e-3 --workers 2

Each ``--grid KEY=V1,V2,...`` is one axis (a dotted config key, as ``--set``); the grid is their product.
Every point trains ``seeds`` runs (seeds seed, seed+1, ...) in seed blocks, which run serially, on local
workers or on Ray (gantoy/distribute.py) with the same numbers. A run's numbers are its final metric row
(gantoy/measure/snapshot.py: JS, KL, W1, value, D* error; modes and high-quality share for mixtures);
the table has each one's mean and standard deviation over the seeds of a point.
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from gantoy.core.config import ConfigError, RunConfig

MAX_POINTS = 256         # grid points
MAX_RUNS = 4096          # grid points x seeds
# the metrics summarised per point (those a run's row has), and the markdown table's columns
METRICS = ["js", "kl_data_g", "w1", "value", "d_star_err", "modes", "hq", "loss_d", "loss_g"]
SHOWN = {"js": "JS", "w1": "W1", "d_star_err": "D* error", "modes": "modes", "hq": "high-quality"}


def split_values(text: str) -> list:
    """``1e-4,3e-4`` -> ['1e-4', '3e-4']; commas inside [...] (a list value) do not split."""
    out, depth, cur = [], 0, ""
    for ch in text:
        depth += (ch == "[") - (ch == "]")
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    out.append(cur.strip())
    return out


def parse_grid(items: list) -> list:
    """``["train.lr_d=1e-4,1e-3", ...]`` -> [(key, [values]), ...]; a clear error for each bad axis."""
    axes, seen = [], set()
    for item in items:
        if "=" not in item:
            raise ConfigError(f"--grid: expected KEY=V1,V2,... (e.g. train.lr_d=1e-4,1e-3), got {item!r}")
        key, text = (s.strip() for s in item.split("=", 1))
        values = split_values(text)
        if not key or any(v == "" for v in values):
            raise ConfigError(f"--grid: {item!r} has an empty key or value")
        if key in seen:
            raise ConfigError(f"--grid: {key} is given twice (put all its values in one --grid)")
        seen.add(key)
        axes.append((key, values))
    if not axes:
        raise ConfigError("--grid: give at least one axis, e.g. --grid train.lr_d=1e-4,1e-3")
    return axes


def points(base: RunConfig, axes: list, seeds: int) -> list:
    """Every grid point as (values {key: text}, validated config); all are checked before any training."""
    n = math.prod(len(v) for _, v in axes)
    if n > MAX_POINTS:
        raise ConfigError(f"--grid: {n} points; at most {MAX_POINTS}")
    if not 1 <= seeds <= 64:
        raise ConfigError(f"--seeds: must be in [1, 64], got {seeds}")
    if n * seeds > MAX_RUNS:
        raise ConfigError(f"--grid x --seeds: {n * seeds} runs; at most {MAX_RUNS}")
    keys = [k for k, _ in axes]
    out = []
    for combo in itertools.product(*(v for _, v in axes)):
        values = dict(zip(keys, combo))
        try:
            cfg = base.with_sets(values)
        except ConfigError as e:
            raise ConfigError(f"--grid point {', '.join(f'{k}={v}' for k, v in values.items())}: {e}") from None
        out.append((values, cfg))
    return out


def run_block(cfg_json: str, first_seed: int, seeds: int) -> list:
    """One task: seeds first_seed ... of one grid point as one ensemble, trained for train.steps; the final
    metric row of each run (with its seed, and why it stopped if it diverged)."""
    from gantoy.measure.snapshot import metric_row
    from gantoy.measure.trainer import Trainer

    cfg = RunConfig.from_json(cfg_json).with_sets({"train.seed": int(first_seed), "train.runs": int(seeds)})
    tr = Trainer(cfg)
    while tr.iteration < cfg.train.steps and not tr.paused:
        if not tr.step(min(500, cfg.train.steps - tr.iteration)):
            break
    rows = []
    for r in range(tr.R):
        row = metric_row(tr.snapshot(run=r))
        row["seed"] = tr.configs[r].train.seed
        row["stopped"] = tr.status.message if tr.paused else ""
        rows.append(row)
    return rows


def run(grid: list, first_seed: int, seeds: int, block: int, runner) -> tuple:
    """Train every point of ``grid`` (from ``points``) over ``seeds`` seeds in seed blocks; ``runner(fn,
    tasks)`` runs the tasks (distribute.run with the CLI's --workers / --ray). Returns (one summary row per
    point, one row per run)."""
    from gantoy import distribute

    blocks = distribute.seed_blocks(first_seed, seeds, block)
    done = runner(run_block, [(c.to_json(), s0, n) for _, c in grid for s0, n in blocks])
    rows, per_seed = [], []
    for i, (values, _) in enumerate(grid):
        runs = [r for part in done[i * len(blocks):(i + 1) * len(blocks)] for r in part]
        per_seed += [{**values, **r} for r in runs]
        rows.append(summarise(values, runs))
    return rows, per_seed


def summarise(values: dict, rows: list) -> dict:
    """One table row: the point's values, seeds, runs stopped early, then mean and sd of each metric."""
    out = dict(values)
    out["seeds"] = len(rows)
    out["stopped"] = sum(bool(r["stopped"]) for r in rows)
    out["iterations"] = min(r["iteration"] for r in rows)
    for m in METRICS:
        if m not in rows[0]:
            continue
        a = np.array([r[m] for r in rows], dtype=float)
        finite = bool(np.isfinite(a).all())   # an infinite KL has a mean (inf) but no sd
        out[f"{m}_mean"] = float(a.mean()) if finite or not np.isnan(a).any() else math.nan
        out[f"{m}_sd"] = (float(a.std(ddof=1)) if len(a) > 1 else 0.0) if finite else math.nan
    return out


def _cell(row, m):
    mean, sd = row.get(f"{m}_mean"), row.get(f"{m}_sd")
    if mean is None:
        return "–"
    if m == "hq":
        return f"{100 * mean:.1f} ± {100 * sd:.1f} %"
    return f"{mean:.4g} ± {sd:.2g}"


def format_markdown(rows: list, keys: list) -> str:
    shown = [m for m in SHOWN if any(f"{m}_mean" in r for r in rows)]
    head = keys + ["seeds"] + [SHOWN[m] for m in shown] + ["stopped early"]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [str(r[k]) for k in keys] + [str(r["seeds"])] + [_cell(r, m) for m in shown] + [str(r["stopped"])]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def columns(rows: list, keys: list) -> list:
    """The summary CSV's columns in a fixed order (keys, counts, then mean/sd per metric present)."""
    stats = [f"{m}_{s}" for m in METRICS for s in ("mean", "sd") if any(f"{m}_{s}" in r for r in rows)]
    return keys + ["seeds", "stopped", "iterations"] + stats
