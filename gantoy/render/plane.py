"""Figures of the plane (2-D data and the mode-collapse lab): samples over D with covered and missed modes
and gradient arrows, densities, the generator's manifold, galleries of seeds, which modes when, the point
picker. Pure: arrays in, plotly Figure out."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from gantoy.render.palette import BLACK, GREEN, GREY, RED, RUN_COLORS
from gantoy.render.palette import f32 as _f32


def _arrow_paths(pts, vec, head: float = 0.35, spread: float = 0.45):
    """One polyline of shafts and two-stroke heads for arrows from ``pts`` along ``vec`` (NaN gaps between)."""
    pts, vec = np.asarray(pts, dtype=np.float64), np.asarray(vec, dtype=np.float64)
    end = pts + vec
    ang = np.arctan2(vec[:, 1], vec[:, 0])
    hl = head * np.hypot(vec[:, 0], vec[:, 1])
    h1 = end - hl[:, None] * np.stack([np.cos(ang - spread), np.sin(ang - spread)], 1)
    h2 = end - hl[:, None] * np.stack([np.cos(ang + spread), np.sin(ang + spread)], 1)
    nan = np.full(len(pts), np.nan)
    xs = np.stack([pts[:, 0], end[:, 0], nan, h1[:, 0], end[:, 0], h2[:, 0], nan], 1).ravel()
    ys = np.stack([pts[:, 1], end[:, 1], nan, h1[:, 1], end[:, 1], h2[:, 1], nan], 1).ravel()
    return xs, ys


def mode_markers(centers, counts, min_count, keep_empty: bool = False) -> list:
    """The modes of a mixture marked on a 2-D chart: covered ones circled, missed ones crossed, each with its
    count in the hover ("mode 3: 12 of 2500 samples near it; 31 needed"). ``keep_empty``: both traces even
    when one has no mode (an animation's frames need the same traces)."""
    c = np.asarray(centers, dtype=np.float64)
    counts = np.asarray(counts)
    need = np.broadcast_to(np.asarray(min_count), counts.shape)
    cov = counts >= need
    text = [f"mode {i}: {int(n)} samples within 3σ; {int(m)} needed" for i, (n, m) in enumerate(zip(counts, need))]
    out = []
    for mask, name, sym, col in ((cov, "covered mode", "circle-open", GREEN), (~cov, "missed mode", "x-thin-open", RED)):
        if mask.any() or keep_empty:
            out.append(dict(type="scatter", x=_f32(c[mask, 0]), y=_f32(c[mask, 1]), mode="markers", name=name,
                            text=[t for t, k in zip(text, mask) if k], hovertemplate="%{text}<extra></extra>",
                            marker=dict(symbol=sym, size=16, color=col, line=dict(width=2.5, color=col))))
    return out


def playground(snap, view: str = "samples", manifold=None, arrows=None, height: int = 560,
               n_points: int = 1000, centers=None) -> go.Figure:
    """2-D views: 'samples' (real and generated samples over the D heatmap, with the D = ½ contour for a
    probability D), 'density' (p_g with p_data contours), 'manifold' (the image of a warped z grid over
    p_data). ``n_points`` samples of each kind are drawn (fewer while training live: the browser redraws the
    whole chart each frame); ``arrows`` (points, vectors) from the drawn samples; ``centers``: the data's
    modes, marked covered or missed (snap.mode_counts)."""
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
                                 showscale=False, name="D", hovertemplate="D = %{z:.2f}<extra></extra>"))
        if prob:
            fig.add_trace(go.Contour(x=cx, y=cy, z=_f32(snap.d.T), showscale=False, autocontour=False,
                                     contours=dict(coloring="none", start=0.5, end=0.5, size=1), name="D = ½",
                                     line=dict(color="#555555", width=1.5, dash="dash"), hoverinfo="skip",
                                     showlegend=True))
    if view == "manifold" and manifold is not None:
        xs, ys = [], []
        for line in manifold:
            xs += list(line[:, 0]) + [None]
            ys += list(line[:, 1]) + [None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=GREEN, width=1), name="G(z grid)"))
    if view in ("samples", "manifold"):
        r = snap.real[:n_points]
        fig.add_trace(go.Scatter(x=_f32(r[:, 0]), y=_f32(r[:, 1]), mode="markers", name="data",
                                 marker=dict(color=BLACK, size=3), hoverinfo="skip"))
    if view == "samples":
        f = snap.fake[:n_points]
        fig.add_trace(go.Scatter(x=_f32(f[:, 0]), y=_f32(f[:, 1]), mode="markers", name="generated",
                                 marker=dict(color=GREEN, size=3), hoverinfo="skip"))
        if arrows is not None:
            xs, ys = _arrow_paths(*arrows)
            fig.add_trace(go.Scatter(x=_f32(xs), y=_f32(ys), mode="lines", line=dict(color=BLACK, width=1.6),
                                     name="−∇ G's loss", hoverinfo="skip"))
    if centers is not None and snap.mode_counts is not None:
        for t in mode_markers(centers, snap.mode_counts, snap.min_count):
            fig.add_trace(t)
    # equal scales whatever the container's width: a ring must look round
    fig.update_xaxes(range=[float(cx[0]), float(cx[-1])], constrain="domain")
    fig.update_yaxes(range=[float(cy[0]), float(cy[-1])], scaleanchor="x", scaleratio=1, constrain="domain")
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=10, b=10), uirevision="keep",
                      legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0), plot_bgcolor="white")
    return fig


HIST_BINS = 80    # a 1-D gallery panel's histogram: bars over its x range


def gallery_view(centers):
    """(lo, hi) per axis of a gallery panel for these mode centres: their span, 1 beyond each side."""
    c = np.asarray(centers, dtype=np.float64).reshape(len(centers), -1)
    return c.min(0) - 1.0, c.max(0) + 1.0


def gallery_edges(centers, bins: int = HIST_BINS):
    """The bin edges of a 1-D gallery panel's histogram over its view (``bins`` bars: gallery's own by default)."""
    lo, hi = gallery_view(centers)
    return np.linspace(lo[0], hi[0], bins + 1)


def gallery(samples, centers, labels, cols: int = 5, height_per_row: int = 230, color: str = GREEN,
            counts=None, min_count=None, fixed_traces: bool = False) -> go.Figure:
    """Final samples of every seed as panels with equal axis scales (a ring looks round); samples green (or
    ``color``, e.g. black for data). With ``counts`` (one [modes] array per panel) and ``min_count`` each
    panel marks its modes covered (green circle) or missed (red cross); otherwise the modes are grey circles.
    1-D samples are drawn as a histogram per panel. ``fixed_traces``: the same traces whatever is covered (an
    animation's frames, render/studyanim.html)."""
    samples = np.asarray(samples)
    n = len(samples)
    cols = max(1, min(cols, n))
    rows = (n + cols - 1) // cols
    c = np.asarray(centers, dtype=np.float64).reshape(len(centers), -1)
    lo, hi = gallery_view(c)
    traces, layout, annotations = [], {}, []
    for i in range(n):
        r, q = divmod(i, cols)
        ax = "" if i == 0 else str(i + 1)
        xd = [q / cols + 0.01, (q + 1) / cols - 0.01]
        yd = [1 - (r + 1) / rows + 0.02, 1 - r / rows - 0.07]
        layout[f"xaxis{ax}"] = dict(domain=xd, anchor=f"y{ax}", range=[lo[0], hi[0]], showticklabels=False,
                                    constrain="domain")
        s = samples[i]
        if s.shape[1] == 2:
            layout[f"yaxis{ax}"] = dict(domain=yd, anchor=f"x{ax}", range=[lo[1], hi[1]], showticklabels=False,
                                        scaleanchor=f"x{ax}", scaleratio=1, constrain="domain")
            sub = s[:800]
            traces.append(dict(type="scatter", x=_f32(sub[:, 0]), y=_f32(sub[:, 1]), mode="markers",
                               marker=dict(color=color, size=2.5), xaxis=f"x{ax}", yaxis=f"y{ax}", hoverinfo="skip"))
            if counts is not None:
                for t in mode_markers(c, counts[i], min_count, keep_empty=fixed_traces):
                    t.update(xaxis=f"x{ax}", yaxis=f"y{ax}", marker={**t["marker"], "size": 9})
                    traces.append(t)
            else:
                traces.append(dict(type="scatter", x=_f32(c[:, 0]), y=_f32(c[:, 1]), mode="markers",
                                   marker=dict(color=GREY, size=9, symbol="circle-open", line=dict(width=1.5)),
                                   xaxis=f"x{ax}", yaxis=f"y{ax}", hoverinfo="skip"))
        else:
            layout[f"yaxis{ax}"] = dict(domain=yd, anchor=f"x{ax}", showticklabels=False)
            # explicit bins (HIST_BINS over the x range), so a caller can count the bars plotly draws
            traces.append(dict(type="histogram", x=_f32(s[:, 0]), marker=dict(color=color),
                               xbins=dict(start=float(lo[0]), end=float(hi[0]), size=float(hi[0] - lo[0]) / HIST_BINS),
                               xaxis=f"x{ax}", yaxis=f"y{ax}", hoverinfo="skip"))
        annotations.append(dict(text=labels[i], x=np.mean(xd), y=yd[1] + 0.005, xref="paper", yref="paper",
                                showarrow=False, yanchor="bottom", font=dict(size=12)))
    fig = go.Figure(data=traces)
    fig.update_layout(height=max(200, rows * height_per_row + 20), showlegend=False, plot_bgcolor="white",
                      margin=dict(l=5, r=5, t=24, b=5), annotations=annotations, **layout)
    return fig


def mode_timeline(iterations, counts, min_count, height: int = 260) -> go.Figure:
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


def modes_over_time(iterations, counts, min_count, labels, height: int = 260) -> go.Figure:
    """Modes covered by each seed over iterations (one thin line per seed, named in the legend)."""
    cov = (np.asarray(counts) >= min_count).sum(2)      # [T, seeds]
    it = np.asarray(iterations, dtype=np.float32)
    traces = [dict(type="scatter", x=it, y=_f32(cov[:, s]), mode="lines", name=labels[s],
                   line=dict(width=1.2, color=RUN_COLORS[s % len(RUN_COLORS)]), line_shape="hv")
              for s in range(cov.shape[1])]
    fig = go.Figure(data=traces)
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=10, b=40), xaxis_title="iteration",
                      yaxis_title="modes covered", showlegend=True, uirevision="keep",
                      legend=dict(title=dict(text="seed"), font=dict(size=11)))
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
