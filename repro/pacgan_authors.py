"""PacGAN's own grid25 setup, trained as long as the authors trained it — a check of docs/COLLAPSE.md's comparison
with PacGAN's Table 1, not a gantoy lesson.

    python repro/pacgan_authors.py --pack 2 --seeds 10 --iters 400000 --out DIR     (a GPU: ~18 min on an H200)
    python repro/pacgan_authors.py --evaluate DIR/pack2.npz                          (our rule and theirs)

gantoy's own engine cannot run the authors' 400 000 iterations on this 2-core machine (~5 h for one
configuration), so this script re-implements their setup, read from fjxmlzn/PacGAN
(synthetic_data_experiments/2DGrid_GAN&PacGAN/config.py and pacgan_task.py, and ALI's ali_algorithm), in plain
torch, the seeds stacked into one batched network so one GPU trains all of them at once:

- data: 25 Gaussians at {-4, -2, 0, 2, 4}², σ = 0.05; 100 000 points drawn once per seed and, for each of the
  pack's slots, resampled with replacement into a fixed table of 100 000 packed rows (their GaussianPackingMixture),
  read in batches of 100 in a new order every epoch (fuel's ShuffledScheme; 400 epochs = 400 000 iterations);
- G: z ~ N(0, I₂) → 4 × 400 ReLU, each hidden layer batch-normalised (no bias; a learned scale and shift) → linear 2;
  the population mean and standard deviation sqrt(var + 1e-4) move 5 % a step towards the average of the pack's G
  calls' batch statistics (their bn_updates, duplicates merged);
- D: 3 × 200 maxout units of 5 pieces → linear 1, on `pack` samples concatenated (PacGAN-m; m = 1 is the GAN);
- weights N(0, 0.02²), biases 0; Adam lr 1e-4, β = (0.8, 0.999) for both networks;
- losses: D softplus(−D(x)) + softplus(D(G(z))), G softplus(−D(G(z))) (the non-saturating loss), and — as ALI's
  ali_algorithm does — **simultaneous** updates: both gradients at the same point, applied together;
- evaluation as theirs (GraphLogger draws, MetricLogger counts): 2500 samples of G with the population statistics (a
  fixed z), a sample is high quality within 3σ of its nearest mode; a mode counts with ≥ 1 such sample (theirs) or
  with 10 (ours, gantoy.measure.metrics.min_count_for). Samples with the batch's own statistics are kept beside them.

On a GPU the iteration is captured once as a CUDA graph and replayed: its ~300 kernels are tiny, and launching them
one by one from Python costs more than running them. 2.6 ms per iteration for ten seeds on an H200, so the whole
400 000 take ~18 minutes. Elsewhere it runs eagerly (the tests run a few iterations on the CPU).
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

CENTERS = [(-4.0 + 2 * i, -4.0 + 2 * j) for i in range(5) for j in range(5)]
STD = 0.05
N_TRAIN = 100_000        # their num_sample
N_EVAL = 2500            # their num_log_figure_sample
BN_EPS = 1e-4            # blocks' BatchNormalization epsilon
BN_MOMENTUM = 0.05       # their bn_updates: population = 0.95 population + 0.05 minibatch


def _normal(gen, *shape, std=0.02, device="cpu"):
    return (torch.randn(*shape, generator=gen) * std).to(device).requires_grad_()


class Nets:
    """G and D of ``seeds`` runs, stacked: every weight has a leading seed axis (one batched matmul for all)."""

    def __init__(self, seeds, pack, device, g_hidden=400, g_depth=4, d_hidden=200, d_depth=3, pieces=5, seed0=0):
        gen = torch.Generator().manual_seed(10_000 + seed0)
        S, z = seeds, 2
        self.pack, self.pieces, self.d_hidden = pack, pieces, d_hidden
        dims = [z] + [g_hidden] * g_depth
        self.g_w = [_normal(gen, S, a, b, device=device) for a, b in zip(dims[:-1], dims[1:])]
        self.g_scale = [torch.ones(S, 1, g_hidden, device=device).requires_grad_() for _ in range(g_depth)]
        self.g_shift = [torch.zeros(S, 1, g_hidden, device=device).requires_grad_() for _ in range(g_depth)]
        self.g_out_w = _normal(gen, S, g_hidden, 2, device=device)
        self.g_out_b = torch.zeros(S, 1, 2, device=device).requires_grad_()
        # blocks' population statistics: a mean (from 0) and a standard deviation sqrt(var + eps) (from 1)
        self.pop_mean = [torch.zeros(S, 1, g_hidden, device=device) for _ in range(g_depth)]
        self.pop_std = [torch.ones(S, 1, g_hidden, device=device) for _ in range(g_depth)]
        self.batch_stats = []   # (layer, mean, std) of the training G calls since the last update_population()
        dd = [2 * pack] + [d_hidden] * d_depth
        self.d_w = [_normal(gen, S, a, b * pieces, device=device) for a, b in zip(dd[:-1], dd[1:])]
        self.d_b = [torch.zeros(S, 1, b * pieces, device=device).requires_grad_() for b in dd[1:]]
        self.d_out_w = _normal(gen, S, d_hidden, 1, device=device)
        self.d_out_b = torch.zeros(S, 1, 1, device=device).requires_grad_()

    def g_params(self):
        return self.g_w + self.g_scale + self.g_shift + [self.g_out_w, self.g_out_b]

    def d_params(self):
        return self.d_w + self.d_b + [self.d_out_w, self.d_out_b]

    def g(self, z, batch_stats=True, record=False):
        """G(z) for z [S, B, 2], normalised with the batch's statistics (``record``: kept for
        update_population, in training) or with the population's (their evaluation)."""
        h = z
        for i, w in enumerate(self.g_w):
            h = torch.bmm(h, w)
            if batch_stats:
                mean = h.mean(1, keepdim=True)
                std = torch.sqrt(h.var(1, unbiased=False, keepdim=True) + BN_EPS)
                if record:
                    self.batch_stats.append((i, mean.detach(), std.detach()))
            else:
                mean, std = self.pop_mean[i], self.pop_std[i]
            h = F.relu((h - mean) / std * self.g_scale[i] + self.g_shift[i])
        return torch.baddbmm(self.g_out_b, h, self.g_out_w)

    @torch.no_grad()
    def update_population(self):
        """Their bn_updates: per layer, the recorded G calls' statistics averaged (pacgan_task.py merges the
        duplicate updates of the pack's calls), then population = 0.95 · population + 0.05 · that average."""
        for i in range(len(self.g_w)):
            calls = [(m, s) for j, m, s in self.batch_stats if j == i]
            if calls:
                self.pop_mean[i].lerp_(torch.stack([m for m, _ in calls]).mean(0), BN_MOMENTUM)
                self.pop_std[i].lerp_(torch.stack([s for _, s in calls]).mean(0), BN_MOMENTUM)
        self.batch_stats = []

    def d(self, x):
        """D's logit for packed samples x [S, B, 2 · pack]."""
        h = x
        for w, b in zip(self.d_w, self.d_b):
            h = torch.baddbmm(b, h, w)
            h = h.view(*h.shape[:2], self.d_hidden, self.pieces).amax(-1)
        return torch.baddbmm(self.d_out_b, h, self.d_out_w)


class Run:
    def __init__(self, seeds, pack, device, batch=100, lr=1e-4, betas=(0.8, 0.999), seed0=0):
        self.S, self.pack, self.B, self.device = seeds, pack, batch, device
        gen = torch.Generator().manual_seed(seed0)
        self.gen = gen
        centers = torch.tensor(CENTERS)
        idx = torch.randint(0, len(CENTERS), (seeds, N_TRAIN), generator=gen)
        points = centers[idx] + STD * torch.randn(seeds, N_TRAIN, 2, generator=gen)
        # their GaussianPackingMixture: the 100 000 points drawn once, then for each of the pack's slots a resample
        # (with replacement) of them, side by side: a fixed table of 100 000 packed rows [S, N, 2 · pack] ...
        slots = [torch.gather(points, 1, torch.randint(0, N_TRAIN, (seeds, N_TRAIN, 1), generator=gen).expand(-1, -1, 2))
                 for _ in range(pack)]
        self.table = torch.cat(slots, dim=2).to(device)
        # ... visited in a new random order every epoch (fuel's ShuffledScheme), batch after batch: the order lives
        # in a fixed buffer and the position in a device counter, so a captured iteration reads the next batch
        self.epoch_len = N_TRAIN // batch
        self.order = torch.zeros(seeds, N_TRAIN, dtype=torch.long, device=device)
        self.cursor = torch.zeros((), dtype=torch.long, device=device)
        self.arange = torch.arange(batch, device=device)
        self.it = 0          # iterations trained, warm-up included
        self.nets = Nets(seeds, pack, device, seed0=seed0)
        opt = dict(lr=lr, betas=betas, eps=1e-8, capturable=device != "cpu", foreach=True)
        self.opt_d = torch.optim.Adam(self.nets.d_params(), **opt)
        self.opt_g = torch.optim.Adam(self.nets.g_params(), **opt)
        self.z_eval = torch.randn(seeds, N_EVAL, 2, generator=gen).to(device)
        self.rows = torch.arange(seeds, device=device)[:, None]
        self.losses = torch.zeros(2, device=device)
        self.graph = None

    def _new_epoch(self):
        """A new order of the table's rows, outside any graph (the captured iteration reads the buffer)."""
        self.order.copy_(torch.argsort(torch.rand(self.S, N_TRAIN, generator=self.gen), dim=1))
        self.cursor.zero_()

    def _iteration(self):
        S, B, m = self.S, self.B, self.pack
        rows = self.order[:, self.cursor * B + self.arange]                      # [S, B]: this batch's rows
        x = self.table[self.rows, rows]                                           # [S, B, 2 · pack]
        self.cursor.add_(1)
        # each of the pack's G calls normalises over its own batch of 100, as their decoder.apply per z
        fake = torch.cat([self.nets.g(torch.randn(S, B, 2, device=self.device), record=True) for _ in range(m)],
                         dim=2)
        self.nets.update_population()
        d_real, d_fake = self.nets.d(x), self.nets.d(fake)
        loss_d = (F.softplus(-d_real) + F.softplus(d_fake)).mean((1, 2)).sum()   # per seed a mean; seeds apart
        loss_g = F.softplus(-d_fake).mean((1, 2)).sum()
        # simultaneous: both gradients at the present point (ali_algorithm), then both steps
        loss_d.backward(inputs=self.nets.d_params(), retain_graph=True)
        loss_g.backward(inputs=self.nets.g_params())
        self.opt_d.step()
        self.opt_g.step()
        with torch.no_grad():
            self.losses.copy_(torch.stack([loss_d.detach(), loss_g.detach()]) / S)

    def _zero(self):
        self.opt_d.zero_grad(set_to_none=False)
        self.opt_g.zero_grad(set_to_none=False)

    def capture(self):
        """Record one iteration as a CUDA graph (after warm-up iterations on a side stream, as torch's docs ask;
        they train too, and count)."""
        self._new_epoch()
        s = torch.cuda.Stream()
        s.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(s):
            for _ in range(3):
                self._zero()
                self._iteration()
                self.it += 1
        torch.cuda.current_stream().wait_stream(s)
        self.graph = torch.cuda.CUDAGraph()
        self._zero()
        with torch.cuda.graph(self.graph):
            self._zero()
            self._iteration()

    def step(self, n):
        for _ in range(n):
            if self.it % self.epoch_len == 0:
                self._new_epoch()
            if self.graph is not None:
                self.graph.replay()
            else:
                self._zero()
                self._iteration()
            self.it += 1

    @torch.no_grad()
    def samples(self, batch_stats=False):
        return self.nets.g(self.z_eval, batch_stats=batch_stats).float().cpu().numpy()


def train(a):
    device = "cuda" if torch.cuda.is_available() and not a.cpu else "cpu"
    torch.manual_seed(a.seed0)
    run = Run(a.seeds, a.pack, device, seed0=a.seed0)
    mode = "eager"
    if device == "cuda" and not a.eager:
        try:
            run.capture()
            mode = "cuda-graph"
        except Exception as e:  # fall back to eager: slower, the same arithmetic (from a fresh start)
            print(f"CUDA graph capture failed ({type(e).__name__}: {e}); eager", flush=True)
            run = Run(a.seeds, a.pack, device, seed0=a.seed0)
    print(f"pack {a.pack}, {a.seeds} seeds, {device}, {mode}", flush=True)
    ckpts = sorted({int(c) for c in np.linspace(0, a.iters, a.checkpoints + 1)[1:] if c >= 1})
    its, pop, batch, losses, t0 = [], [], [], [], time.perf_counter()
    out_of_time = False
    for c in ckpts:
        while run.it < c and not out_of_time:
            run.step(min(1000, c - run.it))
            if device == "cuda":
                torch.cuda.synchronize()
            out_of_time = time.perf_counter() - t0 > a.budget
        done = run.it
        its.append(done)
        pop.append(run.samples())
        batch.append(run.samples(batch_stats=True))
        losses.append(run.losses.cpu().numpy().copy())
        el = time.perf_counter() - t0
        # (G's loss without their constant softplus(D(x)) term: the same gradient, a different number)
        print(f"iteration {done}: {el:.0f} s ({el / max(done, 1) * 1e3:.3f} ms/it), loss D {losses[-1][0]:.3f} "
              f"G {losses[-1][1]:.3f}, {summary(pop[-1])}", flush=True)
        if out_of_time:
            print(f"time budget {a.budget:.0f} s spent at iteration {done}", flush=True)
            break
    secs = time.perf_counter() - t0
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, f"pack{a.pack}.npz")
    np.savez_compressed(path, iterations=np.array(its), samples=np.array(pop, dtype=np.float32),
                        samples_batch_stats=np.array(batch, dtype=np.float32), losses=np.array(losses),
                        seconds=secs, pack=a.pack, seed0=a.seed0, mode=mode, device=device,
                        gpu=torch.cuda.get_device_name() if device == "cuda" else "")
    print(f"wrote {path} ({secs:.0f} s)", flush=True)
    return path


def stats(samples):
    """Per seed: modes by our rule, by theirs, high-quality fraction (gantoy.measure.metrics.mode_stats)."""
    from gantoy.measure.metrics import min_count_for, mode_stats
    mc = min_count_for(len(CENTERS))
    return [mode_stats(s, CENTERS, STD, min_count=mc) for s in samples]


def summary(samples) -> str:
    """Their rule, for the progress lines: mean modes with ≥ 1 high-quality sample, and the high-quality share."""
    r = stats(samples)
    return (f"modes (≥ 1) {np.mean([x['modes_pub'] for x in r]):.1f}/25, "
            f"high quality {100 * np.mean([x['hq'] for x in r]):.1f} %")


def evaluate(path):
    z = np.load(path)
    print(f"{path}: pack {int(z['pack'])}, {z['samples'].shape[1]} seeds, {z['mode']} on {z['device']} "
          f"{z['gpu']}, {float(z['seconds']):.0f} s")
    print("| iteration | G's statistics | modes, ours (≥ 10) | all 25 | modes, theirs (≥ 1) | high-quality % |")
    print("|---|---|---|---|---|---|")
    for it, pop, bat in zip(z["iterations"], z["samples"], z["samples_batch_stats"]):
        for name, smp in (("population", pop), ("batch", bat)):
            r = stats(smp)
            modes = np.array([x["modes"] for x in r])
            print(f"| {it} | {name} | {modes.mean():.1f} ± {modes.std(ddof=1) if len(modes) > 1 else 0:.1f} | "
                  f"{100 * np.mean(modes == 25):.0f} % | {np.mean([x['modes_pub'] for x in r]):.1f} | "
                  f"{100 * np.mean([x['hq'] for x in r]):.1f} |")
    last = stats(z["samples"][-1])
    print("last, per seed (ours/theirs/hq%): " + ", ".join(f"{x['modes']}/{x['modes_pub']}/{100 * x['hq']:.0f}"
                                                          for x in last))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pack", type=int, default=2, help="PacGAN-m: samples per D input (1: the GAN)")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--seed0", type=int, default=0, help="seeds the data, the networks and the noise")
    ap.add_argument("--iters", type=int, default=400_000, help="their 400 epochs of 100 000 points, batch 100")
    ap.add_argument("--checkpoints", type=int, default=8, help="evaluations, evenly spaced")
    ap.add_argument("--budget", type=float, default=math.inf, help="stop (and evaluate) once this many s are spent")
    ap.add_argument("--out", default="pacgan_authors")
    ap.add_argument("--cpu", action="store_true")
    ap.add_argument("--eager", action="store_true", help="no CUDA graph")
    ap.add_argument("--evaluate", metavar="NPZ", help="print the tables of a finished run")
    a = ap.parse_args(argv)
    if a.evaluate:
        evaluate(a.evaluate)
        return 0
    train(a)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.exit(main())
