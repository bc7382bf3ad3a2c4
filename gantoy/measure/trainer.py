"""``gantoy.Trainer``: the core Trainer (Algorithm 1, core/train.py) plus what needs the measure layer —
``snapshot()`` (exact reading, measure/snapshot.py) and ``step_d_to_optimum()`` (panel (b) of Figure 1).

The split keeps the layers one-way: core trains from samples and knows nothing of grids or quadrature;
this subclass is the one class the layers above use.
"""
from __future__ import annotations

from gantoy.core import train
from gantoy.measure import snapshot


class Trainer(train.Trainer):
    __doc__ = train.Trainer.__doc__

    def snapshot(self, run: int = 0, averaged: bool | None = None) -> snapshot.Snapshot:
        """Everything a view needs about run ``run`` now (measure/snapshot.py: ``take``)."""
        return snapshot.take(self, run, averaged)

    def step_d_to_optimum(self, tol: float = 0.01, max_steps: int = 3000, chunk: int = 100, run: int = 0,
                          averaged: bool | None = None) -> int:
        """The inner loop of Algorithm 1 (Figure 1, panel b): D steps in chunks of ``chunk`` until D's weighted
        distance to D* (``d_star_err`` of run ``run``, against the generator ``snapshot(averaged=...)`` draws:
        the live G that D is trained on unless asked otherwise) is at most ``tol`` (or undefined),
        ``max_steps`` are done, or the run pauses. Returns the D steps taken (at least one chunk)."""
        n = 0
        while n < max_steps:
            self.step_d(chunk)
            n += chunk
            if self.paused or not (self.snapshot(run=run, averaged=averaged).metrics["d_star_err"] > tol):
                break
        return n
