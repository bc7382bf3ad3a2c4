"""``gantoy.Trainer``: the core Trainer (Algorithm 1, core/train.py) plus what needs the measure layer —
``snapshot()`` (exact reading, measure/snapshot.py) and ``step_d_to_optimum()`` (panel (b) of Figure 1).

The split keeps the layers one-way: core trains from samples and knows nothing of grids or quadrature;
this subclass is the one class the layers above use.
"""
from __future__ import annotations

import numpy as np
import torch

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

    # ---- Algorithm 1 in its parts (the step-by-step walkthrough, session/walk.py) ------------------
    def peek_batch(self, which: str = "d", run: int = 0) -> dict:
        """The minibatch the next D update ("d": data and noise, in that order) or G update ("g": noise) will
        draw, without drawing it: the random generators are put back, so the update then draws exactly
        these. Returns run ``run``'s arrays: real (None for "g"), z, fake = G(z) now."""
        states = [g.get_state() for g in self.gens]
        try:
            n = self.cfg.train.batch_size * self.pack
            real = self._real(n) if which == "d" else None
            z = self._noise(n)
            with torch.no_grad():
                fake = self.G(z)
        finally:
            for g, s in zip(self.gens, states):
                g.set_state(s)
        return {"real": None if real is None else real[run].numpy(), "z": z[run].numpy(), "fake": fake[run].numpy()}

    def end_iteration(self):
        """Count one Algorithm-1 iteration done in parts: k ``step_d(1)`` then g_steps ``step_g(1)`` are
        exactly ``step(1)`` (tests/test_walk.py) except for this counter."""
        self.iteration += 1
        self.revision += 1

    def d_on(self, points, run: int = 0):
        """D at ``points`` [n, dim] in display units (probability, critic value, ...) as a numpy array."""
        obj, prm = self.objective(run)
        with torch.no_grad():
            a = self.discriminator(run)(torch.as_tensor(np.asarray(points, dtype=np.float32)))
            return obj.display(a, prm).double().numpy().reshape(-1)
