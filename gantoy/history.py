"""History: a bounded record of metric rows (one per recorded moment) that charts and exports read,
and ``FrameHistory``, the same bounded record of view frames (the arrays a picture needs).

Rows are kept in full until ``capacity`` is reached; then every other row of the older half is
dropped (the newest half stays at full resolution). Memory is therefore at most ``capacity`` rows
however long a run goes, and the record always spans the whole run.
"""
from __future__ import annotations

import math

import numpy as np


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


# ---- frames ---------------------------------------------------------------------------------------
FRAME_POINTS = 500      # samples kept per frame (real and generated) for the 2-D views
FRAME_CAPACITY = 200    # frames kept; older frames are thinned, the record always spans the whole run


def frame_from_snapshot(snap) -> dict:
    """The arrays a view of one moment needs, as float32 (a Snapshot without the heavy extras).
    Size: 1-D ~ 5 x 1000 grid values + 2 x 33 arrows ~ 21 KB; 2-D ~ 3 x 64² grid values + 2 x 500
    points ~ 53 KB."""
    f32 = (lambda a: None if a is None else np.asarray(a, dtype=np.float32))
    return {
        "iteration": snap.iteration, "dim": snap.dim, "objective": snap.objective, "d_label": snap.d_label,
        "x": f32(snap.x) if snap.dim == 1 else tuple(f32(a) for a in snap.x),
        "p_data": f32(snap.p_data), "p_g": f32(snap.p_g), "d": f32(snap.d), "d_star": f32(snap.d_star),
        "real": f32(snap.real[:FRAME_POINTS]), "fake": f32(snap.fake[:FRAME_POINTS]),
        "z": f32(snap.z), "gz": f32(snap.gz), "metrics": dict(snap.metrics),
    }


def frame_nbytes(frame: dict) -> int:
    n = 0
    for v in frame.values():
        if isinstance(v, np.ndarray):
            n += v.nbytes
        elif isinstance(v, tuple):
            n += sum(a.nbytes for a in v)
    return n


class FrameHistory(History):
    """Frames (``frame_from_snapshot``) with History's thinning: at most ``capacity`` frames, so memory
    stays below capacity x the largest frame (200 x ~53 KB ~ 11 MB in 2-D) however long a run goes."""

    def __init__(self, capacity: int = FRAME_CAPACITY):
        super().__init__(capacity)

    def add_snapshot(self, snap):
        frame = frame_from_snapshot(snap)
        if self.rows and self.rows[-1]["iteration"] == frame["iteration"]:
            self.rows[-1] = frame
            return
        self.rows.append(frame)
        if len(self.rows) > self.capacity:
            half = len(self.rows) // 2
            self.rows = self.rows[:half][::2] + self.rows[half:]

    def nbytes(self) -> int:
        return sum(frame_nbytes(f) for f in self.rows)
