"""The colours every figure shares (Figure 1's: p_data black dotted, p_g green, D blue dashed, D* grey) and
the float32 conversion that keeps each frame's payload small."""
from __future__ import annotations

import numpy as np

BLACK, GREEN, BLUE, GREY, RED = "#111111", "#1a9e3a", "#1f4fd1", "#9a9a9a", "#d62728"
RUN_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]


def f32(a):
    return np.asarray(a, dtype=np.float32)
