"""D trained to its optimum exactly (Figure 1, panel (b); Proposition 1 of Goodfellow et al. 2014), in 1-D.

With G fixed, the optimal D maximises the *expected* value V(D) = E_p_data[real(a(x))] + E_p_g[fake(a(x))]
(core/objectives.py). In 1-D both expectations are integrals gantoy computes without sampling, on the grid the
snapshot uses (measure/snapshot.py): V(D) = Σ_c P_c·real(a(x_c)) + Q_c·fake(a(x_c)) over the 1000 cells, with
P_c p_data's exact cell masses and Q_c those of the exact push-forward of the noise through G (M = 8192
quantile nodes). Cell by cell this is maximised by the D* the snapshot draws and measures d_star_err against
(P_c/(P_c + Q_c) for the GAN), so the better D maximises it, the closer it gets to that D*. This module
maximises it over D's weights with L-BFGS (strong Wolfe line search, float64): D approaches the best curve
its network can draw, not a sampled estimate of it. Penalties (R1) are left out: panel (b) is
about D* of the plain game. The sampled inner loop of Algorithm 1 (k D steps on minibatches) stays
available as ``Trainer.step_d`` / ``Trainer.step_d_to_optimum``.

``OptimalD`` is steppable (``step(n)``, ``done``): the live loop shows d_star_err falling while it runs.
It goes on to half the goal, and stops there, when L-BFGS stops improving (a local optimum from D's weights: the
remaining error is said with its number; D* counts as reached if it is within the goal), or after MAX_ITER steps.
Where D* is not reached the verdict gives the reason it can tell: V has no maximum (mass of one density where the
other has none, for Pearson or KL early in a run: the divergence is infinite), a side-valued D* (hinge, TV) that V
does not pin down where p_g ≈ p_data, or else a local optimum of D's network short of what D* asks (the jumps of a
piecewise-linear G's p_g). tests/test_optimum.py checks the goal on figure1 at iteration 0 and 150 for each objective
that reaches it there, and each reason.
"""
from __future__ import annotations

import math
import time

import numpy as np
import torch

from gantoy.core.guard import Status
from gantoy.measure import density
from gantoy.measure.estimate2d import data_key
from gantoy.measure.snapshot import d_star_error
from gantoy.measure.views import views_1d

TOL = 0.01          # d_star_err at which D counts as at its optimum (the d_star_err goal of panel (b))
MAX_ITER = 300      # L-BFGS steps at most (each up to INNER function evaluations)
INNER = 5
STALL = 1e-8        # relative improvement of V per step below which L-BFGS has converged
FLAT = 0.02         # a stalled side-valued D (hinge, TV) this close to max_D V (relative): D* is not pinned down


class OptimalD:
    """Maximises the quadrature value over D's weights for run ``run`` of ``trainer`` (1-D, unpacked)."""

    def __init__(self, trainer, run: int = 0, tol: float = TOL, max_iter: int = MAX_ITER):
        if trainer.dim != 1 or trainer.pack != 1:
            raise ValueError("the exact optimum is computed for unpacked 1-D runs; use the sampled inner loop")
        self.trainer, self.run, self.tol, self.max_iter = trainer, run, tol, max_iter
        self.obj, self.prm = trainer.objective(run)
        v = views_1d(data_key(trainer.cfg.data))
        noise = trainer.cfg.model.noise
        with torch.no_grad():   # the live G, which D is trained against (as Trainer.step_d and the 1-D views)
            gx = trainer.generator(run, averaged=False)(density.pushforward_inputs(noise)).reshape(-1).double().numpy()
        qm = density.pushforward_from_values(gx, noise, v["edges"])[0]
        self._x = torch.tensor(v["x"], dtype=torch.float64).view(1, -1, 1)
        self._p = torch.tensor(v["pm"], dtype=torch.float64)
        self._q = torch.tensor(qm, dtype=torch.float64)
        if self.obj.d_star is None:
            raise ValueError(f"{self.obj.id!r} has no optimal discriminator in closed form (a critic)")
        self._pm, self._qm = v["pm"], qm
        self.params = [p.detach()[run:run + 1].double().clone().requires_grad_(True) for p in trainer.D.parameters()]
        self.opt = torch.optim.LBFGS(self.params, lr=1.0, max_iter=INNER, history_size=50,
                                     line_search_fn="strong_wolfe", tolerance_grad=1e-12, tolerance_change=1e-15)
        self.iteration = 0
        self.status = Status()
        self.stalled = False
        self.seconds = 0.0
        self.err = self._err()
        self.start_err = self.err
        self._v = self.value()

    # ---- the steppable interface (session/live.py) -------------------------------------------------
    paused = False

    @property
    def done(self) -> bool:
        # on to half the goal, so that "reached" does not sit on its edge; stop there, at a stall or the cap
        return not (self.err > 0.5 * self.tol) or self.stalled or self.iteration >= self.max_iter

    def step(self, n: int = 1) -> int:
        t0 = time.perf_counter()
        done = 0
        while done < n and not self.done:
            good = [p.detach().clone() for p in self.params]
            self.opt.step(self._closure)
            done += 1
            self.iteration += 1
            v = self.value()
            if not (np.isfinite(v) and all(bool(torch.isfinite(p).all()) for p in self.params)):
                with torch.no_grad():   # the line search left the finite range: keep the last good weights
                    for p, g in zip(self.params, good):
                        p.copy_(g)
                self.stalled = True
                break
            self.stalled = abs(v - self._v) <= STALL * max(1.0, abs(v))
            self._v = v
            self.err = self._err()
        self._write_back()
        self.seconds += time.perf_counter() - t0
        return done

    # ---- the quadrature value ----------------------------------------------------------------------
    def _value_t(self):
        a = self.trainer.D(self._x, params=self.params)[0, :, 0]
        return (self._p * self.obj.real(a, self.prm)).sum() + (self._q * self.obj.fake(a, self.prm)).sum()

    def _closure(self):
        self.opt.zero_grad()
        loss = -self._value_t()
        loss.backward()
        return loss

    def value(self) -> float:
        with torch.no_grad():
            return float(self._value_t())

    def _write_back(self):
        with torch.no_grad():
            for p, q in zip(self.trainer.D.parameters(), self.params):
                p[self.run:self.run + 1] = q.to(p.dtype)
        self.trainer.revision += 1

    def _err(self) -> float:
        """d_star_err as the snapshot measures it (measure/snapshot.d_star_error) for the current weights."""
        with torch.no_grad():
            a = self.trainer.D(self._x, params=self.params)[0, :, 0]
            d = self.obj.display(a, self.prm).numpy()
        return d_star_error(self.obj, self.prm, d, self._pm, self._qm)

    def value_gap(self) -> float:
        """max_D V − V(D) on the grid, from the objective's closed-form optimum (the value D* attains): inf where V has
        no maximum (the divergence is infinite), NaN where there is no closed form."""
        if self.obj.optimum is None:
            return math.nan
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            best = float(self.obj.optimum(self._pm, self._qm, self.prm))
        if best == math.inf:
            return math.inf
        return max(0.0, best - self._v) if np.isfinite(best) else math.nan

    def verdict(self) -> str:
        """What happened, for the user: reached, or why not (with the numbers)."""
        if not (self.err > self.tol):
            return (f"D reached D*: d_star_err {self.start_err:.4f} → {self.err:.4f} (≤ {self.tol:g}) in "
                    f"{self.iteration} L-BFGS steps, {self.seconds:.1f} s.")
        head = f"D stops short of D*: d_star_err {self.start_err:.4f} → {self.err:.4f} (goal ≤ {self.tol:g}) — "
        gap = self.value_gap()
        lost, spare = float(self._pm[self._qm == 0].sum()), float(self._qm[self._pm == 0].sum())
        if gap == math.inf and max(lost, spare) >= 0.5 * self.tol:
            # e.g. Pearson, KL early in a run: where one density has mass and the other none the divergence is
            # infinite (a far tail beyond the other's last node makes it infinite too, harmlessly: hence the shares)
            return head + (f"V has no maximum here: p_data puts {100 * lost:.0f} % of its mass where p_g puts none "
                           f"and p_g {100 * spare:.0f} % where p_data puts none, and {self.obj.id}'s divergence is "
                           "infinite, its D* unbounded there. Train G first.")
        if (self.obj.ratio_star is not None and self.stalled and np.isfinite(gap)
                and gap <= FLAT * max(1.0, abs(self._v))):
            # the hinge and TV: D* is a side (±1, ±½) that flips wherever p_g crosses p_data; where they nearly agree
            # V hardly depends on D (measured on figure1: f:tv at iteration 150 V 1.1e-2 below its maximum with
            # d_star_err 0.31; the hinge at the end 2.1e-3 below with 0.11)
            return head + (f"{self.obj.id}'s D* is one of two sides and flips wherever p_g crosses p_data; where "
                           f"the two nearly agree V hardly depends on D, so D* is not pinned down there (V "
                           f"{gap:.1e} below max_D V).")
        # (a local optimum of a non-convex problem — a fresh D of the same size can land elsewhere, better or worse:
        # bimodal1d at its end 0.038 from the trained D, 0.018–0.022 from two fresh ones, measured 2026-12-01)
        value = f" (V {gap:.1e} below max_D V)" if np.isfinite(gap) else ""
        why = ("L-BFGS has converged to a local optimum from D's current weights (a fresh D can land elsewhere), "
               "short of what D* asks: the jumps and spikes of p_g, which D* inherits, or values far outside D's range"
               if self.stalled else f"stopped after {self.iteration} L-BFGS steps")
        return head + why + value + "."


def solve(trainer, run: int = 0, tol: float = TOL, max_iter: int = MAX_ITER) -> OptimalD:
    """Train D of run ``run`` to its optimum (see the module docstring); returns the finished solver."""
    opt = OptimalD(trainer, run, tol, max_iter)
    while not opt.done:
        opt.step(10)
    return opt

