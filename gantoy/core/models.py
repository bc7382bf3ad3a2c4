"""MLPs with a leading "runs" dimension: R independent networks evaluated as one batched matmul.

Weights are stored stacked, W_l: [R, in, out], b_l: [R, 1, out], and a layer is
``torch.baddbmm(b, x, W)`` on x: [R, B, in]. R = 1 is the ordinary single network. Measured on the
2-core machines (DESIGN.md "Ensembles"): this beats torch.func.vmap and torch.compile for toy sizes.
Each run is initialised from its own torch.Generator, so run r of an ensemble starts exactly as a
single run with the same seed.
"""
from __future__ import annotations

import math

import torch
from torch import nn
import torch.nn.functional as F

# The vocabularies of model.activation and model.noise (config validation reads these dicts' keys).
ACTIVATIONS = {
    "relu": torch.relu,
    "leaky_relu": lambda x: F.leaky_relu(x, 0.2),
    "tanh": torch.tanh,
    "elu": F.elu,
    "sigmoid": torch.sigmoid,
    "softplus": F.softplus,
    "silu": F.silu,
    # a smooth leaky ReLU: slope 0.2 far left, 1 far right, smooth between, never flat: a 1-D generator made of
    # it has a smooth push-forward density p_z/|G'| with neither the jumps of ReLU kinks nor the pile-ups of
    # saturating units (tanh, ELU) at its support's ends
    "smooth_leaky": lambda x: 0.2 * x + 0.8 * F.softplus(x, beta=2.0),
    # tanh plus a tenth of x: S-shaped (a smooth step) with slope in [0.1, 1.1], never flat, unbounded. With
    # positive weights (StackedMLP monotone) sums of such steps draw any increasing map; a convex activation
    # (softplus, smooth_leaky) would only draw convex ones (Runje & Shankaranarayana 2023)
    "leaky_tanh": lambda x: torch.tanh(x) + 0.1 * x,
}
# activations that are not increasing: a monotone network cannot use them
NOT_INCREASING = {"silu"}
NOISES = {"uniform": torch.rand, "normal": torch.randn}   # p(z): U(0, 1) or N(0, I); each a torch sampler


class StackedMLP(nn.Module):
    """R stacked MLPs ``sizes[0] -> ... -> sizes[-1]`` with a hidden activation and a linear output."""

    def __init__(self, sizes, activation: str, runs: int, in_affine=None, out_affine=None, monotone: bool = False,
                 pieces: int = 1, init_std: float = 0.0, batch_norm: bool = False):
        super().__init__()
        # batch_norm: every hidden layer normalised over the batch (its own statistics, per run) and then scaled
        # and shifted by a learned gain and offset, with no bias before it (the PacGAN authors' G: Ioffe & Szegedy
        # 2015; the hidden biases stay 0 and unused: the mean subtraction would cancel them, and Adam would turn
        # their rounding-noise gradient into steps). G is then no longer a pointwise map: a sample depends on the
        # batch it is drawn in
        self.batch_norm = batch_norm
        self.init_std = init_std    # > 0: weights N(0, init_std²) and zero biases, as the PacGAN authors' code
        # pieces > 1: every hidden unit is a maxout unit, the largest of ``pieces`` affine maps of its input
        # (Goodfellow et al. 2013; the D of the PacGAN and GAN papers' toy experiments), in place of the activation
        self.pieces = pieces
        # monotone: every layer uses |W|, so with an increasing activation the output increases in every input
        # (Runje & Shankaranarayana 2023, "Constrained monotonic neural networks"); the stored weights stay free
        self.monotone = monotone
        # fixed standardisation (not trained): inputs (x - shift) / scale, outputs shift + scale * y
        self.in_affine = in_affine
        self.out_affine = out_affine
        self.sizes = list(sizes)
        self.runs = runs
        self.act = ACTIVATIONS[activation]
        outs = [o * pieces for o in sizes[1:-1]] + [sizes[-1]]
        self.weights = nn.ParameterList(
            [nn.Parameter(torch.empty(runs, i, o)) for i, o in zip(sizes[:-1], outs)])
        self.biases = nn.ParameterList(
            [nn.Parameter(torch.empty(runs, 1, o)) for o in outs])
        hid = outs[:-1] if batch_norm else []
        self.gains = nn.ParameterList([nn.Parameter(torch.ones(runs, 1, o)) for o in hid])
        self.offsets = nn.ParameterList([nn.Parameter(torch.zeros(runs, 1, o)) for o in hid])

    def init_run(self, r: int, generator: torch.Generator):
        """PyTorch's nn.Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases (or, with
        ``init_std``, weights N(0, init_std²) and biases 0)."""
        with torch.no_grad():
            for w, b in zip(self.weights, self.biases):
                if self.init_std:
                    w[r].normal_(0.0, self.init_std, generator=generator)
                    b[r].zero_()
                    continue
                bound = 1.0 / math.sqrt(w.shape[1])
                w[r].uniform_(-bound, bound, generator=generator)
                b[r].uniform_(-bound, bound, generator=generator)
            for gain, off in zip(self.gains, self.offsets):
                gain[r].fill_(1.0)
                off[r].zero_()
            if self.batch_norm:   # the normalisation's offset replaces the hidden layers' biases
                for b in list(self.biases)[:-1]:
                    b[r].zero_()

    def forward(self, x, runs=None, params=None):
        """x: [R, B, in] -> [R, B, out]. ``runs`` (a list of run indices) evaluates only those runs;
        then x is [len(runs), B, in]. ``params``: tensors to use instead of the module's own, in the
        order of ``parameters()`` (all weights, then all biases) — the functional form that unrolled
        D steps need (not for a batch-normalised net: its gains and offsets would be the module's own)."""
        n = len(self.weights)
        if params is not None and self.batch_norm:
            raise ValueError("StackedMLP: no functional parameters for a batch-normalised network")
        ws, bs = (self.weights, self.biases) if params is None else (params[:n], params[n:])
        if self.in_affine is not None:
            x = (x - self.in_affine[0]) / self.in_affine[1]
        for i, (w, b) in enumerate(zip(ws, bs)):
            if runs is not None:
                w, b = w[runs], b[runs]
            if i < n - 1 and self.batch_norm:
                x = torch.bmm(x, w)
                gain, off = self.gains[i], self.offsets[i]
                if runs is not None:
                    gain, off = gain[runs], off[runs]
                # over the batch (dim 1), each run and unit on its own; eps as torch.nn.BatchNorm1d's
                mean, var = x.mean(1, keepdim=True), x.var(1, unbiased=False, keepdim=True)
                x = off + gain * (x - mean) * torch.rsqrt(var + 1e-5)
            else:
                x = torch.baddbmm(b, x, w.abs() if self.monotone else w)
            if i < n - 1:
                x = self.act(x) if self.pieces == 1 else x.unflatten(-1, (-1, self.pieces)).amax(-1)
        if self.out_affine is not None:
            x = self.out_affine[0] + self.out_affine[1] * x
        return x


def make_pair(dim: int, model_cfg, runs: int, data_mean=None, data_scale=None, pack: int = 1):
    """(G, D) for data dimension ``dim``: G maps z_dim -> dim, D maps pack * dim -> 1 (a raw score a;
    PacGAN's D sees ``pack`` samples concatenated, Lin et al. 2018).

    Both networks work in coordinates scaled to the data, fixed (not learned): D sees
    (x - mean) / scale and G outputs scale * y; G's noise is standardised too (uniform
    U(0, 1) -> (z - 1/2) * sqrt(12)). Without it, for data around x = 2 most ReLU kinks of a
    default-initialised net fall outside the data and the 1-D generator bends in only 2-3 places.
    G's output is deliberately *not* shifted to the data mean: it starts near 0 and has to slide
    onto p_data, as in Figure 1 of Goodfellow et al. (2014).
    """
    h, depth = model_cfg.hidden, model_cfg.depth
    dh = model_cfg.d_hidden or h
    mean = torch.zeros(dim) if data_mean is None else torch.as_tensor(data_mean, dtype=torch.float32)
    scale = torch.ones(dim) if data_scale is None else torch.as_tensor(data_scale, dtype=torch.float32)
    if model_cfg.noise == "uniform":
        z_aff = (torch.full((model_cfg.z_dim,), 0.5), torch.full((model_cfg.z_dim,), 1 / math.sqrt(12)))
    else:
        z_aff = None
    g = StackedMLP([model_cfg.z_dim] + [h] * depth + [dim], model_cfg.g_activation or model_cfg.activation, runs,
                   in_affine=z_aff, out_affine=(torch.zeros(dim), scale), monotone=model_cfg.g_monotone,
                   init_std=model_cfg.init_std, batch_norm=model_cfg.g_batch_norm)
    d = StackedMLP([dim * pack] + [dh] * depth + [1], model_cfg.activation, runs,
                   in_affine=(mean.repeat(pack), scale.repeat(pack)), pieces=model_cfg.d_pieces,
                   init_std=model_cfg.init_std)
    return g, d
