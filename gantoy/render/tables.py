"""The one CSV writer: every table gantoy writes (metric histories, study tables, reports, curves) goes
through ``to_csv``, so every CSV has the same conventions: a header row, columns in first-seen order
(or as given), ``inf`` / ``-inf`` / ``nan`` spelled out, empty cells for keys a row lacks."""
from __future__ import annotations

import csv
import io
import math


def columns_of(rows) -> list:
    """Every key of ``rows``, in the order first seen."""
    cols = []
    for r in rows:
        for k in r:
            if k not in cols:
                cols.append(k)
    return cols


def _cell(v):
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v


def to_csv(rows, columns=None) -> str:
    """``rows`` (dicts) as CSV text; ``columns``: the columns and their order (default: columns_of(rows)).
    Keys outside ``columns`` are left out."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns or columns_of(rows)), extrasaction="ignore",
                       lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: _cell(v) for k, v in r.items()})
    return buf.getvalue()


def columns_to_rows(columns: dict) -> list:
    """{name: sequence} (equal lengths) -> a list of row dicts, for tables built column by column."""
    names = list(columns)
    return [dict(zip(names, vals)) for vals in zip(*(columns[n] for n in names))]
