"""The server side of a classroom: N live Figure 1 sessions as threads of one process, no browsers.

    python bench/server_share.py [--sessions 8] [--seconds 15] [--no-gate]

Each thread does what a session's live fragment does per frame — Lab.advance (training for the lab's
per-frame budget at its measured speed), the snapshot, the Figure 1 figure and its JSON (what Streamlit
sends) — then waits FRAME_INTERVAL like run_every. Prints frames/s and iterations/s per session. bench/concurrency.py measures the same with real browsers, which on one box
take most of the CPU; this is what one server can give N students whose browsers run elsewhere.
--no-gate runs the same without the training gate (gantoy/ui/gate.py: one chunk at a time, budgets split
among the sessions training), as before it existed, for the comparison in the same session.
"""
import argparse
import os
import sys
import threading
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import logging  # noqa: E402

logging.disable(logging.WARNING)  # Streamlit's bare-mode warnings (no server here)
from gantoy import presets, viz  # noqa: E402
from gantoy.ui.lab import FRAME_INTERVAL, Lab  # noqa: E402


def session(seconds, out, i):
    lab = Lab("figure1", presets.get("figure1"))
    lab.running = True
    frames, t0 = 0, time.perf_counter()
    it0 = lab.trainer.iteration
    while time.perf_counter() - t0 < seconds:
        lab.advance()
        viz.figure1(lab.snap, noise=lab.cfg.model.noise).to_json()
        frames += 1
        time.sleep(FRAME_INTERVAL)
    dt = time.perf_counter() - t0
    out[i] = (frames / dt, (lab.trainer.iteration - it0) / dt)


class NoGate:
    """Every session trains whenever it likes, for its whole budget (the behaviour before the gate)."""

    def share(self, key):
        return 1.0

    def chunk(self):
        import contextlib

        return contextlib.nullcontext()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--no-gate", action="store_true")
    a = ap.parse_args()
    if a.no_gate:
        import gantoy.ui.lab

        gantoy.ui.lab.GATE = NoGate()
    torch.set_num_threads(1)  # as app.py
    out = [None] * a.sessions
    th = [threading.Thread(target=session, args=(a.seconds, out, i)) for i in range(a.sessions)]
    for t in th:
        t.start()
    for t in th:
        t.join()
    fr, it = [o[0] for o in out], [o[1] for o in out]
    print(f"{a.sessions} sessions{' (no gate)' if a.no_gate else ''}: frames/s per session "
          f"min {min(fr):.2f} mean {sum(fr) / len(fr):.2f}; iterations/s per session min {min(it):.0f} "
          f"mean {sum(it) / len(it):.0f} (total {sum(it):.0f})")


if __name__ == "__main__":
    main()
