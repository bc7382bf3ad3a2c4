"""Export speed: a 100-frame GIF and MP4 of the Figure 1 lesson (800 x 480, the picture and the
metrics panel), and the interactive HTML; frames recorded from a real run first.

    python bench/export_speed.py [--frames 100]

Goals (issue "Export and share"): GIF <= 20 s, MP4 <= 10 s on the 2-core machines. Times are
for drawing and encoding only (recording the frames — training and snapshots — is printed apart).
"""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from gantoy import presets
from gantoy.measure.record import record
from gantoy.render import animation, export  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=100)
    ap.add_argument("--preset", default="figure1")
    a = ap.parse_args()
    torch.set_num_threads(1)
    t = time.perf_counter()
    frames, _, _ = record(presets.get(a.preset), 2000, a.frames)
    print(f"record {len(frames)} frames ({a.preset}, 2000 iterations): {time.perf_counter() - t:6.1f} s")
    for fmt, fn in (("gif", export.to_gif), ("mp4", export.to_mp4)):
        t = time.perf_counter()
        data = fn(frames, fps=10, size=(800, 480), panels=("main", "metrics"))
        dt = time.perf_counter() - t
        goal = 20 if fmt == "gif" else 10
        print(f"{fmt}: {dt:6.1f} s (goal <= {goal} s)  {len(data) / 1e6:5.2f} MB")
    t = time.perf_counter()
    html = animation.to_html(frames)
    print(f"html: {time.perf_counter() - t:6.1f} s  {len(html) / 1e6:5.2f} MB")


if __name__ == "__main__":
    main()
