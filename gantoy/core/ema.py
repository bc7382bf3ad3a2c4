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

    @torch.no_grad()
    def update(self, net: torch.nn.Module, n: int):
        """Move the average towards ``net``; ``n``: the updates averaged so far (the caller's counter, so a
        restored checkpoint restores it too)."""
        decay = min(self.decay, (1 + n) / (10 + n))
        for pa, p in zip(self.net.parameters(), net.parameters()):
            pa.lerp_(p, 1 - decay)
