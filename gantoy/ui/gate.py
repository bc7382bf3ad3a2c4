"""One training chunk at a time in a server process, and each session's share of the frame budget.

A classroom shares one `streamlit run`: every browser session's live fragment trains in its own thread.
torch's many small ops release and re-take the GIL, so N threads training at once convoy on it and an
iteration's wall time grows far beyond its CPU time. Measured with sessions as threads (bench/BENCHMARKS.md,
chunks sized by wall time): 8 sessions trained 53 iterations/s *in total* against 150-190 for one session alone;
with one chunk at a time (this gate) and the budget split among the sessions training, 151 in total; in
later back-to-back pairs with the gate off it gave 1.4-1.8x the iterations at the same or a higher frame
rate. Chunks are now sized by their CPU time (Lab.advance); with the real server and 8 protocol-level
clients (bench/server_share.py) that gives 2.6 frames/s and ~19 iterations/s per session, and without the
gate 2.9 frames/s and ~7 iterations/s (measured back to back).

The gate is process-wide on purpose (it schedules the CPU, which the sessions do share); it holds no
session data: only ``id()`` keys of the labs that trained lately and when.
"""
from __future__ import annotations

import contextlib
import threading
import time

WINDOW = 1.0        # seconds: a lab that trained within this window counts as training now
SHARE_OF = 2.0      # a lab's share of its frame budget is SHARE_OF / (labs training), capped at 1 ...
MIN_SHARE = 0.2     # ... and never below this (smaller chunks spend the CPU on frames, not training)


class TrainingGate:
    def __init__(self):
        self._train = threading.Lock()    # held while a chunk trains
        self._books = threading.Lock()    # guards _seen
        self._seen: dict[int, float] = {}  # id(lab) -> when it last asked for a share

    def training_now(self, key: int) -> int:
        """Record that ``key`` trains now; the number of labs training (including it)."""
        now = time.monotonic()
        with self._books:
            self._seen[key] = now
            for k in [k for k, t in self._seen.items() if now - t > WINDOW]:
                del self._seen[k]
            return len(self._seen)

    def share(self, key: int) -> float:
        """The fraction of its frame budget lab ``key`` may train for in this frame."""
        return min(1.0, max(MIN_SHARE, SHARE_OF / self.training_now(key)))

    @contextlib.contextmanager
    def chunk(self):
        """Hold while training one chunk (the time waiting here is not training time)."""
        with self._train:
            yield


GATE = TrainingGate()
