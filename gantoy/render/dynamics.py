"""Figures of the GAN game in parameter space (the Dynamics lab): the phase portrait of a vector field with
trajectories on it, and eigenvalues in the complex plane against the stability boundary. Pure: arrays in,
plotly Figure out."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gantoy.render.palette import BLACK, GREY, RED, RUN_COLORS
from gantoy.render.palette import f32 as _f32


def phase_portrait(th, ps, u, v, trajectories: dict, start=None, lim: float = 2.0, height: int = 520,
                   labels=("θ (generator)", "ψ (discriminator)")) -> go.Figure:
    """The field (u, v) on the grid (th, ps) as arrows of a length that grows with its speed (capped), and
    each trajectory ([T, 2] arrays, by label) as a line with its end marked; the equilibrium (0, 0) as a red
    star and the start as a black dot."""
    th, ps, u, v = (np.asarray(a, dtype=np.float64) for a in (th, ps, u, v))
    speed = np.hypot(u, v)
    step = 0.8 * (th[0, 1] - th[0, 0]) if th.ndim == 2 and th.shape[1] > 1 else 0.2
    scale = step * np.minimum(1.0, speed / max(float(np.nanmax(speed)), 1e-12) * 1.5) / np.maximum(speed, 1e-12)
    x0, y0 = th.ravel(), ps.ravel()
    x1, y1 = x0 + (u * scale).ravel(), y0 + (v * scale).ravel()
    # shafts and two-stroke heads, one polyline each, gaps between arrows
    ang = np.arctan2(y1 - y0, x1 - x0)
    head = 0.35 * np.hypot(x1 - x0, y1 - y0)
    hx1, hy1 = x1 - head * np.cos(ang - 0.45), y1 - head * np.sin(ang - 0.45)
    hx2, hy2 = x1 - head * np.cos(ang + 0.45), y1 - head * np.sin(ang + 0.45)
    nan = np.full_like(x0, np.nan)
    ax = np.stack([x0, x1, nan, hx1, x1, hx2, nan], 1).ravel()
    ay = np.stack([y0, y1, nan, hy1, y1, hy2, nan], 1).ravel()
    traces = [dict(type="scatter", x=_f32(ax), y=_f32(ay), mode="lines", line=dict(color=GREY, width=1),
                   hoverinfo="skip", name="field", showlegend=False)]
    for i, (label, tr) in enumerate(trajectories.items()):
        tr = np.asarray(tr, dtype=np.float64)
        col = RUN_COLORS[i % len(RUN_COLORS)]
        traces.append(dict(type="scatter", x=_f32(tr[:, 0]), y=_f32(tr[:, 1]), mode="lines", name=label,
                           line=dict(color=col, width=2)))
        traces.append(dict(type="scatter", x=_f32(tr[-1:, 0]), y=_f32(tr[-1:, 1]), mode="markers", showlegend=False,
                           marker=dict(color=col, size=9, symbol="diamond"), hoverinfo="skip"))
    traces.append(dict(type="scatter", x=[0.0], y=[0.0], mode="markers", name="equilibrium",
                       marker=dict(color=RED, size=14, symbol="star")))
    if start is not None:
        traces.append(dict(type="scatter", x=[float(start[0])], y=[float(start[1])], mode="markers", name="start",
                           marker=dict(color=BLACK, size=9)))
    layout = dict(height=height, margin=dict(l=50, r=10, t=10, b=40), plot_bgcolor="white", uirevision="keep",
                  legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0),
                  xaxis=dict(title=dict(text=labels[0]), range=[-lim, lim], zeroline=False),
                  yaxis=dict(title=dict(text=labels[1]), range=[-lim, lim], zeroline=False, scaleanchor="x"))
    return go.Figure(dict(data=traces, layout=layout), skip_invalid=False)


def eigenvalues(groups: dict, circle: bool = True, height: int = 360) -> go.Figure:
    """Eigenvalues (complex arrays, by label) in the complex plane, with the unit circle |μ| = 1 that the
    eigenvalues of a discrete update must stay inside for the iterates to converge."""
    traces = []
    if circle:
        t = np.linspace(0, 2 * np.pi, 181)
        traces.append(dict(type="scatter", x=_f32(np.cos(t)), y=_f32(np.sin(t)), mode="lines", name="|μ| = 1",
                           line=dict(color=GREY, dash="dot"), hoverinfo="skip"))
    lim = 1.3
    for i, (label, ev) in enumerate(groups.items()):
        ev = np.asarray(ev, dtype=np.complex128)
        lim = max(lim, 1.15 * float(np.abs(ev).max(initial=0.0)))
        traces.append(dict(type="scatter", x=_f32(ev.real), y=_f32(ev.imag), mode="markers", name=label,
                           marker=dict(color=RUN_COLORS[i % len(RUN_COLORS)], size=11, symbol="x"),
                           hovertemplate="%{x:.4f} + %{y:.4f}i<extra>" + label + "</extra>"))
    layout = dict(height=height, margin=dict(l=50, r=10, t=10, b=40), plot_bgcolor="white",
                  legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0),
                  xaxis=dict(title=dict(text="Re"), range=[-lim, lim], zeroline=True, zerolinecolor="#ddd"),
                  yaxis=dict(title=dict(text="Im"), range=[-lim, lim], scaleanchor="x", zeroline=True,
                             zerolinecolor="#ddd"))
    return go.Figure(dict(data=traces, layout=layout), skip_invalid=False)
