"""The Trainer: Algorithm 1 of Goodfellow et al. (2014) for R runs at once.

Each iteration: k discriminator updates (fresh data and noise each), then ``g_steps`` generator
updates. Runs of an ensemble may differ in k: the iteration does max k D-steps and a run sits out
(draws nothing, its parameters and optimiser moments untouched) once its own k are done.
Remedies for mode collapse: ``train.unroll`` (G's loss through K unrolled D steps, Metz et al.
2017) and ``train.pack`` (D sees m samples concatenated, Lin et al. 2018).
Every run owns a torch.Generator seeded with its seed, used (in a fixed order) for its
initialisation, data and noise, so run r of an ensemble reproduces a single run with that seed.
A non-finite loss stops the update before it is applied, pauses the trainer and restores the last
good checkpoint (core/guard.py). Objective behaviour (penalties, clipping) comes from the registry.
This class trains; ``gantoy.measure.trainer.Trainer`` (``gantoy.Trainer``) adds the exact reading
(``snapshot()``, D trained to its optimum by quadrature).
"""
from __future__ import annotations

import json
import math

import numpy as np
import torch

from gantoy.core import data as data_mod
from gantoy.core import objectives
from gantoy.core.config import ConfigError, RunConfig
from gantoy.core.ema import WeightAverage
from gantoy.core.guard import CHECKPOINT_EVERY, Guarded, Status
from gantoy.core.models import NOISES, make_pair
from gantoy.core.optim import SCHEDULES, StackedOptimizer


def expand_runs(cfgs):
    """One RunConfig per run: a config with train.runs = R becomes R configs with seeds seed..seed+R-1."""
    out = []
    for c in cfgs:
        for i in range(c.train.runs):
            r = c.copy()
            r.train.runs = 1
            r.train.seed = c.train.seed + i
            out.append(r)
    return out


# Settings every run of one ensemble must share (shapes, and the things one optimiser object holds).
_SHARED = ["data", "model", "train.batch_size", "train.g_steps", "train.optimizer",
           "train.momentum", "train.betas", "train.schedule", "train.steps", "train.lr_min", "train.ema",
           "train.unroll", "train.pack"]


class Trainer(Guarded):
    """Trains one run (``Trainer(cfg)``) or an ensemble (``Trainer.from_configs([...])``)."""

    def __init__(self, cfg: RunConfig):
        self._setup(expand_runs([cfg.copy().validate()]))

    @classmethod
    def from_configs(cls, cfgs):
        """Heterogeneous runs (objective, lr, seed may differ; data and network shape may not)."""
        if not cfgs:
            raise ConfigError("from_configs: needs at least one config")
        self = cls.__new__(cls)
        self._setup(expand_runs([c.copy().validate() for c in cfgs]))
        return self

    # ---- construction -------------------------------------------------------------------------
    def _setup(self, runs):
        base = runs[0]
        for c in runs[1:]:
            for key in _SHARED:
                a, b = _get(base, key), _get(c, key)
                if a != b:
                    raise ConfigError(f"{key}: every run of an ensemble must share it (got {a!r} and {b!r})")
        self.configs = runs
        self.cfg = base
        self.R = len(runs)
        self.dim = base.dim
        self.data = data_mod.make(base.data)
        t = base.train
        ref = self.data.sample(20000, seed=0)  # fixed standardisation of both networks (models.make_pair)
        self.pack = t.pack
        self.G, self.D = make_pair(self.dim, base.model, self.R, ref.mean(0), ref.std(0).mean() * torch.ones(self.dim),
                                   pack=t.pack)
        self.ks = torch.tensor([c.train.k for c in runs])   # D steps per iteration, per run
        self.k_max = int(self.ks.max())
        self.gens = [torch.Generator().manual_seed(c.train.seed) for c in runs]
        for r, g in enumerate(self.gens):
            self.G.init_run(r, g)
            self.D.init_run(r, g)
        self.avg = WeightAverage(self.G, t.ema) if t.ema > 0 else None
        kw = dict(momentum=t.momentum, betas=t.betas)
        self.opt_d = StackedOptimizer(self.D.parameters(), t.optimizer, [c.train.lr_d for c in runs], **kw)
        self.opt_g = StackedOptimizer(self.G.parameters(), t.optimizer, [c.train.lr_g for c in runs], **kw)
        # runs grouped by (objective id, params): each group's loss is computed on its slice
        groups = {}
        for r, c in enumerate(runs):
            key = (c.objective.id, json.dumps(c.objective.params, sort_keys=True))
            groups.setdefault(key, []).append(r)
        self.groups = []
        for (oid, _), idx in groups.items():
            obj = objectives.get(oid)
            prm = obj.p(runs[idx[0]].objective.params)
            sel = slice(None) if len(groups) == 1 else torch.tensor(idx)
            self.groups.append((obj, prm, sel, idx))
        self.iteration = 0        # completed Algorithm-1 iterations
        self.d_updates = 0        # discriminator updates (including Step-D)
        self.run_d_updates = [0] * self.R   # each run's own: runs of an ensemble with a smaller k sit some out
        self.g_updates = 0        # generator updates (including Step-G)
        self.revision = 0         # bumps whenever the networks change (views cache on it; measure/optimum too)
        self.status = Status()
        self.iteration_at_failure = 0
        self.last_losses = {"d": [math.nan] * self.R, "g": [math.nan] * self.R}
        self.save_checkpoint()

    # ---- sampling -------------------------------------------------------------------------------
    def _noise(self, n, active=None):
        """[R, n, z_dim] noise; runs not ``active`` get zeros and draw nothing from their generator."""
        zd = self.cfg.model.z_dim
        draw = NOISES[self.cfg.model.noise]
        return torch.stack([draw(n, zd, generator=g) if active is None or active[r] else torch.zeros(n, zd)
                            for r, g in enumerate(self.gens)])

    def _real(self, n, active=None):
        return torch.stack([self.data.sample_torch(n, g) if active is None or active[r]
                            else torch.zeros(n, self.dim) for r, g in enumerate(self.gens)])

    def _packed(self, x):
        """[R, B * pack, dim] -> [R, B, pack * dim]: PacGAN's packs of consecutive samples."""
        R, n, d = x.shape
        return x.reshape(R, n // self.pack, self.pack * d)

    def lr_scale(self) -> float:
        """Learning-rate multiplier at the current iteration (``train.schedule``)."""
        t = self.cfg.train
        return SCHEDULES[t.schedule](min(self.iteration, t.steps) / t.steps, t.lr_min)

    # ---- updates --------------------------------------------------------------------------------
    def _per_run(self, fn):
        """Per-run losses [R] from fn(obj, params, sel) -> [len(sel)]."""
        if len(self.groups) == 1:
            obj, prm, sel, _ = self.groups[0]
            return fn(obj, prm, sel)
        out = torch.zeros(self.R)
        for obj, prm, sel, _ in self.groups:
            out = out.index_put((sel,), fn(obj, prm, sel))
        return out

    def _d_loss(self, real, fake, params=None):
        """Per-run D loss [R] = -(E real(a) + E fake(a)) on packed batches (one D pass for both halves)."""
        B = real.shape[1]
        a_r, a_f = self.D(torch.cat([real, fake], dim=1), params=params).split(B, dim=1)

        def loss(obj, prm, sel):
            return -(obj.real(a_r[sel], prm).mean((1, 2)) + obj.fake(a_f[sel], prm).mean((1, 2)))

        return self._per_run(loss)

    def _d_step(self, scale, active=None):
        """One D update for all runs, or for the runs in the bool mask ``active``."""
        n = self.cfg.train.batch_size * self.pack
        real = self._packed(self._real(n, active))
        z = self._noise(n, active)
        with torch.no_grad():
            fake = self._packed(self.G(z))
        per_run = self._d_loss(real, fake) + self._penalties(real, fake, active)
        if active is not None:
            per_run = torch.where(active, per_run, torch.zeros(()))
        if not self._finite(per_run, "D"):
            return False
        self.opt_d.zero_grad()
        per_run.sum().backward()
        self.opt_d.step(scale, mask=active)
        self._clip()
        d = per_run.detach()
        self.last_losses["d"] = d if active is None else torch.where(active, d, torch.as_tensor(self.last_losses["d"]))
        self.d_updates += 1
        moved = [True] * self.R if active is None else active.tolist()   # (one conversion, not one per run)
        self.run_d_updates = [n + m for n, m in zip(self.run_d_updates, moved)]
        return True

    def _penalties(self, real, fake, active=None):
        """Per-run D penalties [R] (0 elsewhere): each run group's objective's active penalties
        (core/penalties.py: the WGAN-GP gradient penalty, R1), evaluated on that group's runs only."""
        total = 0.0
        for obj, prm, sel, idx in self.groups:
            for pen in obj.active_penalties(prm):
                eps = None
                if pen.needs_eps:  # one ε per sample from each run's own generator (runs sitting out draw none)
                    eps = torch.stack([torch.rand(real.shape[1], 1, generator=self.gens[r])
                                       if active is None or active[r] else torch.zeros(real.shape[1], 1) for r in idx])
                runs = None if isinstance(sel, slice) else idx
                pen_runs = pen.fn(lambda x, runs=runs: self.D(x, runs=runs), real[sel], fake[sel], eps, prm)
                total = total + (pen_runs if isinstance(sel, slice) else torch.zeros(self.R).index_put((sel,), pen_runs))
        return total

    def _clip(self):
        """Weight clipping to [-c, c] after every critic step, for objectives that clip (WGAN, Arjovsky et al. 2017)."""
        for obj, prm, sel, _ in self.groups:
            if obj.clip is None:
                continue
            c = prm[obj.clip]
            with torch.no_grad():
                for p in self.D.parameters():
                    if isinstance(sel, slice):
                        p.clamp_(-c, c)
                    else:
                        p[sel] = p[sel].clamp(-c, c)

    def _g_step(self, scale):
        n = self.cfg.train.batch_size * self.pack
        z = self._noise(n)
        unroll = self.cfg.train.unroll
        if not unroll:
            self.D.requires_grad_(False)  # G's step needs no D gradients
        try:
            fake = self._packed(self.G(z))
            params = self._unrolled_d(fake, unroll, scale) if unroll else None
            a_f = self.D(fake, params=params)
            per_run = self._per_run(lambda obj, prm, sel: obj.g(a_f[sel], prm).mean((1, 2)))
            if not self._finite(per_run, "G"):
                return False
            self.opt_g.zero_grad()
            per_run.sum().backward()
        finally:
            self.D.requires_grad_(True)
            self.opt_d.zero_grad()  # unrolling leaves gradients on D; D's own step starts clean
        self.opt_g.step(scale)
        self._update_average()
        self.last_losses["g"] = per_run.detach()
        self.g_updates += 1
        return True

    def _unrolled_d(self, fake, K, scale):
        """D's parameters after K look-ahead steps of its own optimiser on (a real batch, ``fake``), as
        differentiable functions of G's parameters (Metz et al. 2017, eq. 5-6: G minimises
        f(θ_G, θ_D^K(θ_G, θ_D)); the gradient flows through the unrolled steps). As in the authors'
        notebook, the unrolled steps reuse one real batch and G's own fake batch, and follow D's update
        rule (Adam moments included); D itself still takes only its ordinary steps."""
        n = self.cfg.train.batch_size * self.pack
        real = self._packed(self._real(n))
        params, states = list(self.D.parameters()), None
        for j in range(K):
            loss = self._d_loss(real, fake, params=params)
            grads = torch.autograd.grad(loss.sum(), params, create_graph=True)
            params, states = self.opt_d.lookahead(params, grads, states, k=j, scale=scale)
        return params

    def _update_average(self):
        if self.avg is not None:
            self.avg.update(self.G, self.g_updates)

    def _finite(self, per_run, which) -> bool:
        if bool(torch.isfinite(per_run).all()):
            return True
        return self.check_finite(per_run.detach(), which)

    # ---- public stepping --------------------------------------------------------------------------

    def step(self, n: int = 1) -> int:
        """n iterations of Algorithm 1; returns how many completed (fewer if a loss went non-finite)."""
        return self._run(n, None, self.cfg.train.g_steps, count=True)

    def step_d(self, n: int = 1) -> int:
        """n discriminator updates only (the "inner loop" of Algorithm 1)."""
        return self._run(n, 1, 0, count=False)

    def step_g(self, n: int = 1) -> int:
        """n generator updates only, D fixed."""
        return self._run(n, 0, 1, count=False)

    def _run(self, n, k, g_steps, count):
        if self.paused:
            return 0
        self.save_checkpoint()
        self.revision += 1
        done = 0
        for _ in range(int(n)):
            if done and done % CHECKPOINT_EVERY == 0:
                self.save_checkpoint()
            self.iteration_at_failure = self.iteration
            scale = self.lr_scale()
            for j in range(self.k_max if k is None else k):
                # per-run k: the runs whose k is done sit out the remaining D steps of this iteration
                active = None if k is not None or bool((self.ks > j).all()) else self.ks > j
                if not self._d_step(scale, active):
                    return done
            for _ in range(g_steps):
                if not self._g_step(scale):
                    return done
            done += 1
            if count:
                self.iteration += 1
        return done

    # ---- live settings -------------------------------------------------------------------------
    def set_lr(self, lr_d=None, lr_g=None):
        """Change learning rates live (float, or one per run); nothing else changes."""
        if lr_d is not None:
            self.opt_d.set_lr(lr_d)
            for c, v in zip(self.configs, _per(lr_d, self.R)):
                c.train.lr_d = float(v)
        if lr_g is not None:
            self.opt_g.set_lr(lr_g)
            for c, v in zip(self.configs, _per(lr_g, self.R)):
                c.train.lr_g = float(v)

    # ---- checkpoints ---------------------------------------------------------------------------
    def _state(self):
        return {
            **self.nets_state(), "gens": [g.get_state() for g in self.gens],
            "iteration": self.iteration, "d_updates": self.d_updates, "g_updates": self.g_updates,
            "run_d_updates": list(self.run_d_updates),
        }

    def _load(self, s):
        self.load_nets(s)
        self.revision += 1
        for g, st in zip(self.gens, s["gens"]):
            g.set_state(st)
        self.iteration, self.d_updates, self.g_updates = s["iteration"], s["d_updates"], s["g_updates"]
        # state files saved before the per-run count: each run sat out (k_max − k_r) D steps of every iteration
        # (Step D moves every run, and k cannot change during a run), so its count is recovered exactly
        runs = s.get("run_d_updates")
        self.run_d_updates = list(runs) if runs is not None and len(runs) == self.R else \
            self.own_d_updates(self.d_updates, self.iteration)

    def own_d_updates(self, d_updates: int, iteration: int) -> list:
        """Each run's own D updates at a moment counted by the ensemble's (d_updates, iteration), for records made
        before the per-run count: every iteration a run sat out k_max − k_r D steps (Step D moves every run, and k
        cannot change during a run), so the count is exact."""
        return [max(0, d_updates - iteration * (self.k_max - int(kr))) for kr in self.ks]

    # ---- reading ---------------------------------------------------------------------------------
    def generator(self, run: int = 0, averaged: bool = True):
        """A callable z [n, z_dim] -> x [n, dim] for one run (the weight average when train.ema > 0)."""
        net = self.avg.net if (averaged and self.avg is not None) else self.G

        def g(z):
            z = torch.as_tensor(np.array(z, dtype=np.float32) if isinstance(z, np.ndarray) else z, dtype=torch.float32)
            return net(z.reshape(1, -1, self.cfg.model.z_dim), runs=[run])[0]

        return g

    def discriminator(self, run: int = 0):
        """A callable x [n, dim] -> raw output a [n] for one run. With PacGAN packing (m > 1) D is a
        function of m points; this evaluates it on the diagonal pack (x, ..., x), where its optimum is
        p^m / (p^m + q^m) (measure/snapshot.py draws D* the same way)."""
        def d(x):
            x = torch.as_tensor(np.array(x, dtype=np.float32) if isinstance(x, np.ndarray) else x,
                                dtype=torch.float32).reshape(1, -1, self.dim)
            return self.D(x.repeat(1, 1, self.pack), runs=[run])[0, :, 0]

        return d

    def objective(self, run: int = 0):
        c = self.configs[run].objective
        obj = objectives.get(c.id)
        return obj, obj.p(c.params)

    def noise(self, n: int, seed=None) -> torch.Tensor:
        """n draws [n, z_dim] of G's noise p(z). A fixed ``seed`` gives the same noise every call."""
        gen = torch.Generator().manual_seed(int(seed)) if seed is not None else None
        return NOISES[self.cfg.model.noise](n, self.cfg.model.z_dim, generator=gen)

    def sample(self, n: int, run: int = 0, seed=None, averaged: bool = True) -> np.ndarray:
        """n generator samples [n, dim] (numpy). A fixed ``seed`` gives the same noise every call."""
        with torch.no_grad():
            return self.generator(run, averaged)(self.noise(n, seed)).double().numpy()

    def packed_value(self, run: int, real, fake) -> float:
        """V(D, G) = E real(a) + E fake(a) by Monte Carlo over packs of consecutive samples."""
        obj, prm = self.objective(run)
        m = self.pack
        n = min(len(real), len(fake)) // m
        with torch.no_grad():
            def a(x):
                x = torch.from_numpy(np.array(x[: n * m], dtype=np.float32)).reshape(1, n, m * self.dim)
                return self.D(x, runs=[run])[0]
            return float(obj.real(a(real), prm).mean() + obj.fake(a(fake), prm).mean())

    def losses(self, run: int = 0) -> dict:
        return {k: float(v[run]) for k, v in self.last_losses.items()}


def _per(v, R):
    return [v] * R if isinstance(v, (int, float)) else list(v)


def _get(cfg, key):
    obj = cfg
    for part in key.split("."):
        obj = getattr(obj, part)
    return obj.__dict__ if hasattr(obj, "__dataclass_fields__") else obj
