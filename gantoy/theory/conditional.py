"""Conditional samplers: the conditional GAN and GCDS, on two toy joints (REFERENCES.md §2).

cGAN [Mirza & Osindero 2014]: D(x, y) and G(z, x) see the condition x by concatenation; the value is the
GAN's, both conditioned (the non-saturating G loss, ``nsgan`` in the registry).
GCDS [Zhou, Jiao, Liu & Huang 2022, JASA, Algorithm 2; seed 000]: G(η, x), η ~ N(0, I_m);
L(G, D) = E_{X,η}[D(X, G(η, X))] − E_{X,Y}[exp(D(X, Y))]; D ascends L, G descends it. At the optimum
D*(x, y) = log(p_G(x, y)/p_XY(x, y)) and max_D L + 1 = KL(P_{X,G(η,X)} ‖ P_{X,Y}).

Toys: ``fork`` — X ~ U(−2, 2) and Y | X a two-component mixture whose branches split apart and widen
as X grows (one mode at the left end, two well-separated ones at the right); ``classes`` — a label
c ∈ {0, 1, 2} and Y a 2-D mixture of the two opposite modes of a six-mode ring that belong to class c.
Everything that judges a generator (conditional means, quantiles, W1, mode hits) is computed against the
closed-form truth.
"""
from __future__ import annotations

import copy
import math
from dataclasses import asdict, dataclass

import numpy as np
import torch
from scipy import special, stats

from gantoy.core import objectives
from gantoy.core.data import ppf_bisect
from gantoy.core.ema import WeightAverage
from gantoy.core.guard import CHECKPOINT_EVERY, Guarded, Status
from gantoy.core.models import StackedMLP
from gantoy.core.optim import StackedOptimizer

METHODS = {"gcds": "GCDS (Zhou et al. 2022): KL form, η ~ N(0, I)", "cgan": "conditional GAN (Mirza & Osindero 2014)"}


# ---- toy joints -----------------------------------------------------------------------------------
class Fork:
    """X ~ U(−2, 2); Y | X = x ~ 0.6·N(x/2 + a(x), s(x)²) + 0.4·N(x/2 − a(x), s(x)²) with
    a(x) = 0.6·max(x + 1, 0) (the fork opens at x = −1) and s(x) = 0.15 + 0.05·(x + 2)."""
    id = "fork"
    cond_dim, y_dim = 1, 1
    x_range = (-2.0, 2.0)
    weights = (0.6, 0.4)

    @staticmethod
    def _parts(x):
        x = np.asarray(x, dtype=np.float64)
        a = 0.6 * np.maximum(x + 1, 0)
        return (x / 2 + a, x / 2 - a), 0.15 + 0.05 * (x + 2)

    def sample(self, n: int, rng: np.random.Generator):
        x = rng.uniform(*self.x_range, size=n)
        return x[:, None], self.sample_given(x, rng)[:, None]

    def sample_given(self, x, rng):
        (m1, m2), s = self._parts(x)
        upper = rng.random(np.shape(x)) < self.weights[0]
        return np.where(upper, m1, m2) + s * rng.standard_normal(np.shape(x))

    def pdf(self, y, x0: float):
        (m1, m2), s = self._parts(x0)
        return self.weights[0] * stats.norm.pdf(y, m1, s) + self.weights[1] * stats.norm.pdf(y, m2, s)

    def cdf(self, y, x0: float):
        (m1, m2), s = self._parts(x0)
        return self.weights[0] * special.ndtr((y - m1) / s) + self.weights[1] * special.ndtr((y - m2) / s)

    def mean(self, x0: float) -> float:
        (m1, m2), _ = self._parts(x0)
        return float(self.weights[0] * m1 + self.weights[1] * m2)

    def ppf(self, u, x0: float):
        (m1, m2), s = self._parts(x0)
        return ppf_bisect(lambda y: self.cdf(y, x0), np.asarray(u, dtype=np.float64),
                          float(min(m1, m2) - 12 * s), float(max(m1, m2) + 12 * s))


class Classes:
    """Label c ∈ {0, 1, 2} uniform (one-hot condition); Y | c = ½ N(r_c, σ²I) + ½ N(−r_c, σ²I) with r_c = 2·(cos 60°c,
    sin 60°c): the six modes of a ring of radius 2, two opposite ones per class, σ = 0.1."""
    id = "classes"
    cond_dim, y_dim = 3, 2
    n_classes = 3
    std = 0.1

    def centers(self, c: int) -> np.ndarray:
        a = math.pi / 3 * c
        r = 2.0 * np.array([math.cos(a), math.sin(a)])
        return np.stack([r, -r])

    def onehot(self, c):
        return np.eye(self.n_classes)[np.asarray(c)]

    def sample(self, n: int, rng: np.random.Generator):
        c = rng.integers(0, self.n_classes, size=n)
        return self.onehot(c), self.sample_given(c, rng)

    def sample_given(self, c, rng):
        c = np.asarray(c)
        sign = np.where(rng.random(len(c)) < 0.5, 1.0, -1.0)[:, None]
        angle = math.pi / 3 * c
        base = 2.0 * np.stack([np.cos(angle), np.sin(angle)], axis=-1)
        return sign * base + self.std * rng.standard_normal((len(c), 2))


TOYS = {"fork": Fork, "classes": Classes}


# ---- configuration --------------------------------------------------------------------------------
@dataclass
class CondConfig:
    toy: str = "fork"            # "fork" (continuous condition) or "classes" (a label)
    method: str = "gcds"         # "gcds" or "cgan"
    hidden: int = 64             # width of G's and D's hidden layers
    depth: int = 2               # hidden layers in each network
    noise_dim: int = 2           # dimension m of η (or z)
    batch: int = 256             # samples per step
    lr: float = 1e-3             # Adam learning rate (both networks), β = (0.5, 0.999)
    ema: float = 0.995           # the samples shown come from an exponential moving average of G's weights (0 = off)
    seed: int = 0                # seeds the networks and every batch

    def check(self):
        """ValueError naming the first bad field."""
        if self.toy not in TOYS:
            raise ValueError(f"toy: unknown {self.toy!r}; choose from {', '.join(TOYS)}")
        if self.method not in METHODS:
            raise ValueError(f"method: unknown {self.method!r}; choose from {', '.join(METHODS)}")
        for name, lo, hi in (("hidden", 1, 512), ("depth", 1, 6), ("noise_dim", 1, 16), ("batch", 2, 4096)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                raise ValueError(f"{name}: must be an integer in [{lo}, {hi}], got {v!r}")
        if not (isinstance(self.lr, (int, float)) and math.isfinite(self.lr) and 0 < self.lr <= 1):
            raise ValueError(f"lr: must be in (0, 1], got {self.lr!r}")
        if not (isinstance(self.ema, (int, float)) and 0 <= self.ema < 1):
            raise ValueError(f"ema: must be in [0, 1), got {self.ema!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2 ** 63:
            raise ValueError(f"seed: must be an integer in [0, 2**63), got {self.seed!r}")
        return self


# ---- the trainer ----------------------------------------------------------------------------------
class CondTrainer(Guarded):
    """G(η, c) and D(c, y) for one toy and one method; ``step(n)`` runs n iterations (one D step, one G step
    each) and returns how many completed. A non-finite loss stops the update, restores the last good
    checkpoint and pauses (``paused``, ``status``: core/guard.py), as the Trainer does."""

    def __init__(self, cfg: CondConfig):
        self.cfg = cfg.check()
        self.toy = TOYS[cfg.toy]()
        self.rng = np.random.default_rng(cfg.seed)
        self.gen = torch.Generator().manual_seed(cfg.seed)
        t = self.toy
        self.G = StackedMLP([t.cond_dim + cfg.noise_dim] + [cfg.hidden] * cfg.depth + [t.y_dim], "relu", runs=1)
        self.D = StackedMLP([t.cond_dim + t.y_dim] + [cfg.hidden] * cfg.depth + [1], "relu", runs=1)
        self.G.init_run(0, self.gen)
        self.D.init_run(0, self.gen)
        self.opt_g = StackedOptimizer(self.G.parameters(), "adam", cfg.lr, betas=(0.5, 0.999))
        self.opt_d = StackedOptimizer(self.D.parameters(), "adam", cfg.lr, betas=(0.5, 0.999))
        self.avg = WeightAverage(self.G, cfg.ema) if cfg.ema > 0 else None
        self.iteration = 0
        self.losses = {"d": math.nan, "g": math.nan}
        self._gan = objectives.get("nsgan")
        self.status = Status()
        self.save_checkpoint()

    def generate(self, cond, seed: int = 0) -> torch.Tensor:
        """y = G(η, c) for a batch of conditions c [n, cond_dim] with the averaged weights (``ema``;
        Yazıcı et al. 2019: averaging damps the adversarial oscillation); η drawn from ``seed``."""
        c = torch.as_tensor(np.asarray(cond), dtype=torch.float32).view(1, -1, self.toy.cond_dim)
        eta = torch.randn(1, c.shape[1], self.cfg.noise_dim, generator=torch.Generator().manual_seed(seed))
        return (self.G if self.avg is None else self.avg.net)(torch.cat([c, eta], -1))

    def _d(self, c, y):
        return self.D(torch.cat([c, y], -1))

    def _batch(self):
        c, y = self.toy.sample(self.cfg.batch, self.rng)
        return (torch.as_tensor(c, dtype=torch.float32).view(1, -1, self.toy.cond_dim),
                torch.as_tensor(y, dtype=torch.float32).view(1, -1, self.toy.y_dim))

    def _fake(self, c):
        return self.G(torch.cat([c, torch.randn(1, c.shape[1], self.cfg.noise_dim, generator=self.gen)], -1))

    def _d_loss(self, c, y, fake):
        """D's loss on one batch: −L(G, D) of GCDS, or the conditional GAN's −V (fake detached)."""
        if self.cfg.method == "gcds":
            return -(self._d(c, fake).mean() - torch.exp(self._d(c, y)).mean())
        return -(self._gan.real(self._d(c, y), {}).mean() + self._gan.fake(self._d(c, fake), {}).mean())

    def _g_loss(self, c, fake):
        """G's loss: L(G, D) of GCDS (its y-term does not depend on G), or the non-saturating GAN loss."""
        if self.cfg.method == "gcds":
            return self._d(c, fake).mean()
        return self._gan.g(self._d(c, fake), {}).mean()

    def step(self, n: int = 1) -> int:
        if self.paused:
            return 0
        self.save_checkpoint()
        for i in range(int(n)):
            if i and i % CHECKPOINT_EVERY == 0:
                self.save_checkpoint()
            self.iteration_at_failure = self.iteration
            c, y = self._batch()
            with torch.no_grad():  # D's step needs no graph through G
                fake = self._fake(c)
            ld = self._d_loss(c, y, fake)
            if not self.check_finite([ld.detach()], "D"):
                return i
            self.opt_d.zero_grad()
            ld.backward()
            self.opt_d.step()
            lg = self._g_loss(c, self._fake(c))
            if not self.check_finite([lg.detach()], "G"):
                return i
            self.opt_g.zero_grad()
            lg.backward()
            self.opt_g.step()
            if self.avg is not None:
                self.avg.update(self.G, self.iteration)
            self.iteration += 1
            self.losses = {"d": ld.item(), "g": lg.item()}
        return int(n)

    def _state(self) -> dict:
        return {**self.nets_state(), "rng": copy.deepcopy(self.rng.bit_generator.state), "gen": self.gen.get_state(),
                "iteration": self.iteration, "losses": dict(self.losses)}

    def _load(self, s: dict):
        self.load_nets(s)
        self.rng.bit_generator.state = copy.deepcopy(s["rng"])
        self.gen.set_state(s["gen"])
        self.iteration, self.losses = s["iteration"], dict(s["losses"])

    # ---- what the lab shows -----------------------------------------------------------------------
    @torch.no_grad()
    def sample_given(self, cond_value, n: int, seed: int = 0) -> np.ndarray:
        """n generated y for one condition: a number x0 (fork) or a class index (classes)."""
        if self.toy.id == "fork":
            cond = np.full((n, 1), float(cond_value))
        else:
            cond = np.repeat(self.toy.onehot([int(cond_value)]), n, axis=0)
        return self.generate(cond, seed)[0].numpy().astype(np.float64)

    @torch.no_grad()
    def joint(self, n: int = 2000, seed: int = 1):
        """(conditions, generated y) for n conditions drawn from the toy's law of X (or c)."""
        c, _ = self.toy.sample(n, np.random.default_rng(seed))
        return c, self.generate(c, seed)[0].numpy().astype(np.float64)

    def config(self) -> dict:
        return asdict(self.cfg)


# ---- judging a conditional sampler ----------------------------------------------------------------
QUANTILES = (0.1, 0.5, 0.9)


def fork_report(tr: CondTrainer, xs=(-1.5, 0.0, 1.5), n: int = 2000) -> list[dict]:
    """At each x0: the generator's conditional mean and quantiles from n Monte Carlo draws against the
    truth, and the conditional W1 = ∫_0^1 |F̂⁻¹(u) − F⁻¹(u)| du (sorted samples against the exact quantiles
    at u = (i + ½)/n). ``w1_floor`` is the same estimator on n exact draws (what "zero" looks like)."""
    toy = tr.toy
    u = (np.arange(n) + 0.5) / n
    rng = np.random.default_rng(12345)
    out = []
    for x0 in xs:
        g = np.sort(tr.sample_given(x0, n)[:, 0])
        truth_q = toy.ppf(u, x0)
        exact = np.sort(toy.sample_given(np.full(n, x0), rng))
        out.append({
            "x": float(x0),
            "mean_true": toy.mean(x0), "mean_gen": float(g.mean()),
            "mean_err": abs(float(g.mean()) - toy.mean(x0)),
            **{f"q{int(q * 100)}_true": float(toy.ppf(np.array([q]), x0)[0]) for q in QUANTILES},
            **{f"q{int(q * 100)}_gen": float(np.quantile(g, q)) for q in QUANTILES},
            "w1": float(np.mean(np.abs(g - truth_q))),
            "w1_floor": float(np.mean(np.abs(exact - truth_q))),
        })
    return out


def class_report(tr: CondTrainer, n: int = 1000) -> list[dict]:
    """Per class c: the fraction of n generated samples within 3σ of one of class c's two modes
    (``hits``), and of each mode's share of those hits (a collapsed class puts all on one)."""
    toy = tr.toy
    out = []
    for c in range(toy.n_classes):
        y = tr.sample_given(c, n)
        d = np.linalg.norm(y[:, None, :] - toy.centers(c)[None], axis=-1) / toy.std
        hit = d.min(1) <= 3
        near = d.argmin(1)[hit]
        share = np.bincount(near, minlength=2) / max(1, hit.sum())
        out.append({"class": c, "hits": float(hit.mean()), "share_mode0": float(share[0]), "share_mode1": float(share[1])})
    return out
