"""Export what the labs show, one dispatch for the CLI and the app: GIF / MP4 / interactive HTML animations
(render/animation.py), metrics as CSV (render/tables.py), the run configuration as JSON."""
from __future__ import annotations

import math

import numpy as np

from gantoy.core.config import ConfigError
from gantoy.measure.record import MAX_FRAMES
from gantoy.render import animation, tables

FORMATS = ("gif", "mp4", "html", "csv", "json")
ANIMATIONS = ("gif", "mp4", "html")
PANELS = ("main", "metrics")
MAX_SIDE = 2000     # pixels
MIME = {"gif": "image/gif", "mp4": "video/mp4", "html": "text/html", "csv": "text/csv", "json": "application/json"}


def check_options(fmt: str, fps: float = 10, size=(800, 480), panels=("main",), frames: int = 100):
    if fmt not in FORMATS:
        raise ConfigError(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")
    if not (isinstance(fps, (int, float)) and math.isfinite(fps) and 0.5 <= fps <= 60):
        raise ConfigError(f"fps: must be a number in [0.5, 60], got {fps!r}")
    w, h = size
    if not (64 <= w <= MAX_SIDE and 64 <= h <= MAX_SIDE):
        raise ConfigError(f"size: width and height must be in [64, {MAX_SIDE}] pixels, got {w}x{h}")
    bad = [p for p in panels if p not in PANELS]
    if not panels or bad:
        raise ConfigError(f"panels: choose from {', '.join(PANELS)} (got {', '.join(panels) or 'none'})")
    if not (1 <= frames <= MAX_FRAMES):
        raise ConfigError(f"frames: must be in [1, {MAX_FRAMES}], got {frames}")


def pick(frames: list, n: int) -> list:
    """At most n frames, evenly spaced over the record's iterations (first and last kept): the one nearest each
    of n evenly spaced iterations. By position in the record, the newest moments (kept at full resolution for
    the timeline) took 3 s of a 10-s GIF of a 2000-iteration lesson for its last 170 iterations."""
    if n >= len(frames):
        return list(frames)
    its = np.array([f.get("iteration", i) for i, f in enumerate(frames)], dtype=np.float64)
    if its[-1] <= its[0] or (np.diff(its) < 0).any():   # one iteration only (Step D moments), or no order
        idx = np.round(np.linspace(0, len(frames) - 1, n)).astype(int)
    else:
        targets = np.linspace(its[0], its[-1], n)
        right = np.clip(np.searchsorted(its, targets), 1, len(its) - 1)
        idx = np.where(targets - its[right - 1] <= its[right] - targets, right - 1, right)
        idx[-1] = len(frames) - 1      # the last moment, also after Step D within the last iteration
    return [frames[i] for i in np.unique(idx)]


def make(fmt: str, frames=None, rows=None, cfg_json: str | None = None, fps: float = 10, size=(800, 480),
         panels=("main",), noise: str = "normal", progress=None, labels=None) -> bytes:
    """The file of format ``fmt``: an animation of ``frames`` (measure.snapshot.frame dicts; an ensemble's show
    every run side by side, titled by ``labels``), the metric ``rows`` as CSV, or ``cfg_json``.
    Options are checked first (ConfigError naming the bad one)."""
    check_options(fmt, fps, size, tuple(panels), max(1, len(frames or ())) if fmt in ANIMATIONS else 1)
    if fmt == "gif":
        return animation.to_gif(frames, fps, size, tuple(panels), noise, progress, labels)
    if fmt == "mp4":
        return animation.to_mp4(frames, fps, size, tuple(panels), noise, progress, labels)
    if fmt == "html":
        return animation.to_html(frames, noise=noise, labels=labels).encode()
    if fmt == "csv":
        return tables.to_csv(rows or []).encode()
    return (cfg_json if cfg_json.endswith("\n") else cfg_json + "\n").encode()
