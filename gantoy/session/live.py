"""The one live loop: every lab that trains (Figure 1, playground, compare, mode collapse, conditional) trains
its frames through ``LiveRun.advance``.

A frame trains one chunk of a *steppable* — anything with ``step(n) -> iterations done``, ``iteration``,
``paused`` and ``status`` (core.guard.Status), and optionally ``done`` — the Trainer, the conditional trainer, a mode-collapse Study.
The chunk is sized so that it takes this session's share of a frame budget in **CPU time of this thread**:
on a shared server a chunk's wall time also counts the waits for the GIL while other sessions draw, and a
wall-clock budget shrank training to about one iteration a frame with eight sessions (bench/BENCHMARKS.md,
"A classroom on one box"). Chunks run through the process's gate (session/gate.py), one at a time, the budget
split among the sessions training. A diverged run pauses itself (the steppable restored its last good state);
the loop stops there and at an optional target iteration.
"""
from __future__ import annotations

import time
from collections import deque

from gantoy.session.gate import GATE

FRAME_BUDGET = 0.12        # CPU seconds of training per frame (bench/BENCHMARKS.md: live loop, classroom)


class LiveRun:
    """The live-loop state of one lab: the steppable being trained, running / target, the chunk size
    learned from the measured speed, and the redraw rate. Subclasses build ``self.run`` (the steppable)."""

    def __init__(self, budget: float = FRAME_BUDGET, max_per_frame: int = 50, first_chunk: int = 5):
        self.frame_budget = budget              # CPU seconds of training per frame
        self.steps_per_frame = max_per_frame    # upper bound on iterations per frame ("speed")
        self.first_chunk = first_chunk          # iterations of the first frame, before any speed is known
        self.running = False
        self.target = None                      # stop when the iteration counter reaches this
        self._sec_per_it = None
        self.frame_times = deque(maxlen=30)

    @property
    def steppable(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def forget_speed(self):
        self._sec_per_it = None

    def chunk(self, share: float = 1.0) -> int:
        """Iterations for the next frame: at most steps_per_frame, and no more than fits ``share`` of the
        frame's budget at the measured speed, so several sessions on one server share the CPU; a speed below 1
        is slow motion (0 on the frames in between)."""
        if self.steps_per_frame < 1:   # slow motion: one iteration every 1 / steps_per_frame frames
            self._credit = getattr(self, "_credit", 0.0) + self.steps_per_frame
            if self._credit < 1 - 1e-9:
                return 0
            self._credit -= 1
            return 1
        if self._sec_per_it is None:
            return max(1, min(self.steps_per_frame, self.first_chunk))
        fit = int(share * self.frame_budget / max(self._sec_per_it, 1e-6))
        return max(1, min(self.steps_per_frame, fit))

    def advance(self) -> int:
        """One live frame of training; stops the loop at the target iteration, when the steppable pauses
        (diverged) or when it says it is done. Returns the iterations trained."""
        run = self.steppable
        n = self.chunk(GATE.share(id(self)))
        if self.target is not None:
            n = min(n, max(0, self.target - run.iteration))
        done = 0
        if n > 0 and not run.paused:
            with GATE.chunk():
                t0 = time.thread_time()
                done = run.step(n)
                dt = time.thread_time() - t0
            if done:
                s = dt / done
                self._sec_per_it = s if self._sec_per_it is None else 0.7 * self._sec_per_it + 0.3 * s
        self.frame_times.append(time.perf_counter())
        if run.paused or getattr(run, "done", False) or (self.target is not None and run.iteration >= self.target):
            self.running = False
            self.target = None
        return done

    def redraw_rate(self) -> float:
        ts = list(self.frame_times)
        if len(ts) < 2 or ts[-1] == ts[0]:
            return 0.0
        return (len(ts) - 1) / (ts[-1] - ts[0])
