"""SGD (momentum) / Adam / RMSProp for stacked parameters, with a learning rate per run.

``torch.optim`` takes one scalar lr per parameter group, but an ensemble keeps all runs in one
tensor [R, ...] and the compare lab needs a different lr per run. The update rules are exactly
torch.optim's (SGD with momentum and dampening 0, Adam with bias correction, RMSProp with
alpha = 0.99 and no centering); tests/test_optim.py checks them against torch.optim.

Two additions for ensembles and remedies:
* ``step(mask=...)`` updates only some runs (runs with a smaller ``train.k`` sit out the extra D
  steps). Each run keeps its own step count, so Adam's bias correction is the one a single run
  with that k would use, and masked runs' moments are left untouched.
* ``lookahead(params, grads, ...)`` is the same update rule as a differentiable function
  (new parameters and moments, no in-place change), used to unroll D (Metz et al. 2017).
"""
from __future__ import annotations

import math

import torch

OPTIMIZERS = ("sgd", "adam", "rmsprop")   # the vocabulary of train.optimizer


def _cosine(frac: float, lr_min: float) -> float:
    return lr_min + (1 - lr_min) * 0.5 * (1 + math.cos(math.pi * frac))


# learning-rate schedules over a lesson's length: scale(fraction of train.steps done, lr_min) -> multiplier
SCHEDULES = {"constant": lambda frac, lr_min: 1.0, "cosine": _cosine}


class StackedOptimizer:
    def __init__(self, params, kind: str, lr, momentum=0.0, betas=(0.9, 0.999), eps=1e-8, alpha=0.99):
        self.params = list(params)
        self.kind = kind
        self.set_lr(lr)
        self.momentum = float(momentum)
        self.b1, self.b2 = (float(b) for b in betas)
        self.eps = eps
        self.alpha = alpha
        self.t = 0              # step() calls
        self.t_run = None       # per-run step counts [R, 1, 1], created by the first masked step
        self.state = [dict() for _ in self.params]

    def set_lr(self, lr):
        """lr: a float, or a sequence with one lr per run (stored as a [R, 1, 1] tensor)."""
        if isinstance(lr, (int, float)):
            self.lr = float(lr)
        else:
            lr = [float(v) for v in lr]
            self.lr = lr[0] if len(set(lr)) == 1 else torch.tensor(lr, dtype=torch.float32).view(-1, 1, 1)

    def zero_grad(self):
        for p in self.params:
            p.grad = None

    def state_dict(self):
        return {"t": self.t, "t_run": None if self.t_run is None else self.t_run.clone(),
                "state": [{k: v.clone() for k, v in s.items()} for s in self.state]}

    def load_state_dict(self, sd):
        self.t = sd["t"]
        self.t_run = None if sd.get("t_run") is None else sd["t_run"].clone()
        self.state = [{k: v.clone() for k, v in s.items()} for s in sd["state"]]

    def _counts(self, mask):
        """Advance the step counts; return t as a float (all runs equal) or a [R, 1, 1] tensor."""
        self.t += 1
        if mask is None and self.t_run is None:
            return float(self.t)
        if self.t_run is None:
            self.t_run = torch.full((self.params[0].shape[0], 1, 1), float(self.t - 1))
        self.t_run = self.t_run + (1.0 if mask is None else mask.view(-1, 1, 1).float())
        return self.t_run

    def _bias_corrections(self, t):
        if isinstance(t, float):
            return 1 - self.b1 ** t, 1 - self.b2 ** t
        t = t.clamp(min=1.0)  # runs that never stepped: any finite value (their update is masked)
        return 1 - torch.pow(self.b1, t), 1 - torch.pow(self.b2, t)

    @torch.no_grad()
    def step(self, scale: float = 1.0, mask=None):
        """One update; ``scale`` multiplies the learning rate (schedules); ``mask`` (bool [R]) selects
        the runs that update (None: all)."""
        t = self._counts(mask)
        lr = self.lr * scale if scale != 1.0 else self.lr
        m3 = None if mask is None else mask.view(-1, 1, 1)
        for p, st in zip(self.params, self.state):
            g = p.grad
            if g is None:
                continue
            if not st:
                st.update(self._zero_state(p, g))
            if m3 is None:
                self._step_inplace(p, g, st, t, lr)
            else:
                new_p, new_st = self._rule(p, g, st, t, lr)
                p.copy_(torch.where(m3, new_p, p))
                for k, v in new_st.items():
                    st[k] = torch.where(m3, v, st[k])

    def _step_inplace(self, p, g, st, t, lr):
        """The update rule in place (the common, unmasked case: no temporaries beyond torch.optim's)."""
        scalar_lr = isinstance(lr, float)
        if self.kind == "adam":
            m, v = st["m"], st["v"]
            m.lerp_(g, 1 - self.b1)
            v.mul_(self.b2).addcmul_(g, g, value=1 - self.b2)
            bc1, bc2 = self._bias_corrections(t)
            denom = (v.sqrt() / (bc2 ** 0.5)).add_(self.eps)
            if scalar_lr and isinstance(bc1, float):
                p.addcdiv_(m, denom, value=-lr / bc1)
            else:
                p.sub_(m.div(denom).mul_(lr / bc1))
        elif self.kind == "rmsprop":
            sq = st["sq"]
            sq.mul_(self.alpha).addcmul_(g, g, value=1 - self.alpha)
            avg = sq.sqrt().add_(self.eps)
            if self.momentum > 0:
                upd = st["buf"].mul_(self.momentum).addcdiv_(g, avg)
            else:
                upd = g / avg
            p.add_(upd, alpha=-lr) if scalar_lr else p.sub_(upd * lr)
        elif self.kind == "sgd":
            upd = st["buf"].mul_(self.momentum).add_(g) if self.momentum > 0 else g
            p.add_(upd, alpha=-lr) if scalar_lr else p.sub_(upd * lr)
        else:  # pragma: no cover - validated by the config
            raise ValueError(self.kind)

    def _zero_state(self, p, g):
        if self.kind == "adam":
            return {"m": torch.zeros_like(p), "v": torch.zeros_like(p)}
        if self.kind == "rmsprop":
            return {"sq": torch.zeros_like(p), "buf": torch.zeros_like(p)}
        return {"buf": torch.zeros_like(p)}  # zeros: the first momentum step gives buf = g, as torch does

    def _rule(self, p, g, st, t, lr):
        """The update rule as a pure function: (new parameter, new state). Differentiable in p and g."""
        if self.kind == "adam":
            m = st["m"] + (1 - self.b1) * (g - st["m"])
            v = self.b2 * st["v"] + (1 - self.b2) * g * g
            bc1, bc2 = self._bias_corrections(t)
            # the tiny constant keeps d sqrt(v)/dv finite where v = 0 (dead units) when unrolling
            denom = torch.sqrt(v / bc2 + 1e-30) + self.eps
            return p - lr * (m / bc1) / denom, {"m": m, "v": v}
        if self.kind == "rmsprop":
            sq = self.alpha * st["sq"] + (1 - self.alpha) * g * g
            upd = g / (torch.sqrt(sq + 1e-30) + self.eps)
            buf = st["buf"]
            if self.momentum > 0:
                buf = self.momentum * buf + upd
                upd = buf
            return p - lr * upd, {"sq": sq, "buf": buf}
        if self.kind == "sgd":
            buf = st["buf"]
            upd = g
            if self.momentum > 0:
                buf = self.momentum * buf + g
                upd = buf
            return p - lr * upd, {"buf": buf}
        raise ValueError(self.kind)  # pragma: no cover - validated by the config

    def lookahead(self, params, grads, states=None, k: int = 0, scale: float = 1.0):
        """The update the optimiser would make to ``params`` given ``grads``, as new tensors (the
        autograd graph through grads is kept). ``states``: the moments to start from (None: this
        optimiser's current ones); ``k``: how many lookahead steps came before (bias correction).
        Returns (new params, new states)."""
        if states is None:
            states = [dict(st) if st else self._zero_state(p, g) for p, g, st in zip(params, grads, self.state)]
        if self.t_run is None:
            t = float(self.t + k + 1)
        else:
            t = self.t_run + float(k + 1)
        lr = self.lr * scale if scale != 1.0 else self.lr
        out_p, out_s = [], []
        for p, g, st in zip(params, grads, states):
            np_, ns = self._rule(p, g, st, t, lr)
            out_p.append(np_)
            out_s.append(ns)
        return out_p, out_s
