"""Where the grid command's minutes go (issue #24: `gantoy collapse --preset grid25 ...` takes 27 min against a goal of
20): one iteration of each named configuration on grid25 with the ring recipe, as the command trains it (an ensemble of
five seeds, one torch thread), and how much of it is torch's arithmetic — the batched matmuls of the forward passes
(torch.baddbmm) and the backward passes (autograd's engine) — measured with cProfile.

    python bench/collapse_step.py [--iterations 100] [--configs gan,nsgan,wgan-gp,unrolled,pacgan]

Prints ms per iteration, the ratio to nsgan (measured in the same run), the share of the time in the matmuls and
the backward passes, and the forward matmuls' rate in GFLOP/s (from their operand shapes) beside a bare
torch.baddbmm of the largest shape: when the two are close, the step is torch's arithmetic, not Python overhead, and only
less arithmetic (fewer iterations, critic steps or unrolled steps, smaller networks) makes the command faster.
Record the result in bench/BENCHMARKS.md ("Where the grid command's time goes").
"""
import argparse
import cProfile
import os
import pstats
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import torch  # noqa: E402

from gantoy import Trainer  # noqa: E402
from gantoy.lessons import collapse, presets  # noqa: E402

SEEDS = 5   # the command's default block: five seeds as one ensemble


def trainer_for(name: str) -> Trainer:
    obj, rem = collapse.CONFIGS[name]
    cfg = collapse.configure(presets.get("grid25"), obj, rem)
    cfg = cfg.with_sets(collapse.recipe_sets(collapse.recipe_for(None, "grid25"), obj, rem))
    return Trainer.from_configs([cfg.with_set("train.seed", s) for s in range(SEEDS)])


def counted_flops():
    """A wrapper of torch.baddbmm that adds up its multiply-adds (2 flops each) while it is installed."""
    total = [0.0]
    real = torch.baddbmm

    def baddbmm(b, x, w, *a, **k):
        total[0] += 2.0 * x.shape[0] * x.shape[1] * x.shape[2] * w.shape[-1]
        return real(b, x, w, *a, **k)
    return total, real, baddbmm


def bare_rate(shape=(SEEDS, 512, 128, 128), repeats=400) -> float:
    """GFLOP/s of torch.baddbmm alone at the largest shape the steps use (D on real and fake together)."""
    r, n, i, o = shape
    b, x, w = torch.zeros(r, 1, o), torch.randn(r, n, i), torch.randn(r, i, o)
    for _ in range(20):
        torch.baddbmm(b, x, w)
    t = time.perf_counter()
    for _ in range(repeats):
        torch.baddbmm(b, x, w)
    return 2.0 * r * n * i * o * repeats / (time.perf_counter() - t) / 1e9


def measure(name: str, iterations: int) -> dict:
    tr = trainer_for(name)
    tr.step(10)                                      # warm-up: allocations, the first steps' one-off work
    t = time.perf_counter()
    tr.step(iterations)
    ms = (time.perf_counter() - t) / iterations * 1e3
    total, real, counting = counted_flops()
    prof = cProfile.Profile()
    torch.baddbmm = counting
    try:
        prof.enable()
        t = time.perf_counter()
        tr.step(iterations)
        wall = time.perf_counter() - t
        prof.disable()
    finally:
        torch.baddbmm = real
    stats = pstats.Stats(prof).stats
    own = {fn[2]: v[2] for fn, v in stats.items()}   # function name -> its own time (without callees)
    mm = sum(v for k, v in own.items() if "baddbmm" in k and k.startswith("<built-in"))
    back = sum(v for k, v in own.items() if "run_backward" in k)
    return {"ms": ms, "matmul": mm / wall, "backward": back / wall, "gflops": total[0] / mm / 1e9 if mm else 0.0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iterations", type=int, default=100)
    ap.add_argument("--configs", default=",".join(collapse.CONFIGS))
    args = ap.parse_args()
    torch.set_num_threads(1)
    names = [n for n in args.configs.split(",") if n]
    rows = {n: measure(n, args.iterations) for n in names}
    base = rows.get("nsgan", next(iter(rows.values())))["ms"]
    print(f"grid25, the ring recipe, {SEEDS} seeds as one ensemble, one thread, {args.iterations} iterations each")
    print("| configuration | ms / iteration | × nsgan | forward matmuls | backward passes | forward matmul GFLOP/s |")
    print("|---|---|---|---|---|---|")
    for n, r in rows.items():
        print(f"| {n} | {r['ms']:.1f} | {r['ms'] / base:.1f} | {100 * r['matmul']:.0f} % | "
              f"{100 * r['backward']:.0f} % | {r['gflops']:.0f} |")
    print(f"bare torch.baddbmm [{SEEDS}, 512, 128] x [{SEEDS}, 128, 128]: {bare_rate():.0f} GFLOP/s")


if __name__ == "__main__":
    main()
