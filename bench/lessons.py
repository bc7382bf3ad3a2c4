"""Every 1-D lesson over seeds: train each to its length and check the claim its docstring states, as a number,
on every seed; and train D to its optimum exactly (measure/optimum.py) at iteration 200, mid-lesson and at the
end, reporting d_star_err and the seconds it took. Too slow for the test suite (minutes); the suite checks seed 0.

    python bench/lessons.py [--seeds 10] [--lessons figure1,spikes1d,bimodal1d,trimodal1d,imbalanced1d]
    python bench/lessons.py --objectives 200 --lessons bimodal1d,trimodal1d,imbalanced1d   # every objective with a D*

Claims (the lesson docstrings):
  figure1, spikes1d: panel (d) — JS <= 0.01 nats and mean |D − ½| under p_data <= 0.05;
  figure1: p_g at most 2.5 times p_data's peak after iteration 100 (smooth curves), D* reached (<= 0.01);
  bimodal1d, trimodal1d: every mode covered (each by its share) with >= 95 % of samples near a mode;
  imbalanced1d: the minority mode kept (covered by its share) and its share of p_g reported.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gantoy import Trainer, metrics, objectives, presets  # noqa: E402
from gantoy.measure import optimum  # noqa: E402


def solve_at(tr):
    """d_star_err after training D to its optimum, seconds, and whether D was started afresh after a stall; the
    trainer is left as it was."""
    state = tr._state()
    t0 = time.perf_counter()
    o = optimum.solve(tr)
    secs = time.perf_counter() - t0
    tr._load(state)
    return o.err, secs, bool(o.restarts)


def run(lesson, seed):
    cfg = presets.get(lesson).with_set("train.seed", seed)
    tr = Trainer(cfg)
    peak, solves = 0.0, []
    for stop in sorted({200, cfg.train.steps // 2, cfg.train.steps}):
        while tr.iteration < stop:
            tr.step(min(50, stop - tr.iteration))
            if tr.iteration >= 100:
                s = tr.snapshot()
                peak = max(peak, float(np.max(s.p_g) / np.max(s.p_data)))
        solves.append(solve_at(tr))
    s = tr.snapshot()
    m = s.metrics
    out = {"js": m["js"], "flat": m.get("d_flat", float("nan")), "modes": m.get("modes"), "hq": m.get("hq"),
           "peak": peak, "dstar": [e for e, _, _ in solves], "times": [t for _, t, _ in solves],
           "fresh": sum(f for _, _, f in solves)}
    data = tr.data
    if lesson == "imbalanced1d":
        st = metrics.mode_stats(s.fake, data.centers, data.stds)
        out["minority"] = float(st["counts"][int(np.argmin(data.weights))]) / len(s.fake)
    k = len(data.centers)
    ok = {"figure1": m["js"] <= 0.01 and out["flat"] <= 0.05 and peak <= 2.5 and max(out["dstar"]) <= 0.01,
          "spikes1d": m["js"] <= 0.01 and out["flat"] <= 0.05,
          "bimodal1d": m["modes"] == k and m["hq"] >= 0.95, "trimodal1d": m["modes"] == k and m["hq"] >= 0.95,
          "imbalanced1d": m["modes"] == k}[lesson]
    return ok, out


def objectives_sweep(lessons, iterations):
    """Every objective with a D* (objectives.get(o).d_star), switched in on each lesson with its recommended settings
    (presets.with_objective, as the lab's objective switch does), seed 0, trained ``iterations``; then D to its
    optimum: d_star_err, seconds, the verdict's reason."""
    oids = [o for o in objectives.names() if objectives.get(o).d_star is not None]
    for lesson in lessons:
        for oid in oids:
            tr = Trainer(presets.with_objective(presets.get(lesson), oid))
            tr.step(iterations)
            if tr.paused:
                print(f"{lesson} {oid}: paused while training ({tr.status.message})", flush=True)
                continue
            t0 = time.perf_counter()
            o = optimum.solve(tr)
            print(f"{lesson} {oid} it {iterations}: d_star_err {o.start_err:.4f} -> {o.err:.4f} in "
                  f"{time.perf_counter() - t0:.1f} s ({o._reason()}{', fresh start' if o.restarts else ''})",
                  flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--lessons", default="figure1,spikes1d,bimodal1d,trimodal1d,imbalanced1d")
    ap.add_argument("--objectives", type=int, metavar="ITERATIONS", default=None,
                    help="instead: every objective with a D* on each lesson (seed 0), D solved after ITERATIONS")
    a = ap.parse_args()
    torch.set_num_threads(1)
    if a.objectives is not None:
        objectives_sweep(a.lessons.split(","), a.objectives)
        return
    for lesson in a.lessons.split(","):
        held, worst, times, fresh = 0, 0.0, [], 0
        for seed in range(a.seeds):
            ok, out = run(lesson, seed)
            held += ok
            extra = f" minority {100 * out['minority']:.1f} %" if "minority" in out else ""
            print(f"{lesson} seed {seed}: {'✓' if ok else '✗'} JS {out['js']:.4f} |D−½| {out['flat']:.4f} "
                  f"modes {out['modes']} hq {out['hq']} peak {out['peak']:.2f} d_star_err after the exact solve "
                  f"{[round(e, 4) for e in out['dstar']]} ({max(out['times']):.1f} s at most){extra}", flush=True)
            worst = max(worst, max(out["dstar"]))
            times += out["times"]
            fresh += out["fresh"]
        print(f"== {lesson}: claim held on {held} of {a.seeds} seeds; worst d_star_err after the exact solve "
              f"{worst:.4f}; solve seconds median {np.median(times):.1f}, worst {max(times):.1f}, "
              f"{sum(t > 3 for t in times)} of {len(times)} over 3 s; {fresh} started D afresh after a stall",
              flush=True)


if __name__ == "__main__":
    main()
