"""Soak: a long headless run with snapshots every 100 steps, memory and speed printed every report interval.

    python bench/soak.py [--preset figure1] [--steps 1000000] [--every 100] [--report 100000]

Goal (issue #11): flat memory (<= 300 MB RSS) and flat steps/s over 10^6 steps. Prints one line per
report interval and, at the end, the RSS growth and the last/first speed ratio (same process, same run).
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tests.support.soak import soak  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="figure1")
    ap.add_argument("--steps", type=int, default=10**6)
    ap.add_argument("--every", type=int, default=100)
    ap.add_argument("--report", type=int, default=10**5)
    args = ap.parse_args()
    torch.set_num_threads(1)
    rows = []
    print(f"{'iteration':>10} {'RSS MB':>8} {'steps/s':>9} {'history':>8} {'frames':>7}", flush=True)
    for r in soak(args.preset, args.steps, args.every, args.report):
        rows.append(r)
        print(f"{r['iteration']:>10} {r['rss_mb']:>8.1f} {r['steps_per_s']:>9.1f} {r['history_rows']:>8} {r['frames']:>7}",
              flush=True)
    first, last = rows[0], rows[-1]
    print(f"RSS growth after the first report: {last['rss_mb'] - first['rss_mb']:+.1f} MB "
          f"(max {max(r['rss_mb'] for r in rows):.1f} MB); speed last/first: "
          f"{last['steps_per_s'] / first['steps_per_s']:.2f}")


if __name__ == "__main__":
    main()
