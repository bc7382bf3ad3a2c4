"""History: a bounded record of one run's moments (metric rows, view frames, trainer states) that charts,
exports and the timeline read.

Entries are kept in full until ``capacity`` is reached; then the inner entries whose two neighbours lie
closest together in iterations are dropped (a twentieth of the capacity at a time, never two side by side),
so what is kept spreads evenly over the run's iterations, the first and the last entry included. The newest
``capacity // 20`` before the last stay as they came (a step back from now), and so do the moments in
``keep`` while the others suffice. Among equal gaps the drops are spread over the record (a golden-ratio
sequence of positions), not taken from its start: 2001 rows one iteration apart lost every other row of
their first tenth. Memory is therefore at most ``capacity`` entries however long a run goes. An entry
recorded at the same moment as the last one (same iteration and update counters) replaces it.

(The rule before kept the newest half at full resolution and halved the older half each time: a Figure 1
lesson drawn at one iteration a frame kept 1 of its 200 frames in its first 1600 iterations, so a GIF of
the lesson and the timeline lost p_g's slide onto p_data.)
"""
from __future__ import annotations

import numpy as np

ROW_CAPACITY = 2000     # metric rows kept per run
FRAME_CAPACITY = 200    # view frames kept per lab (measure/snapshot.frame: ~21 KB in 1-D, ~53 KB in 2-D)


def newest(capacity: int) -> int:
    """How many entries before the last stay as they came (a step back from now, at full resolution). None
    below 20: a record of 4–7 trainer states (the compare lab's, grid25's) needs every slot to spread."""
    return capacity // 20


def moment(entry: dict):
    return entry.get("iteration"), entry.get("d_updates"), entry.get("g_updates")


class History:
    def __init__(self, capacity: int = ROW_CAPACITY):
        if capacity < 4:
            raise ValueError("History capacity must be at least 4")
        self.capacity = capacity
        self.rows: list[dict] = []
        self.keep: set = set()   # moments (iteration, D updates, G updates) thinned last (the timeline's kept states)

    def add(self, entry: dict):
        if self.rows and moment(self.rows[-1]) == moment(entry):
            self.rows[-1] = entry  # same moment recorded twice: keep the latest
            return
        self.rows.append(entry)
        if len(self.rows) > self.capacity:
            self._thin()

    def _thin(self):
        """Full: drop the inner entries whose neighbours lie closest together.
        A batch at a time keeps the cost per entry small for 2000 rows; no two dropped entries are side by
        side, so each one's gap is measured between entries that stay."""
        its = np.array([r.get("iteration", 0) for r in self.rows], dtype=np.float64)
        inner = np.arange(1, len(its) - 1 - newest(self.capacity))
        spread = (inner * 0.6180339887498949) % 1.0          # ties: positions spread over the whole record
        order = inner[np.lexsort((spread, its[inner + 1] - its[inner - 1]))].tolist()
        kept = [j for j in order if moment(self.rows[j]) in self.keep] if self.keep else []
        if kept:    # the kept moments last, so they go only when the others do not suffice (at most capacity)
            pinned = set(kept)
            order = [j for j in order if j not in pinned] + kept
        want = len(self.rows) - self.capacity + max(0, self.capacity // 20 - 1)
        drop: set[int] = set()
        for j in order:
            if len(drop) >= want:
                break
            if j - 1 not in drop and j + 1 not in drop:
                drop.add(j)
        self.rows = [r for k, r in enumerate(self.rows) if k not in drop]

    def __len__(self):
        return len(self.rows)
