"""History: a bounded record of one run's moments (metric rows, or view frames) that charts and exports read.

Entries are kept in full until ``capacity`` is reached; then every other entry of the older half is
dropped (the newest half stays at full resolution). Memory is therefore at most ``capacity`` entries
however long a run goes, and the record always spans the whole run. An entry recorded at the same moment
as the last one (same iteration and update counters) replaces it.
"""
from __future__ import annotations

ROW_CAPACITY = 2000     # metric rows kept per run
FRAME_CAPACITY = 200    # view frames kept per lab (measure/snapshot.frame: ~21 KB in 1-D, ~53 KB in 2-D)


def _moment(entry: dict):
    return entry.get("iteration"), entry.get("d_updates"), entry.get("g_updates")


class History:
    def __init__(self, capacity: int = ROW_CAPACITY):
        if capacity < 4:
            raise ValueError("History capacity must be at least 4")
        self.capacity = capacity
        self.rows: list[dict] = []

    def add(self, entry: dict):
        if self.rows and _moment(self.rows[-1]) == _moment(entry):
            self.rows[-1] = entry  # same moment recorded twice: keep the latest
            return
        self.rows.append(entry)
        if len(self.rows) > self.capacity:
            self._thin()

    def _thin(self):
        """Full: every other entry of the older half goes."""
        half = len(self.rows) // 2
        self.rows = self.rows[:half][::2] + self.rows[half:]

    def __len__(self):
        return len(self.rows)


class SpreadHistory(History):
    """A History for sparse records (trainer states to continue from): when full it drops the inner entry whose
    neighbours lie closest together in iterations, so what it keeps spreads evenly over the whole run, except the
    newest ``capacity // 6``, kept as they came (a step back from now). History's rule keeps its newest half at full
    resolution: with 24 trainer states a 2000-iteration lesson kept none between iterations 0 and 1427."""

    def _thin(self):
        its = [r["iteration"] for r in self.rows]
        inner = range(1, len(its) - 1 - self.capacity // 6)
        drop = min(inner, key=lambda j: its[j + 1] - its[j - 1])   # the first of equal gaps: the oldest
        del self.rows[drop]
