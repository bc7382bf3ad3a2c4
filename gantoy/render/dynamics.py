"""Figures of the GAN game in parameter space (the Dynamics lab): the phase portrait of a vector field with
trajectories on it, and eigenvalues in the complex plane against the stability boundary. Pure: arrays in,
plotly Figure out."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gantoy.render.palette import BLACK, GREY, RED, RUN_COLORS
from gantoy.render.palette import f32 as _f32


PICK_STEP = 0.1    # spacing of the faint grid of starts a click picks from (plotly selects only markers)


def phase_portrait(th, ps, u, v, trajectories: dict, start=None, lim: float = 2.0, height: int = 520,
                   labels=("θ (generator)", "ψ (discriminator)"), pick: bool = True) -> go.Figure:
    """The field (u, v) on the grid (th, ps) as arrows of a length that grows with its speed (capped), and
    each trajectory ([T, 2] arrays, by label) as a line with its end marked; the equilibrium (0, 0) as a red
    star and the start as a black dot. With ``pick``, trace 0 is a faint grid of candidate starts (every
    PICK_STEP) that a click selects."""
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
    traces = []
    if pick:
        g = np.round(np.arange(-lim, lim + PICK_STEP / 2, PICK_STEP), 3)
        gx, gy = np.meshgrid(g, g)
        traces.append(dict(type="scatter", x=_f32(gx.ravel()), y=_f32(gy.ravel()), mode="markers", showlegend=False,
                           name="starts", marker=dict(size=6, color=GREY, opacity=0.08),
                           hovertemplate="click: start at (%{x:.1f}, %{y:.1f})<extra></extra>"))
    traces.append(dict(type="scatter", x=_f32(ax), y=_f32(ay), mode="lines", line=dict(color=GREY, width=1),
                       hoverinfo="skip", name="field", showlegend=False))
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
                  legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0), clickmode="event+select",
                  xaxis=dict(title=dict(text=labels[0]), range=[-lim, lim], zeroline=False),
                  yaxis=dict(title=dict(text=labels[1]), range=[-lim, lim], zeroline=False, scaleanchor="x"))
    return go.Figure(dict(data=traces, layout=layout), skip_invalid=False)


def eigenvalues(groups: dict, circle: bool = True, height: int = 360, step: float | None = None,
                disc_label: str | None = None) -> go.Figure:
    """Eigenvalues (complex arrays, by label) in the complex plane, with the unit circle |μ| = 1 that the
    eigenvalues of a discrete update must stay inside for the iterates to converge — or, with ``step`` h, for
    eigenvalues λ of the field itself, the disc |1 + hλ| < 1 where plain gradient steps of size h are stable."""
    traces = []
    t = np.linspace(0, 2 * np.pi, 181)
    if step:
        r = 1.0 / step
        traces.append(dict(type="scatter", x=_f32(-r + r * np.cos(t)), y=_f32(r * np.sin(t)), mode="lines",
                           name=disc_label or f"|1 + hλ| = 1 (h = {step:g})", line=dict(color=GREY, dash="dot"),
                           hoverinfo="skip"))
    elif circle:
        traces.append(dict(type="scatter", x=_f32(np.cos(t)), y=_f32(np.sin(t)), mode="lines", name="|μ| = 1",
                           line=dict(color=GREY, dash="dot"), hoverinfo="skip"))
    lim = 1.3 if not step else 0.0
    for i, (label, ev) in enumerate(groups.items()):
        ev = np.asarray(ev, dtype=np.complex128)
        lim = max(lim, 1.15 * float(np.abs(ev).max(initial=0.0)), 1e-3)
        traces.append(dict(type="scatter", x=_f32(ev.real), y=_f32(ev.imag), mode="markers", name=label,
                           # run A a large open circle, run B a small cross: where their μ coincide both show
                           marker=dict(color=RUN_COLORS[i % len(RUN_COLORS)], size=16 if i == 0 else 9,
                                       symbol="circle-open" if i == 0 else "x", line=dict(width=2)),
                           hovertemplate="%{x:.4f} + %{y:.4f}i<extra>" + label + "</extra>"))
    layout = dict(height=height, margin=dict(l=50, r=10, t=10, b=40), plot_bgcolor="white",
                  legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0),
                  xaxis=dict(title=dict(text="Re"), range=[-lim, lim], zeroline=True, zerolinecolor="#ddd"),
                  yaxis=dict(title=dict(text="Im"), range=[-lim, lim], scaleanchor="x", zeroline=True,
                             zerolinecolor="#ddd"))
    return go.Figure(dict(data=traces, layout=layout), skip_invalid=False)


def trajectory_images(th, ps, u, v, trajectories: dict, frames: int = 60, size=(640, 640), lim: float = 2.0):
    """RGB arrays [h, w, 3] of the trajectories being drawn over the field, one per frame (matplotlib Agg), for
    a GIF or MP4 of the Dynamics lab (render/animation.encode_gif / encode_mp4)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    w, h = size
    fig = Figure(figsize=(w / 100, h / 100), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(111)
    ax.quiver(th, ps, u, v, color=GREY, angles="xy")
    ax.plot(0, 0, "*", color=RED, ms=14)
    lines = []
    for i, (label, tr) in enumerate(trajectories.items()):
        tr = np.asarray(tr)
        ax.plot(tr[0, 0], tr[0, 1], "o", color=BLACK)
        lines.append((ax.plot([], [], color=RUN_COLORS[i % len(RUN_COLORS)], lw=1.8, label=label)[0], tr))
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel("θ (generator)")
    ax.set_ylabel("ψ (discriminator)")
    ax.legend(loc="upper right", fontsize=8)
    n = max(len(tr) for _, tr in lines)
    for k in np.unique(np.linspace(1, n, frames).astype(int)):
        for line, tr in lines:
            line.set_data(tr[:k, 0], tr[:k, 1])
        ax.set_title(f"step {k - 1}", fontsize=10)
        fig.canvas.draw()
        yield np.asarray(fig.canvas.buffer_rgba())[..., :3].copy()


def landscape(mus, sigmas, js, trajectories: dict, target, height: int = 480) -> go.Figure:
    """(μ, σ) trajectories of the Gaussian game over the JS(N(μ, σ²) ‖ p_data) landscape (filled contours),
    the data's (m, s) as a red star."""
    traces = [dict(type="contour", x=_f32(mus), y=_f32(sigmas), z=_f32(js), colorscale="Greys", reversescale=True,
                   showscale=False, ncontours=14, opacity=0.6, name="JS", hovertemplate="JS %{z:.3f}<extra></extra>")]
    for i, (label, tr) in enumerate(trajectories.items()):
        tr = np.asarray(tr)
        col = RUN_COLORS[i % len(RUN_COLORS)]
        sigma = np.exp(np.minimum(tr[:, 1], 50.0))      # ρ = log σ; a diverging run stays drawable
        traces.append(dict(type="scatter", x=_f32(tr[:, 0]), y=_f32(sigma), mode="lines", name=label,
                           line=dict(color=col, width=2)))
        traces.append(dict(type="scatter", x=_f32(tr[:1, 0]), y=_f32(np.exp(tr[:1, 1])), mode="markers",
                           marker=dict(color=BLACK, size=8), showlegend=False, hoverinfo="skip"))
    traces.append(dict(type="scatter", x=[float(target[0])], y=[float(target[1])], mode="markers", name="p_data",
                       marker=dict(color=RED, size=14, symbol="star")))
    layout = dict(height=height, margin=dict(l=50, r=10, t=10, b=40), plot_bgcolor="white",
                  legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0),
                  xaxis=dict(title=dict(text="μ (G's location)")), yaxis=dict(title=dict(text="σ (G's scale)")))
    return go.Figure(dict(data=traces, layout=layout), skip_invalid=False)
