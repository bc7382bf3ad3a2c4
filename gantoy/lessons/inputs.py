"""What users hand the labs, read as data only and checked with a clear reason: CSV and pasted points, a
table of points, points picked on a chart, an uploaded config file. Nothing is unpickled or executed.
Every reader returns (value, None) or (None, reason)."""
from __future__ import annotations

import io
import math

import numpy as np

from gantoy.core.config import MAX_POINTS, ConfigError, RunConfig

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_CONFIG_BYTES = 1_000_000


def csv_points(uploaded, dim_expected=None):
    """Parse an uploaded CSV of points (columns x[,y]) as data only. Returns (points list, error)."""
    raw = uploaded.getvalue() if hasattr(uploaded, "getvalue") else bytes(uploaded)
    if len(raw) > MAX_UPLOAD_BYTES:
        return None, f"the file is {len(raw) / 1e6:.1f} MB; the limit is 10 MB"
    if raw[:2] in (b"PK", b"\x80\x04", b"\x80\x03", b"\x80\x02") or b"\x00" in raw[:1024]:
        return None, "this is not a text CSV file (it looks like a binary, zip or pickle file)"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "the file is not UTF-8 text"
    import pandas as pd  # imported where used: a lab's first visit need not pay for it

    try:
        df = pd.read_csv(io.StringIO(text))
    except Exception as e:  # pandas raises several parser errors
        return None, f"cannot read it as CSV ({str(e).splitlines()[0][:120]})"
    return points_from_frame(df, dim_expected)


def points_from_frame(df, dim_expected=None):
    """Read a table of points with columns x[, y]. Returns (points, error). The point count is refused before
    converting (a big file costs memory); the coordinates' range is the config's to check (data.points)."""
    import pandas as pd

    cols = [c.strip().lower() for c in map(str, df.columns)]
    df = df.copy()
    df.columns = cols
    if "x" not in cols:
        return None, f"a column named x is required (found: {', '.join(cols[:6]) or 'none'})"
    use = ["x", "y"] if "y" in cols else ["x"]
    if dim_expected is not None and len(use) != dim_expected:
        return None, f"this lab needs {'columns x and y' if dim_expected == 2 else 'a column x'}"
    if len(df) > MAX_POINTS:
        return None, f"{len(df)} rows; at most {MAX_POINTS} points"
    try:
        arr = df[use].apply(pd.to_numeric, errors="raise").to_numpy(dtype=np.float64)
    except (ValueError, TypeError):
        return None, "every x, y value must be a number"
    if len(arr) < 2:
        return None, f"at least 2 points are needed, got {len(arr)}"
    if not np.all(np.isfinite(arr)):
        return None, "the table has empty, NaN or infinite values"
    if len(np.unique(arr, axis=0)) < 2:
        return None, "all points are identical; a density needs at least 2 distinct points"
    pts = arr.tolist() if len(use) == 2 else arr[:, 0].tolist()
    return pts, None


def picked_points(event, curve: int = 0) -> list:
    """The [x, y] of the points selected on ``curve`` of a plotly chart (a selection event, or its dict
    form), in selection order without repeats."""
    sel = (event or {}).get("selection") or {}
    out = []
    for p in sel.get("points") or []:
        if p.get("curve_number", 0) == curve and p.get("x") is not None and p.get("y") is not None:
            xy = [float(p["x"]), float(p["y"])]
            if xy not in out:
                out.append(xy)
    return out


def config_from_upload(raw: bytes, dim: int):
    """(RunConfig, None) from an uploaded config file, or (None, reason). JSON only: never unpickled."""
    try:
        if len(raw) > MAX_CONFIG_BYTES:
            raise ConfigError(f"the file is {len(raw) / 1e6:.1f} MB; a gantoy config is a small JSON file")
        cfg = RunConfig.from_json(raw)
        if cfg.dim != dim:
            raise ConfigError(f"this is a {cfg.dim}-D configuration; this lab is {dim}-D")
    except ConfigError as e:
        return None, str(e)
    return cfg, None


def mixture_from_table(df):
    """({"data.weights", "data.means", "data.stds"}, note) from a table with columns weight, mean, std, or
    (None, reason). Weights are relative: ones that do not sum to 1 are normalised, and the note says so. A
    reason names every bad cell by its row (counted from 1 from the top, blank rows included, so the count
    matches what the user sees), so one look is enough to fix them all; wholly blank rows are ignored."""
    import pandas as pd

    missing = [c for c in ("weight", "mean", "std") if c not in df.columns]
    if missing:
        return None, "the table needs the columns weight, mean and std (missing: " + ", ".join(missing) + ")"
    rule = {"weight": ("a number ≥ 0", lambda v: v >= 0), "mean": ("a number", lambda v: True),
            "std": ("a number > 0", lambda v: v > 0)}
    cols, bad = {c: [] for c in rule}, []
    for i, (_, row) in enumerate(df[list(rule)].iterrows(), start=1):
        if all(pd.isna(row[c]) for c in rule):
            continue
        wrong = []                      # this row's problems, said once per row: "row 2: a (…) and b (…)"
        for c, (want, ok) in rule.items():
            raw = row[c]
            try:
                v = float(raw)
            except (TypeError, ValueError):
                v = float("nan")
            if not math.isfinite(v) or not ok(v):
                shown = "empty" if pd.isna(raw) else f"{v:g}" if v == v else f"{raw!s}"
                wrong.append(f"{c} is {shown} (must be {want})")
            cols[c].append(v)
        if wrong:
            bad.append(f"row {i}: " + " and ".join(wrong))
    if not cols["weight"] and not bad:
        return None, "the table is empty: give at least one component"
    if bad:
        return None, "; ".join(bad)
    w, mu, sd = cols["weight"], cols["mean"], cols["std"]
    total = sum(w)
    if not math.isfinite(total):
        return None, "the weights are too large to add up: scale them down (only their ratios matter)"
    if total <= 0:
        return None, "the weights sum to 0: give at least one component a weight > 0"
    note = ""
    if abs(total - 1) > 1e-9:
        norm = [v / total for v in w]
        note = (f"The weights summed to {total:g}; normalised to " + ", ".join(f"{v:.3g}" for v in norm) + ".")
        w = norm
    return {"data.weights": w, "data.means": mu, "data.stds": sd}, note
