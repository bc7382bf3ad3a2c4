"""A headless run recorded for export: train a config and keep evenly spaced view frames and metric rows."""
from __future__ import annotations

import numpy as np

from gantoy.core.config import ConfigError
from gantoy.core.history import History
from gantoy.measure.snapshot import frame, metric_row
from gantoy.measure.trainer import Trainer

MAX_FRAMES = 1000   # frames an export may hold


def record(cfg, steps: int, frames: int = 100, progress=None):
    """Train ``cfg`` for ``steps`` iterations and keep ``frames`` evenly spaced frames (the first at
    iteration 0, the last at ``steps``) and a metric row at each. Returns (frames, rows, trainer); a
    diverged run stops early (``trainer.status`` says why) with what was recorded."""
    if not (1 <= frames <= MAX_FRAMES):
        raise ConfigError(f"frames: must be in [1, {MAX_FRAMES}], got {frames}")
    tr = Trainer(cfg.with_set("train.steps", int(steps)))
    at = np.unique(np.round(np.linspace(0, steps, frames)).astype(int)) if frames > 1 else np.array([steps])
    out, rows = [], History(capacity=max(4, 2 * MAX_FRAMES))
    for i, target in enumerate(at):
        if target > tr.iteration:
            tr.step(int(target - tr.iteration))
        if tr.paused:
            break
        snap = tr.snapshot()
        out.append(frame(snap))
        rows.add(metric_row(snap))
        if progress is not None:
            progress(i + 1, len(at))
    return out, rows.rows, tr
