"""History: a bounded record of metric rows (one per recorded moment) that charts and exports read.

Rows are kept in full until ``capacity`` is reached; then every other row of the older half is
dropped (the newest half stays at full resolution). Memory is therefore at most ``capacity`` rows
however long a run goes, and the record always spans the whole run.
"""
from __future__ import annotations

import math


class History:
    def __init__(self, capacity: int = 2000):
        if capacity < 4:
            raise ValueError("History capacity must be at least 4")
        self.capacity = capacity
        self.rows: list[dict] = []

    def add(self, row: dict):
        if self.rows and self.rows[-1].get("iteration") == row.get("iteration") and \
                self.rows[-1].get("d_updates") == row.get("d_updates") and \
                self.rows[-1].get("g_updates") == row.get("g_updates"):
            self.rows[-1] = row  # same moment recorded twice: keep the latest
            return
        self.rows.append(row)
        if len(self.rows) > self.capacity:
            half = len(self.rows) // 2
            self.rows = self.rows[:half][::2] + self.rows[half:]

    def __len__(self):
        return len(self.rows)

    def clear(self):
        self.rows = []


def row_from_snapshot(snap) -> dict:
    """The metric row of a snapshot: counters, losses and every finite-or-inf scalar metric."""
    row = {"iteration": snap.iteration, "d_updates": snap.d_updates, "g_updates": snap.g_updates,
           "loss_d": snap.losses.get("d", math.nan), "loss_g": snap.losses.get("g", math.nan)}
    for k, v in snap.metrics.items():
        if isinstance(v, (int, float)):
            row[k] = float(v)
    return row
