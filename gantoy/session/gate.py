"""One training chunk at a time in a server process, and each session's share of the frame budget.

A classroom shares one `streamlit run`: every browser session's live fragment trains in its own thread.
torch's many small ops release and re-take the GIL, so threads training at once convoy on it and an
iteration's wall time grows far beyond its CPU time. One chunk at a time, with the budget split among the
sessions training, trains several times more in total at the same redraw rate (measured:
bench/BENCHMARKS.md, "Training gate" and "A classroom on one box"; bench/concurrency.py, bench/server_share.py).

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
