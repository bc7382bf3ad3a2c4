"""Pure figure functions: Snapshot / metric history -> plotly Figure. No training, no streamlit.

Figure 1 style (Goodfellow et al. 2014, caption): p_data black dotted, p_g green solid, D blue
dashed; D* thin grey; the lower line is the noise domain, the upper line part of the x domain, and
the arrows x = G(z) show the map contracting where p_g is high and expanding where it is low.
Arrays are sent as float32 to keep each frame's payload small.
"""
from __future__ import annotations

import math

import numpy as np
import plotly.colors
import plotly.graph_objects as go
from scipy import special

from gantoy.core.fgan import LOG4
from gantoy.render import plane
from gantoy.render.palette import BLACK, BLUE, GREEN, GREY, RUN_COLORS
from gantoy.render.palette import f32 as _f32

# what each curve is, shown when the pointer is on it (legend entries of plotly cannot carry a tooltip)
HOVER = {
    "p_data": "p_data(%{x:.2f}) = %{y:.3f}: the data density<extra>p_data</extra>",
    "p_g": "p_g(%{x:.2f}) = %{y:.3f}: the generator's density, the exact push-forward of the noise<extra>p_g</extra>",
    "d": "D(%{x:.2f}) = %{y:.3f}: the discriminator now<extra>D</extra>",
    "d_star": "D*(%{x:.2f}) = %{y:.3f}: the best D for this G (Proposition 1)<extra>D*</extra>",
}
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
             line=dict(color=BLACK, dash="dot", width=2.5), hovertemplate=HOVER["p_data"]),
        dict(type="scatter", x=x, y=_f32(snap.p_g)[sl], name="p_g", mode="lines", line=dict(color=GREEN, width=2.5),
             hovertemplate=HOVER["p_g"]),
        dict(type="scatter", x=x, y=_f32(snap.d)[sl], name="D(x)" if prob else snap.d_label, mode="lines",
             yaxis="y2", line=dict(color=BLUE, dash="dash", width=2.5), hovertemplate=HOVER["d"]),
    ]
    if snap.d_star is not None:
        traces.append(dict(type="scatter", x=x, y=_f32(snap.d_star)[sl], name="D*(x)", mode="lines", yaxis="y2",
                           connectgaps=False, line=dict(color=GREY, width=1), hovertemplate=HOVER["d_star"]))
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
    # p_g (5 % or more) beyond the chart's x range: say so, or the chart reads as if G had no samples. Always present
    # (empty when p_g is on the chart): an HTML animation keeps annotations a later frame lacks
    note = off_chart_note((getattr(snap, "metrics", None) or {}).get("mass_outside", 0.0), snap.gz, lo, hi)
    layout["annotations"].append(dict(x=0.5, y=0.98, xref="paper", yref="paper", showarrow=False, text=note,
                                      font=dict(color=GREEN), bgcolor="rgba(255,255,255,0.8)"))
    return go.Figure(dict(data=traces, layout=layout), skip_invalid=False)


def off_chart_note(mass_outside: float, gz, lo: float, hi: float) -> str:
    """"N % of p_g lies left of the chart" when 5 % or more of p_g is beyond the x range [lo, hi] (the side from the
    median of G's arrows ``gz``), else "": without it a chart reads as if G had no samples."""
    if not (mass_outside is not None and math.isfinite(mass_outside) and mass_outside >= 0.05):
        return ""      # (NaN: a diverged G, whose mass is not known)
    mid = float(np.nanmedian(gz)) if gz is not None and len(gz) else 0.5 * (lo + hi)
    where = "left of" if mid < lo else "right of" if mid > hi else "outside"
    return f"{100 * mass_outside:.0f} % of p_g lies {where} the chart"


# key -> (name, colour, what it is: shown when the pointer is on the curve)
HISTORY_SERIES = {
    "js": ("JS(p_data‖p_g)", GREEN, "Jensen–Shannon divergence, nats (0 … log 2)"),
    "kl_data_g": ("KL(p_data‖p_g)", "#8c564b", "KL(p_data‖p_g), nats; a gap where it is ∞"),
    "kl_g_data": ("KL(p_g‖p_data)", "#e377c2", "KL(p_g‖p_data), nats; a gap where it is ∞"),
    "w1": ("W1", "#ff7f0e", "Wasserstein-1 distance, data units"),
    "tv": ("TV", "#17becf", "total variation (0 … 1)"),
    "hellinger2": ("H²", "#bcbd22", "squared Hellinger distance (0 … 1)"),
    "d_star_err": ("|D − D*|", BLUE, "how far D is from the best D for this G (0: D = D*)"),
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
        name, color, what = HISTORY_SERIES.get(k, (k, None, k))
        y = _f32(y)
        traces.append(dict(type="scatter", x=it, y=y, name=name, mode="lines",
                           line=dict(color=color) if color else {},
                           hovertemplate=f"{name} = %{{y:.4g}} at iteration %{{x}}: {what}<extra></extra>"))
        ys.append(y)
        if floors and floors.get(k, 0) > 0 and len(it):
            band = [0, 0, floors[k], floors[k]]
            # each band in its metric's colour, its top edge dashed: two grey bands one inside the other read
            # as one, and which floor was which could not be told
            traces.append(dict(type="scatter", x=[it[0], it[-1], it[-1], it[0]], y=band, fill="toself",
                               mode="lines", fillcolor=_rgba(color, 0.12), name=f"{name} noise floor",
                               line=dict(color=_rgba(color, 0.7), width=1, dash="dash"),
                               showlegend=False, hoveron="fills",
                               hovertemplate=f"{name} noise floor {floors[k]:.3g}: what the estimator gives for fresh "
                                             "samples of p_data itself<extra></extra>"))
            ys.append(np.asarray(band, dtype=np.float64))   # the noise-floor bands are framed too
    layout = dict(height=height, margin=dict(l=50, r=10, t=10, b=40), uirevision="keep",
                  legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
                  xaxis=dict(title=dict(text="iteration")), yaxis=dict(type="log" if log_y else "linear"))
    _fix_ranges(layout, it, np.concatenate(ys) if ys else np.zeros(0), log_y)
    return go.Figure(dict(data=traces, layout=layout), skip_invalid=False)


def _rgba(color, alpha: float) -> str:
    """'#rrggbb' (or None: grey) as an rgba() string with ``alpha``."""
    if not color:
        return f"rgba(128,128,128,{alpha})"
    r, g, b = plotly.colors.hex_to_rgb(color)
    return f"rgba({r},{g},{b},{alpha})"


def _decades(span: float) -> int | None:
    """A log axis's tick step over ``span`` decades: one label a decade, at most about seven labels; None under
    two decades (plotly's own ticks: decades alone would give one label or none)."""
    return max(1, int(np.ceil(span / 7))) if span >= 2 else None


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
    if log_y and _decades(hi - lo + 2 * pad):
        # decades only (plotly's 2 and 5 between them crowded a narrow chart), every few decades over a wide span
        layout["yaxis"]["dtick"] = _decades(hi - lo + 2 * pad)


def value_history(rows, optimum_label: str = "C(G) = −log 4 + 2·JS", equilibrium: float | None = -LOG4,
                  height=260) -> go.Figure:
    """V(D, G) next to what it is compared with (``v_star`` of the rows: V at D* — for the GAN C(G) =
    −log 4 + 2·JS, Theorem 1 — or for a critic the W1 it estimates); equal when D = D*. A grey line at the
    value of p_g = p_data (``equilibrium``: −log 4 for the GAN)."""
    it = np.array([r["iteration"] for r in rows], dtype=np.float32)
    v = np.array([r.get("value", np.nan) for r in rows], dtype=np.float32)
    c = np.array([r.get("v_star", np.nan) for r in rows], dtype=np.float32)
    traces = [
        dict(type="scatter", x=it, y=v, name="V(D, G)", mode="lines", line=dict(color=BLUE),
             hovertemplate="V(D, G) = %{y:.4f}: the value of the current D<extra></extra>"),
        dict(type="scatter", x=it, y=c, name=optimum_label, mode="lines", line=dict(color=BLACK, dash="dot"),
             hovertemplate=optimum_label + " = %{y:.4f}: V at the best D for this G<extra></extra>"),
    ]
    layout = dict(
        height=height, margin=dict(l=50, r=10, t=10, b=40), uirevision="keep",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0), xaxis=dict(title=dict(text="iteration")),
    )
    ys = [v, c]
    if equilibrium is not None:
        # the p_g = p_data line across the plot, named in the legend (a label on the line sat on the curves, which
        # end on it)
        ends = [float(it[0]), float(it[-1])] if len(it) else [0.0, 1.0]
        traces.append(dict(type="scatter", x=ends, y=[equilibrium] * 2, name=f"p_g = p_data: {equilibrium:.3f}",
                           mode="lines", line=dict(color=GREY, width=1), hoverinfo="skip"))
        ys.append(np.array([equilibrium], dtype=np.float32))
    _fix_ranges(layout, it, np.concatenate(ys))
    return go.Figure(dict(data=traces, layout=layout), skip_invalid=False)


# ---- compare and mode-collapse labs ------------------------------------------------------------
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
        if k == "modes":
            layout[f"yaxis{ax}"]["rangemode"] = "tozero"    # a mode count is never negative
        last_it, pos = 0.0, []
        for i, (rows, lbl) in enumerate(zip(histories, labels)):
            it = np.array([r["iteration"] for r in rows], dtype=np.float32)
            y = np.array([r.get(k, np.nan) for r in rows], dtype=np.float64)
            y[~np.isfinite(y)] = np.nan
            pos.append(y[y > 0])
            last_it = max(last_it, float(it[-1]) if len(it) else 0.0)
            # (one recorded moment, before training: a line of one point draws nothing, the panels looked empty)
            # (runs that start equal share a dot: each later run's is smaller, so the ones under it show as rings)
            traces.append(dict(type="scatter", x=it, y=_f32(y), mode="lines" if len(it) > 1 else "markers",
                               name=lbl, legendgroup=lbl,
                               showlegend=j == 0, line=dict(color=RUN_COLORS[i % len(RUN_COLORS)], width=2),
                               marker=dict(size=max(5, 16 - 5 * i), color=RUN_COLORS[i % len(RUN_COLORS)]),
                               cliponaxis=len(it) > 1,     # a dot at 0 modes whole, not half under the axis
                               xaxis=f"x{ax}", yaxis=f"y{ax}"))
        if last_it == 0:    # before training: iterations from 0 on, not plotly's −1..1 around one point
            layout[f"xaxis{ax}"]["range"] = [-1, 10]
        fl = (floors or {}).get(k, 0) or 0
        span = np.concatenate(pos + [np.array([fl / 20])] if fl > 0 else pos)
        step = _decades(np.log10(span.max() / span.min())) if k != "modes" and span.size else None
        if step:   # decades only (as metrics_history): "2 5 0.1 5 2" crowded a panel
            layout[f"yaxis{ax}"]["dtick"] = step
        if k != "modes" and fl > 0:
            end = last_it if last_it > 0 else 10     # before training: across the panel's 0..10, not 0 wide
            traces.append(dict(type="scatter", x=[0, end, end, 0], y=[fl / 20, fl / 20, fl, fl],
                               fill="toself", mode="none", fillcolor="rgba(128,128,128,0.18)", hoverinfo="skip",
                               name="noise floor", showlegend=False, xaxis=f"x{ax}", yaxis=f"y{ax}"))
    fig = go.Figure(data=traces)
    fig.update_layout(height=height, margin=dict(l=50, r=10, t=10, b=40), uirevision="keep",
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0), **layout)
    return fig


def small_multiple(snap, title: str, noise: str = "normal", height: int = 300, title_size: int = 13) -> go.Figure:
    """One run of a comparison: the Figure 1 picture (1-D) or samples over D (2-D), titled."""
    if snap.dim == 1:
        fig = figure1(snap, noise=noise, height=height)
    else:
        fig = plane.playground(snap, view="samples", height=height, n_points=500)
    fig.update_layout(title=dict(text=title, x=0.01, y=0.99, font=dict(size=title_size)), margin=dict(t=28),
                      showlegend=False)
    return fig
