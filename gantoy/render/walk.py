"""The chart of one part of an Algorithm-1 iteration (session/walk.py): the lab's figure with the minibatch, D
before the update and the generated samples' moves drawn over it. Pure: snapshot and part in, figure out."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gantoy.render import figures, plane
from gantoy.render.palette import BLACK, GREEN, GREY


def _segments(a, b):
    """x, y arrays of separate segments a[i] -> b[i] (2-D points), NaN between them."""
    n = len(a)
    xs, ys = np.full(3 * n, np.nan), np.full(3 * n, np.nan)
    xs[0::3], xs[1::3] = a[:, 0], b[:, 0]
    ys[0::3], ys[1::3] = a[:, 1], b[:, 1]
    return xs, ys


def walk_figure(snap, show: dict, noise: str = "normal", height: int = 460, centers=None) -> go.Figure:
    if snap.dim == 1:
        fig = figures.figure1(snap, noise=noise, height=height)
        top = float(np.nanmax(snap.p_data))
        if show.get("d_before") is not None:
            fig.add_trace(go.Scatter(x=np.asarray(snap.x), y=show["d_before"], yaxis="y2", name="D before",
                                     mode="lines", line=dict(color=GREY, dash="dot", width=2)))
        for key, color, level, name in (("real", BLACK, 0.04, "data minibatch"), ("fake", GREEN, 0.10, "G(z)")):
            if show.get(key) is not None:
                x = np.asarray(show[key]).reshape(-1)
                fig.add_trace(go.Scatter(x=x, y=np.full(len(x), level * top), mode="markers", name=name,
                                         marker=dict(color=color, symbol="line-ns-open", size=12)))
        if show.get("fake_after") is not None:
            a = np.asarray(show["fake"]).reshape(-1)
            b = np.asarray(show["fake_after"]).reshape(-1)
            lv = np.full(len(a), 0.10 * top)
            xs, ys = _segments(np.c_[a, lv], np.c_[b, lv + 0.06 * top])
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=GREEN, width=1), name="G(z) moves",
                                     hoverinfo="skip"))
            fig.add_trace(go.Scatter(x=b, y=lv + 0.06 * top, mode="markers", showlegend=False,
                                     marker=dict(color=GREEN, symbol="triangle-up", size=7)))
        return fig
    fig = plane.playground(snap, view="samples", n_points=200, centers=centers, height=height)
    moved = show.get("fake_after") is not None
    for key, color, symbol, name in (("real", BLACK, "x", "data minibatch"),
                                     ("fake", GREEN, "circle-open" if moved else "circle",
                                      "G(z) before" if moved else "G(z)")):
        if show.get(key) is not None:
            p = np.asarray(show[key])
            fig.add_trace(go.Scatter(x=p[:, 0], y=p[:, 1], mode="markers", name=name,
                                     marker=dict(color=color, symbol=symbol, size=8, line=dict(width=1))))
    if moved:
        a, b = np.asarray(show["fake"]), np.asarray(show["fake_after"])
        xs, ys = _segments(a, b)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=GREEN, width=1.5), name="G(z) moves",
                                 hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=b[:, 0], y=b[:, 1], mode="markers", name="G(z) after",
                                 marker=dict(color=GREEN, size=8, line=dict(width=1, color=BLACK))))
    return fig
