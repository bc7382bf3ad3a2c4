"""The spectrum of a real (1-D) GAN's game at its current training state: the eigenvalues of the Jacobian of
the joint gradient field F(θ_G, θ_D) = (−∇_G L_G, +∇_D V) of one run (Mescheder, Nowozin & Geiger 2017;
Nagarajan & Kolter 2017). The field is made deterministic with the 1-D quadrature the snapshot uses: V =
Σ_c P_c real(a(x_c)) + E_z fake(a(G(z))) and L_G = E_z g(a(G(z))), E_z over the noise's quantile nodes (the
exact push-forward, measure/density.py), so J is the Jacobian of the expected game, not of a minibatch.

Size: a parameter vector of n entries has an n × n Jacobian. Up to ``EXACT_LIMIT`` parameters it is built
whole (n vector–Jacobian products) and every eigenvalue is returned; beyond, the ``k`` eigenvalues of largest
magnitude — the ones that bound the step size — are found by Arnoldi iteration (scipy.sparse.linalg.eigs,
ARPACK) on Jᵀ (same spectrum), one vector–Jacobian product (~10 ms for the 1-D lessons) per step; the
eigenvalues of largest real part converge far more slowly (hundreds of steps) and are not computed. A gradient
step of size h is locally stable iff |1 + hλ| < 1 for every eigenvalue λ: inside the disc of radius 1/h around
−1/h. The time for the lessons' sizes: bench/BENCHMARKS.md ("Spectrum").
"""
from __future__ import annotations

import time

import numpy as np
import torch
from scipy.sparse.linalg import LinearOperator, eigs

from gantoy.measure import density
from gantoy.measure.estimate2d import data_key
from gantoy.measure.views import views_1d

EXACT_LIMIT = 600     # parameters up to which the whole Jacobian is built
TOL, NCV = 1e-3, 40   # Arnoldi's residual tolerance and basis size (scipy.sparse.linalg.eigs)
NODES = 512           # noise quantile nodes for E_z (the snapshot uses 8192; the largest eigenvalues agree to
#                       ~1e-3 with 2048 nodes at a quarter of the time)


class GameField:
    """F for run ``run`` of a 1-D trainer, as a function of one flat parameter vector (G's, then D's)."""

    def __init__(self, trainer, run: int = 0):
        if trainer.dim != 1 or trainer.pack != 1:
            raise ValueError("the spectrum is computed for unpacked 1-D runs")
        self.tr, self.run = trainer, run
        self.obj, self.prm = trainer.objective(run)
        pens = self.obj.active_penalties(self.prm)
        if pens:   # their expectations (over interpolates) are not in this quadrature: refused, not left out
            raise ValueError("the spectrum leaves penalties out, and this run has "
                             + ", ".join(p.param for p in pens) + " > 0; set it to 0 to see the game's own spectrum")
        v = views_1d(data_key(trainer.cfg.data))
        self.x = torch.tensor(v["x"], dtype=torch.float64).view(1, -1, 1)
        self.p = torch.tensor(v["pm"] / v["pm"].sum(), dtype=torch.float64)
        z = density.noise_quantiles(trainer.cfg.model.noise, NODES)
        self.z = torch.tensor(z, dtype=torch.float64).view(1, -1, 1)
        self.wz = torch.full((len(z),), 1.0 / len(z), dtype=torch.float64)
        self.g_shapes = [p.shape[1:] for p in trainer.G.parameters()]
        self.d_shapes = [p.shape[1:] for p in trainer.D.parameters()]
        self.n_g = sum(int(np.prod(s)) for s in self.g_shapes)
        self.n = self.n_g + sum(int(np.prod(s)) for s in self.d_shapes)
        self.theta = torch.cat([p.detach()[run].double().reshape(-1) for p in
                                list(trainer.G.parameters()) + list(trainer.D.parameters())])

    def _split(self, theta):
        out, i = [], 0
        for s in self.g_shapes + self.d_shapes:
            k = int(np.prod(s))
            out.append(theta[i:i + k].reshape(1, *s))
            i += k
        ng = len(self.g_shapes)
        return out[:ng], out[ng:]

    def field(self, theta):
        """F(θ) with the graph kept (so it can be differentiated again)."""
        e = torch.zeros_like(theta, requires_grad=True)
        gp, dp = self._split(theta + e)
        fake = self.tr.G(self.z, params=gp)
        a_fake = self.tr.D(fake, params=dp)[0, :, 0]
        a_real = self.tr.D(self.x, params=dp)[0, :, 0]
        value = (self.p * self.obj.real(a_real, self.prm)).sum() + (self.wz * self.obj.fake(a_fake, self.prm)).sum()
        g_loss = (self.wz * self.obj.g(a_fake, self.prm)).sum()
        (dg,) = torch.autograd.grad(g_loss, e, create_graph=True)
        (dv,) = torch.autograd.grad(value, e, create_graph=True)
        return torch.cat([-dg[:self.n_g], dv[self.n_g:]])


def spectrum(trainer, run: int = 0, k: int = 8, steps=None):
    """{"eigenvalues": complex array, "exact": bool, "n": parameters, "seconds"}: every eigenvalue of the field's
    Jacobian at run ``run``'s state when n <= EXACT_LIMIT, else the k of largest magnitude (Arnoldi on Jᵀ).
    ``steps`` (h_G, h_D): the eigenvalues of diag(h)·J instead — G's rows times h_G, D's times h_D — whose
    plain gradient steps with those learning rates are stable iff every one lies in |1 + μ| < 1."""
    t0 = time.perf_counter()
    gf = GameField(trainer, run)
    theta = gf.theta.clone().requires_grad_(True)
    f = gf.field(theta)
    h = np.ones(gf.n)
    if steps is not None:
        h[:gf.n_g], h[gf.n_g:] = steps

    def vjp(v):          # (diag(h) J)ᵀ v = Jᵀ (h v)
        w = torch.as_tensor(h * np.real(v), dtype=torch.float64).reshape(-1)
        (g,) = torch.autograd.grad(f, theta, grad_outputs=w, retain_graph=True)
        return g.numpy()

    if gf.n <= EXACT_LIMIT:
        J = np.stack([vjp(e) for e in np.eye(gf.n)])      # row i is e_iᵀ diag(h) J: the rows of diag(h) J
        ev = np.linalg.eigvals(J)
        exact = True
    else:
        op = LinearOperator((gf.n, gf.n), matvec=vjp, dtype=np.float64)
        # tol 1e-3 and a 40-vector basis: the 8 largest agree with tol 1e-8 to ~1e-7 relative, in 20-70 products
        # instead of 300-450 (bench/spectrum.py)
        ev = eigs(op, k=k, which="LM", return_eigenvectors=False, tol=TOL, maxiter=2000, ncv=min(gf.n, max(NCV, 2 * k + 1)))
        exact = False
    return {"eigenvalues": ev, "exact": exact, "n": gf.n, "seconds": time.perf_counter() - t0}


def gd_stable(eigenvalues, lr: float = 1.0) -> bool:
    """Plain gradient steps of size lr are locally stable iff |1 + lr·λ| < 1 for every eigenvalue (lr = 1 for
    the eigenvalues of diag(h)·J, which carry their steps)."""
    return bool(np.all(np.abs(1 + lr * np.asarray(eigenvalues)) < 1))
