"""A long headless run with the app's bookkeeping (issue #11): train, snapshot every ``every`` steps into a
History of metric rows and one of frames (what a lab keeps), and report resident memory and speed at intervals, so that
growth over a long run shows. Used by bench/soak.py (10⁶ steps) and a short test (10⁴ steps)."""
from __future__ import annotations

import os
import time

from gantoy import Trainer, presets
from gantoy.core.history import FRAME_CAPACITY, History
from gantoy.measure.snapshot import frame, metric_row


def rss_mb() -> float:
    """Current resident set size of this process in MB (Linux /proc; 0 where unavailable)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError):
        return 0.0


def soak(preset: str = "figure1", steps: int = 10**6, every: int = 100, report: int = 10**5, progress=None,
         overrides: dict | None = None):
    """Yields one dict per ``report`` steps: iteration, rss_mb, steps_per_s (over that interval),
    history_rows, frames. ``overrides``: dotted config keys to set (e.g. a smaller batch for a quick test)."""
    cfg = presets.get(preset)
    for k, v in (overrides or {}).items():
        cfg = cfg.with_set(k, v)
    cfg = cfg.with_set("train.steps", steps)  # the schedule (cosine in figure1) spans the whole soak
    tr = Trainer(cfg)
    hist, frames = History(), History(FRAME_CAPACITY)
    t0 = time.perf_counter()
    while tr.iteration < steps:
        tr.step(min(every, steps - tr.iteration))
        if tr.paused:
            raise RuntimeError(f"the soak run diverged: {tr.status['message']}")
        snap = tr.snapshot()
        hist.add(metric_row(snap))
        frames.add(frame(snap))
        if tr.iteration % report == 0 or tr.iteration >= steps:
            t1 = time.perf_counter()
            yield {"iteration": tr.iteration, "rss_mb": rss_mb(), "steps_per_s": report / (t1 - t0),
                   "history_rows": len(hist.rows), "frames": len(frames)}
            t0 = t1
        if progress is not None:
            progress(tr.iteration, steps)
