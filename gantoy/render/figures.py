"""Pure figure functions: Snapshot / metric history -> plotly Figure. No training, no streamlit.

Figure 1 style (Goodfellow et al. 2014, caption): p_data black dotted, p_g green solid, D blue
dashed; D* thin grey; the lower line is the noise domain, the upper line part of the x domain, and
the arrows x = G(z) show the map contracting where p_g is high and expanding where it is low.
Arrays are sent as float32 to keep each frame's payload small.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from scipy import special

from gantoy.core.fgan import LOG4

BLACK, GREEN, BLUE, GREY, RED = "#111111", "#1a9e3a", "#1f4fd1", "#9a9a9a", "#d62728"


def _f32(a):
    return np.asarray(a, dtype=np.float32)


DISPLAY_POINTS = 350   # curve points sent to the browser: smooth at chart width, cheap to render live


def _display(n):
    """A slice that thins a grid of n points to about DISPLAY_POINTS (metrics use the full grid)."""
    return slice(None, None, max(1, n // DISPLAY_POINTS))


NICE_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceil(v: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 (times a power of ten) that is >= v > 0.
    Axis tops snap to these so a live axis holds still while the curve under it moves: a steady scale
    reads better, and the live chart then redraws only the curves, not the axis (an axis redraw was a tenth
    of the browser's main thread while Figure 1 trained, its top changing in 52 of 55 frames)."""
    if not np.isfinite(v) or v <= 0:
        return 1.0
    e = 10.0 ** np.floor(np.log10(v))
    return float(next(s * e for s in NICE_STEPS if s * e >= v * (1 - 1e-12)))


def _noise_u(snap, noise):
    """Position of each arrow's tail on the lower line: the noise's quantile u in [0, 1] (for
    uniform noise u = z; for normal noise u = Phi(z), which is uniformly distributed)."""
    return np.asarray(snap.z) if noise == "uniform" else special.ndtr(np.asarray(snap.z))


def figure1(snap, noise: str = "uniform", height: int = 520, title: str | None = None) -> go.Figure:
    """The four-curve picture of Figure 1 with the z -> x arrows underneath.

    Built from plain dicts on fixed axis domains (no make_subplots): much faster, which matters at
    five redraws a second."""
    lo, hi = float(snap.x[0]), float(snap.x[-1])
    sl = _display(len(snap.x))
    x = _f32(snap.x)[sl]
    prob = snap.d_prob
    traces = [
        dict(type="scatter", x=x, y=_f32(snap.p_data)[sl], name="p_data", mode="lines",
             line=dict(color=BLACK, dash="dot", width=2.5)),
        dict(type="scatter", x=x, y=_f32(snap.p_g)[sl], name="p_g", mode="lines", line=dict(color=GREEN, width=2.5)),
        dict(type="scatter", x=x, y=_f32(snap.d)[sl], name="D(x)" if prob else snap.d_label, mode="lines",
             yaxis="y2", line=dict(color=BLUE, dash="dash", width=2.5)),
    ]
    if snap.d_star is not None:
        traces.append(dict(type="scatter", x=x, y=_f32(snap.d_star)[sl], name="D*(x)", mode="lines", yaxis="y2",
                           connectgaps=False, line=dict(color=GREY, width=1)))
    # z line (y = 0) and x line (y = 1) with arrows x = G(z), on the lower axis y3
    u = _noise_u(snap, noise)
    zpos = lo + (hi - lo) * (0.1 + 0.8 * u)  # the noise domain drawn under the middle of the x axis
    gz = np.clip(np.asarray(snap.gz, dtype=np.float64), lo, hi)
    n = len(gz)
    ax = np.full(3 * n, np.nan, dtype=np.float32)
    ay = np.full(3 * n, np.nan, dtype=np.float32)
    ax[0::3], ax[1::3] = zpos, gz
    ay[0::3], ay[1::3] = 0.0, 1.0
    traces += [
        dict(type="scatter", x=ax, y=ay, mode="lines", line=dict(color="#444", width=1), showlegend=False,
             hoverinfo="skip", yaxis="y3", connectgaps=False),
        dict(type="scatter", x=_f32(gz), y=np.ones(n, np.float32), mode="markers", showlegend=False,
             marker=dict(symbol="triangle-up", size=7, color="#444"), hoverinfo="skip", yaxis="y3"),
        dict(type="scatter", x=[lo, hi, None, lo, hi], y=[0, 0, None, 1, 1], mode="lines", yaxis="y3",
             line=dict(color=BLACK, width=1.5), showlegend=False, hoverinfo="skip"),
    ]
    ymax = float(np.nanmax([np.nanmax(snap.p_data), min(np.nanmax(snap.p_g), 3 * np.nanmax(snap.p_data))]))
    layout = dict(
        height=height, margin=dict(l=50, r=50, t=40 if title else 10, b=30), title=title,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0), uirevision="keep", plot_bgcolor="white",
        xaxis=dict(range=[lo, hi], anchor="y3", showgrid=False, zeroline=False),  # the paper draws no x = 0 line
        yaxis=dict(title="density", range=[0, nice_ceil(1.1 * ymax)], domain=[0.3, 1.0]),
        # tickmode: an overlaying axis defaults to "sync" (ticks at the density axis's gridlines: 0.194, 0.388…)
        yaxis2=dict(title="D(x)" if prob else snap.d_label, overlaying="y", side="right",
                    range=[0, 1.05] if prob else None, showgrid=False,
                    **(dict(tickmode="array", tickvals=[0, 0.25, 0.5, 0.75, 1]) if prob else dict(tickmode="auto"))),
        yaxis3=dict(domain=[0.0, 0.26], range=[-0.25, 1.25], visible=False),
        annotations=[dict(x=lo, y=0, xref="x", yref="y3", text="z" if noise == "uniform" else "u = Φ(z)",
                          showarrow=False, xanchor="right"),
                     dict(x=lo, y=1, xref="x", yref="y3", text="x", showarrow=False, xanchor="right")],
    )
    return go.Figure(dict(data=traces, layout=layout), skip_invalid=False)


HISTORY_SERIES = {
    "js": ("JS(p_data‖p_g)", GREEN),
    "kl_data_g": ("KL(p_data‖p_g)", "#8c564b"),
    "kl_g_data": ("KL(p_g‖p_data)", "#e377c2"),
    "w1": ("W1", "#ff7f0e"),
    "tv": ("TV", "#17becf"),
    "hellinger2": ("H²", "#bcbd22"),
}


def metrics_history(rows, keys=("js", "kl_data_g", "kl_g_data", "w1"), floors=None, height=300,
                    log_y: bool = True) -> go.Figure:
    """Metric curves over iterations; infinite values are drawn as gaps; an optional noise-floor band.
    Built from plain dicts like figure1: plotly's add_trace/update_layout took several times longer of a
    classroom server's GIL per chart per second and session (bench/BENCHMARKS.md, "Numbers behind the code")."""
    it = np.array([r["iteration"] for r in rows], dtype=np.float32)
    traces, ys = [], []
    for k in keys:
        if not rows or k not in rows[0]:
            continue
        y = np.array([r.get(k, np.nan) for r in rows], dtype=np.float64)
        y[~np.isfinite(y)] = np.nan
        name, color = HISTORY_SERIES.get(k, (k, None))
        y = _f32(y)
        traces.append(dict(type="scatter", x=it, y=y, name=name, mode="lines",
                           line=dict(color=color) if color else {}))
        ys.append(y)
        if floors and floors.get(k, 0) > 0 and len(it):
            band = [0, 0, floors[k], floors[k]]
            traces.append(dict(type="scatter", x=[it[0], it[-1], it[-1], it[0]], y=band, fill="toself",
                               mode="none", fillcolor="rgba(128,128,128,0.15)", name=f"{name} noise floor",
                               showlegend=False, hoverinfo="skip"))
            ys.append(np.asarray(band, dtype=np.float64))   # the noise-floor bands are framed too
    layout = dict(height=height, margin=dict(l=50, r=10, t=10, b=40), uirevision="keep",
                  legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
                  xaxis=dict(title=dict(text="iteration")), yaxis=dict(type="log" if log_y else "linear"))
    _fix_ranges(layout, it, np.concatenate(ys) if ys else np.zeros(0), log_y)
    return go.Figure(dict(data=traces, layout=layout), skip_invalid=False)


def _fix_ranges(layout: dict, it, y, log_y: bool = False):
    """Explicit axis ranges (set in the ``layout`` dict) instead of plotly's autorange: the live chart then
    redraws a history frame by moving its lines (Plotly.animate), not by laying the whole chart out again;
    where there is nothing finite to frame yet, autorange stays."""
    y = np.asarray(y, dtype=np.float64)
    y = y[np.isfinite(y) & (y > 0)] if log_y else y[np.isfinite(y)]
    if len(it) == 0 or len(y) == 0:
        return
    lo_x, hi_x = float(it[0]), float(it[-1])
    layout.setdefault("xaxis", {})["range"] = [lo_x, hi_x if hi_x > lo_x else lo_x + 1]
    lo, hi = (np.log10(y.min()), np.log10(y.max())) if log_y else (float(y.min()), float(y.max()))
    pad = max(0.05 * (hi - lo), 0.25 if log_y else 1e-3 + 0.05 * abs(hi))
    layout.setdefault("yaxis", {})["range"] = [float(lo - pad), float(hi + pad)]


def value_history(rows, height=260) -> go.Figure:
    """V(D, G) next to C(G) = −log 4 + 2·JS (Theorem 1): equal when D = D*."""
    it = np.array([r["iteration"] for r in rows], dtype=np.float32)
    v = np.array([r.get("value", np.nan) for r in rows], dtype=np.float32)
    c = np.array([-LOG4 + 2 * r.get("js", np.nan) for r in rows], dtype=np.float32)
    traces = [
        dict(type="scatter", x=it, y=v, name="V(D, G)", mode="lines", line=dict(color=BLUE)),
        dict(type="scatter", x=it, y=c, name="C(G) = −log 4 + 2·JS", mode="lines",
             line=dict(color=BLACK, dash="dot")),
    ]
    layout = dict(
        height=height, margin=dict(l=50, r=10, t=10, b=40), uirevision="keep",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0), xaxis=dict(title=dict(text="iteration")),
        # the −log 4 line across the plot (what fig.add_hline makes, without its plotly bookkeeping)
        shapes=[dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=-LOG4, y1=-LOG4,
                     line=dict(color=GREY, width=1))],
        annotations=[dict(text="−log 4", showarrow=False, xref="x domain", x=1, xanchor="right", yref="y",
                          y=-LOG4, yanchor="bottom")],
    )
    _fix_ranges(layout, it, np.concatenate([v, c, [-LOG4]]))
    return go.Figure(dict(data=traces, layout=layout), skip_invalid=False)


# ---- 2-D ----------------------------------------------------------------------------------------
def playground(snap, view: str = "samples", manifold=None, arrows=None, height: int = 560,
               n_points: int = 1000) -> go.Figure:
    """2-D views: 'samples' (real and generated samples over the D heatmap), 'density' (p_g with
    p_data contours), 'manifold' (the image of a warped z grid over p_data). ``n_points`` samples of
    each kind are drawn (fewer while training live: the browser redraws the whole chart each frame)."""
    cx, cy = (_f32(a) for a in snap.x)
    fig = go.Figure()
    if view == "density":
        fig.add_trace(go.Heatmap(x=cx, y=cy, z=_f32(np.sqrt(snap.p_g.T)), colorscale="Greens", showscale=False,
                                 name="√p_g", hoverinfo="skip"))
        fig.add_trace(go.Contour(x=cx, y=cy, z=_f32(np.sqrt(snap.p_data.T)), showscale=False, ncontours=6,
                                 contours=dict(coloring="none"), line=dict(color=BLACK, width=1), name="√p_data",
                                 hoverinfo="skip"))
    else:
        prob = snap.d_prob
        # no colour bar: redrawn each frame it kept the whole chart from rendering while training
        # (seen in chromium); the caption explains the colours
        fig.add_trace(go.Heatmap(x=cx, y=cy, z=_f32(snap.d.T), colorscale="RdBu", zmid=0.5 if prob else None,
                                 zmin=0 if prob else None, zmax=1 if prob else None, opacity=0.55,
                                 showscale=False, hoverinfo="skip"))
    if view == "manifold" and manifold is not None:
        xs, ys = [], []
        for line in manifold:
            xs += list(line[:, 0]) + [None]
            ys += list(line[:, 1]) + [None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=GREEN, width=1), name="G(z grid)"))
    if view in ("samples", "manifold"):
        r = snap.real[:n_points]
        fig.add_trace(go.Scatter(x=_f32(r[:, 0]), y=_f32(r[:, 1]), mode="markers", name="data",
                                   marker=dict(color=BLACK, size=3)))
    if view == "samples":
        f = snap.fake[:n_points]
        fig.add_trace(go.Scatter(x=_f32(f[:, 0]), y=_f32(f[:, 1]), mode="markers", name="generated",
                                   marker=dict(color=GREEN, size=3)))
        if arrows is not None:
            pts, vec = arrows
            xs, ys = [], []
            for p, v in zip(pts, vec):
                xs += [p[0], p[0] + v[0], None]
                ys += [p[1], p[1] + v[1], None]
            fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=RED, width=1),
                                     name="−∇ G loss", hoverinfo="skip"))
    # equal scales by sizing the plot to the data's aspect ratio (scaleanchor costs a relayout per frame)
    fig.update_xaxes(range=[float(cx[0]), float(cx[-1])])
    fig.update_yaxes(range=[float(cy[0]), float(cy[-1])])
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), uirevision="keep",
                      legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0), plot_bgcolor="white")
    return fig


# ---- compare and mode-collapse labs ------------------------------------------------------------
RUN_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]
COMPARE_KEYS = {"js": "JS (nats)", "w1": "W1", "modes": "modes covered"}


def compare_history(histories, labels, keys=("js", "w1", "modes"), floors=None, height=300) -> go.Figure:
    """One panel per metric (side by side on fixed domains), one line per run in the run's colour,
    each panel with its estimator's noise-floor band. JS and W1 on log axes; modes linear."""
    keys = [k for k in keys if any(h and k in h[0] for h in histories)]
    n = max(1, len(keys))
    gap = 0.06
    w = (1 - gap * (n - 1)) / n
    traces, layout = [], {}
    for j, k in enumerate(keys):
        ax = "" if j == 0 else str(j + 1)
        dom = [j * (w + gap), j * (w + gap) + w]
        layout[f"xaxis{ax}"] = dict(domain=dom, anchor=f"y{ax}", title=dict(text="iteration"))
        layout[f"yaxis{ax}"] = dict(anchor=f"x{ax}", type="linear" if k == "modes" else "log",
                                    title=dict(text=COMPARE_KEYS.get(k, k)))
        last_it = 0.0
        for i, (rows, lbl) in enumerate(zip(histories, labels)):
            it = np.array([r["iteration"] for r in rows], dtype=np.float32)
            y = np.array([r.get(k, np.nan) for r in rows], dtype=np.float64)
            y[~np.isfinite(y)] = np.nan
            last_it = max(last_it, float(it[-1]) if len(it) else 0.0)
            traces.append(dict(type="scatter", x=it, y=_f32(y), mode="lines", name=lbl, legendgroup=lbl,
                               showlegend=j == 0, line=dict(color=RUN_COLORS[i % len(RUN_COLORS)], width=2),
                               xaxis=f"x{ax}", yaxis=f"y{ax}"))
        fl = (floors or {}).get(k, 0) or 0
        if k != "modes" and fl > 0:
            traces.append(dict(type="scatter", x=[0, last_it, last_it, 0], y=[fl / 20, fl / 20, fl, fl],
                               fill="toself", mode="none", fillcolor="rgba(128,128,128,0.18)", hoverinfo="skip",
                               name="noise floor", showlegend=False, xaxis=f"x{ax}", yaxis=f"y{ax}"))
    fig = go.Figure(data=traces)
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=10, b=40), uirevision="keep",
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0), **layout)
    return fig


def small_multiple(snap, title: str, noise: str = "normal", height: int = 300) -> go.Figure:
    """One run of a comparison: the Figure 1 picture (1-D) or samples over D (2-D), titled."""
    if snap.dim == 1:
        fig = figure1(snap, noise=noise, height=height)
    else:
        fig = playground(snap, view="samples", height=height, n_points=500)
    fig.update_layout(title=dict(text=title, x=0.01, y=0.99, font=dict(size=13)), margin=dict(t=28),
                      showlegend=False)
    return fig


def gallery(samples, centers, labels, cols: int = 8, height_per_row: int = 120, color: str = GREEN) -> go.Figure:
    """Final samples of every seed as small panels (mode centres as black crosses; samples green, or
    ``color``, e.g. black for data). 1-D samples are drawn as a histogram per panel."""
    samples = np.asarray(samples)
    n = len(samples)
    cols = max(1, min(cols, n))
    rows = (n + cols - 1) // cols
    c = np.asarray(centers, dtype=np.float64).reshape(len(centers), -1)
    lo, hi = c.min(0) - 1.0, c.max(0) + 1.0
    traces, layout, annotations = [], {}, []
    for i in range(n):
        r, q = divmod(i, cols)
        ax = "" if i == 0 else str(i + 1)
        xd = [q / cols + 0.01, (q + 1) / cols - 0.01]
        yd = [1 - (r + 1) / rows + 0.02, 1 - r / rows - 0.06]
        layout[f"xaxis{ax}"] = dict(domain=xd, anchor=f"y{ax}", range=[lo[0], hi[0]], showticklabels=False)
        s = samples[i]
        if s.shape[1] == 2:
            layout[f"yaxis{ax}"] = dict(domain=yd, anchor=f"x{ax}", range=[lo[1], hi[1]], showticklabels=False)
            sub = s[:800]
            traces.append(dict(type="scatter", x=_f32(sub[:, 0]), y=_f32(sub[:, 1]), mode="markers",
                               marker=dict(color=color, size=2), xaxis=f"x{ax}", yaxis=f"y{ax}", hoverinfo="skip"))
            traces.append(dict(type="scatter", x=_f32(c[:, 0]), y=_f32(c[:, 1]), mode="markers",
                               marker=dict(color=BLACK, size=5, symbol="x-thin", line=dict(width=1)),
                               xaxis=f"x{ax}", yaxis=f"y{ax}", hoverinfo="skip"))
        else:
            layout[f"yaxis{ax}"] = dict(domain=yd, anchor=f"x{ax}", showticklabels=False)
            traces.append(dict(type="histogram", x=_f32(s[:, 0]), nbinsx=80, marker=dict(color=color),
                               xaxis=f"x{ax}", yaxis=f"y{ax}", hoverinfo="skip"))
        annotations.append(dict(text=labels[i], x=np.mean(xd), y=yd[1] + 0.005, xref="paper", yref="paper",
                                showarrow=False, yanchor="bottom", font=dict(size=11)))
    fig = go.Figure(data=traces)
    fig.update_layout(height=max(160, rows * height_per_row + 20), showlegend=False, plot_bgcolor="white",
                      margin=dict(l=5, r=5, t=20, b=5), annotations=annotations, **layout)
    return fig


def mode_timeline(iterations, counts, min_count: int, height: int = 260) -> go.Figure:
    """Which modes one run covers over time: rows = modes, columns = recorded iterations, colour =
    the share of the run's samples at that mode (a covered mode is outlined by a dot). A generator
    hopping from mode to mode draws a staircase."""
    counts = np.asarray(counts, dtype=np.float64)      # [T, modes]
    share = counts / max(1.0, counts.sum(1, keepdims=True).max())
    it = np.asarray(iterations, dtype=np.float32)
    T, K = counts.shape
    cov_t, cov_k = np.nonzero(counts >= min_count)
    fig = go.Figure([
        go.Heatmap(x=it, y=np.arange(K), z=_f32(share.T), colorscale="Greens", zmin=0, showscale=False,
                   hovertemplate="iteration %{x}<br>mode %{y}<br>share %{z:.2f}<extra></extra>"),
        go.Scatter(x=it[cov_t], y=cov_k, mode="markers", marker=dict(color=BLACK, size=3), name="covered",
                   hoverinfo="skip"),
    ])
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=10, b=40), xaxis_title="iteration",
                      yaxis=dict(title="mode", dtick=1 if K <= 10 else 5), showlegend=False)
    return fig


def modes_over_time(iterations, counts, min_count: int, labels, height: int = 240) -> go.Figure:
    """Modes covered by each seed over iterations (one thin line per seed)."""
    cov = (np.asarray(counts) >= min_count).sum(2)      # [T, seeds]
    it = np.asarray(iterations, dtype=np.float32)
    traces = [dict(type="scatter", x=it, y=_f32(cov[:, s]), mode="lines", name=labels[s],
                   line=dict(width=1.2, color=RUN_COLORS[s % len(RUN_COLORS)]), line_shape="hv")
              for s in range(cov.shape[1])]
    fig = go.Figure(data=traces)
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=10, b=40), xaxis_title="iteration",
                      yaxis_title="modes covered", showlegend=False, uirevision="keep")
    return fig


def point_picker(points, grid: int = 41, half_width: float = 3.0, height: int = 420) -> go.Figure:
    """The custom-data picker: the current points (black) over a faint grid of candidate points. Plotly
    selects only existing markers, so the grid is what a box or lasso selection picks: trace 0 is the
    grid, in [-half_width, half_width]² widened to hold every current point."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2) if len(points) else np.zeros((0, 2))
    lo = min(-half_width, float(pts.min(initial=0.0)) - 0.5)
    hi = max(half_width, float(pts.max(initial=0.0)) + 0.5)
    g = np.round(np.linspace(lo, hi, grid), 3)
    gx, gy = np.meshgrid(g, g)
    fig = go.Figure([
        go.Scatter(x=_f32(gx.ravel()), y=_f32(gy.ravel()), mode="markers", name="candidates",
                   marker=dict(size=7, color="#9aa5b1", opacity=0.25), hoverinfo="x+y"),
        go.Scatter(x=_f32(pts[:, 0]), y=_f32(pts[:, 1]), mode="markers", name="your points",
                   marker=dict(size=9, color="#111111"), hoverinfo="skip"),
    ])
    fig.update_layout(height=height, margin=dict(l=40, r=10, t=30, b=30), dragmode="select", clickmode="event+select",
                      title=dict(text="Drag a box or lasso over the grid to pick new data points", font=dict(size=13)),
                      xaxis=dict(range=[lo - 0.2, hi + 0.2], zeroline=False),
                      yaxis=dict(range=[lo - 0.2, hi + 0.2], zeroline=False, scaleanchor="x"),
                      legend=dict(orientation="h", y=-0.12))
    return fig
