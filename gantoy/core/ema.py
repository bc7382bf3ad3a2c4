"""Generator weight averaging: an exponential moving average of a network's weights (Yazıcı et al. 2019:
averaging damps the adversarial oscillation), shared by every trainer."""
from __future__ import annotations

import copy

import torch


class WeightAverage:
    """A frozen copy of ``net`` whose weights follow ``net``'s by an EMA of decay ``decay``, with the warm-up
    of tf.train.ExponentialMovingAverage(num_updates): after n updates the decay is min(decay, (1 + n)/(10 + n)),
    so early on the average follows the network instead of its random start."""

    def __init__(self, net: torch.nn.Module, decay: float):
        self.decay = float(decay)
        self.net = copy.deepcopy(net)
        self.net.requires_grad_(False)
        if getattr(net, "monotone", False):   # a monotone net uses |W|: average that (W and -W are the same net)
            with torch.no_grad():
                for w in self.net.weights:
                    w.abs_()

    @torch.no_grad()
    def update(self, net: torch.nn.Module, n: int):
        """Move the average towards ``net``; ``n``: the updates averaged so far (the caller's counter, so a
        restored checkpoint restores it too)."""
        decay = min(self.decay, (1 + n) / (10 + n))
        used = {id(w) for w in net.weights} if getattr(net, "monotone", False) else set()
        for pa, p in zip(self.net.parameters(), net.parameters()):
            # a weight of a monotone net averaged as the |W| it uses: a sign flip of W does not pass the average by 0
            pa.lerp_(p.abs() if id(p) in used else p, 1 - decay)
