"""SGD (momentum) / Adam / RMSProp for stacked parameters, with a learning rate per run.

``torch.optim`` takes one scalar lr per parameter group, but an ensemble keeps all runs in one
tensor [R, ...] and the compare lab needs a different lr per run. The update rules are exactly
torch.optim's (SGD with momentum and dampening 0, Adam with bias correction, RMSProp with
alpha = 0.99 and no centering); tests/test_optim.py checks them against torch.optim.
"""
from __future__ import annotations

import torch


class StackedOptimizer:
    def __init__(self, params, kind: str, lr, momentum=0.0, betas=(0.9, 0.999), eps=1e-8, alpha=0.99):
        self.params = list(params)
        self.kind = kind
        self.set_lr(lr)
        self.momentum = float(momentum)
        self.b1, self.b2 = (float(b) for b in betas)
        self.eps = eps
        self.alpha = alpha
        self.t = 0
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
        return {"t": self.t, "state": [{k: v.clone() for k, v in s.items()} for s in self.state]}

    def load_state_dict(self, sd):
        self.t = sd["t"]
        self.state = [{k: v.clone() for k, v in s.items()} for s in sd["state"]]

    @torch.no_grad()
    def step(self, scale: float = 1.0):
        """One update; ``scale`` multiplies the learning rate (schedules)."""
        self.t += 1
        lr = self.lr * scale if scale != 1.0 else self.lr
        for p, st in zip(self.params, self.state):
            g = p.grad
            if g is None:
                continue
            if self.kind == "adam":
                if not st:
                    st["m"] = torch.zeros_like(p)
                    st["v"] = torch.zeros_like(p)
                m, v = st["m"], st["v"]
                m.lerp_(g, 1 - self.b1)
                v.mul_(self.b2).addcmul_(g, g, value=1 - self.b2)
                bc1 = 1 - self.b1 ** self.t
                bc2 = 1 - self.b2 ** self.t
                denom = (v.sqrt() / (bc2 ** 0.5)).add_(self.eps)
                if isinstance(lr, float):
                    p.addcdiv_(m, denom, value=-lr / bc1)
                else:
                    p.sub_(m.div(denom).mul_(lr / bc1))
            elif self.kind == "rmsprop":
                if not st:
                    st["sq"] = torch.zeros_like(p)
                sq = st["sq"]
                sq.mul_(self.alpha).addcmul_(g, g, value=1 - self.alpha)
                avg = sq.sqrt().add_(self.eps)
                if self.momentum > 0:
                    buf = st.setdefault("buf", torch.zeros_like(p))
                    buf.mul_(self.momentum).addcdiv_(g, avg)
                    upd = buf
                else:
                    upd = g / avg
                p.sub_(upd * lr) if not isinstance(lr, float) else p.add_(upd, alpha=-lr)
            elif self.kind == "sgd":
                upd = g
                if self.momentum > 0:
                    if "buf" not in st:
                        st["buf"] = g.clone()
                    else:
                        st["buf"].mul_(self.momentum).add_(g)
                    upd = st["buf"]
                p.sub_(upd * lr) if not isinstance(lr, float) else p.add_(upd, alpha=-lr)
            else:  # pragma: no cover - validated by the config
                raise ValueError(self.kind)
