"""Pure figure functions for the theory labs (divergences explorer, optimal transport, conditional
sampling): numbers in, plotly Figure out. No streamlit, no training."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gantoy.render.palette import BLACK, BLUE, GREEN, GREY, RED
from gantoy.render.palette import f32 as _f32

ORANGE = "#e07b00"
PALETTE = [GREEN, BLUE, RED, ORANGE, "#8c4fd1", "#1aa3a3", "#b5469b", "#6b6b00", GREY]


def _layout(fig, height, **kw):
    fig.update_layout(height=height, margin=dict(l=50, r=20, t=40, b=40), template="plotly_white",
                      legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0), **kw)
    return fig


# ---- divergences explorer -------------------------------------------------------------------------
def densities_integrand(x, p, q, integrand, label: str, height: int = 480) -> go.Figure:
    """P (black dotted) and Q (green) on top; below, the integrand of the chosen divergence along x
    (orange; its area is the divergence). Infinite integrand values are marked with red ticks."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.6, 0.4], vertical_spacing=0.08,
                        subplot_titles=("densities", f"integrand of {label}"))
    fig.add_trace(go.Scatter(x=_f32(x), y=_f32(p), name="P", line=dict(color=BLACK, dash="dot", width=2.5)), 1, 1)
    fig.add_trace(go.Scatter(x=_f32(x), y=_f32(q), name="Q", line=dict(color=GREEN, width=2.5)), 1, 1)
    v = np.asarray(integrand, dtype=np.float64)
    inf = ~np.isfinite(v)
    fig.add_trace(go.Scatter(x=_f32(x), y=_f32(np.where(inf, np.nan, v)), name=label, fill="tozeroy",
                             line=dict(color=ORANGE, width=1.5)), 2, 1)
    if inf.any():
        ticks = np.asarray(x)[inf][::max(1, inf.sum() // 60)]  # at most ~60 tick marks
        fig.add_trace(go.Scatter(x=_f32(ticks), y=np.zeros(len(ticks), dtype=np.float32), mode="markers",
                                 marker=dict(symbol="line-ns-open", size=14, color=RED), name="+∞ (mass where the other has none)"), 2, 1)
    fig.update_xaxes(title_text="x", row=2, col=1)
    return _layout(fig, height)


def divergence_curves(shifts, sweep: dict, labels: dict, current: float, ymax: float = 4.0,
                      height: int = 420) -> go.Figure:
    """Each divergence against the shift θ of Q (one line each; values above ``ymax`` leave the chart,
    infinite values are gaps); a vertical line at the current θ."""
    fig = go.Figure()
    for i, (k, vals) in enumerate(sweep.items()):
        v = np.asarray(vals, dtype=np.float64)
        name = labels.get(k, k) + (" (∞ at every shift: no curve)" if v.size and not np.isfinite(v).any() else "")
        fig.add_trace(go.Scatter(x=_f32(shifts), y=_f32(np.where(np.isfinite(v), v, np.nan)), name=name,
                                 line=dict(color=PALETTE[i % len(PALETTE)], width=2), connectgaps=False))
    fig.add_vline(x=current, line=dict(color=GREY, dash="dash"))
    fig.update_xaxes(title_text="shift θ of Q")
    fig.update_yaxes(title_text="nats (W1: distance)", range=[0, ymax])
    return _layout(fig, height)


def example1(thetas, js, w1, theta: float, height: int = 380) -> go.Figure:
    """WGAN Example 1 as Arjovsky et al. (2017, Figure 1) draw it: the two segments P₀ = (0, Z) and
    P_θ = (θ, Z); W1 = |θ| against θ (a V with a gradient everywhere); JS against θ (flat at log 2 except
    0 at θ = 0: no gradient). P_θ is drawn as P<sub>θ</sub>: plotly shows an underscore as it is, and Unicode has
    no subscript θ."""
    fig = make_subplots(rows=1, cols=3, subplot_titles=("P₀ and P<sub>θ</sub>", "W1(P₀, P<sub>θ</sub>)", "JS(P₀, P<sub>θ</sub>)"),
                        horizontal_spacing=0.08)
    z = np.linspace(0, 1, 30)
    fig.add_trace(go.Scatter(x=np.zeros(30), y=z, mode="lines+markers", name="P₀ = (0, Z)",
                             line=dict(color=BLACK, dash="dot"), marker=dict(size=4)), 1, 1)
    fig.add_trace(go.Scatter(x=np.full(30, theta), y=z, mode="lines+markers", name="P<sub>θ</sub> = (θ, Z)",
                             line=dict(color=GREEN), marker=dict(size=4)), 1, 1)
    fig.update_xaxes(range=[min(-1.05, theta - 0.1), max(1.05, theta + 0.1)], row=1, col=1)
    fig.add_trace(go.Scatter(x=_f32(thetas), y=_f32(w1), name="W1", line=dict(color=BLUE, width=2.5),
                             showlegend=False), 1, 2)     # the panels' titles name W1 and JS
    js = np.asarray(js, dtype=np.float64)
    fig.add_trace(go.Scatter(x=_f32(thetas), y=_f32(js), name="JS", mode="markers",
                             marker=dict(color=RED, size=5), showlegend=False), 1, 3)
    for c in (2, 3):
        fig.add_vline(x=theta, line=dict(color=GREY, dash="dash"), row=1, col=c)
        fig.update_xaxes(title_text="θ", row=1, col=c)
    fig.update_yaxes(range=[-0.05, 1.1], row=1, col=2)
    fig.update_yaxes(range=[-0.05, 0.8], row=1, col=3)
    # the legend under the panels: above them it sat on the first panel's title
    return _layout(fig, height).update_layout(legend=dict(y=-0.2, yanchor="top"), margin=dict(b=70))


def _two(v: float) -> str:
    """Two decimals, never "-0.00" (a fit at -2e-7 is at 0)."""
    return f"{round(float(v), 2) + 0.0:.2f}"


def gaussian_fits(x, p, fits: dict, trained: dict | None = None, height: int = 420) -> go.Figure:
    """P (black dotted) and the best single Gaussian for each divergence (solid: direct minimisation;
    dashed: trained f-GAN)."""
    fig = go.Figure()
    x = np.asarray(x, dtype=np.float64)
    fig.add_trace(go.Scatter(x=_f32(x), y=_f32(p), name="P", line=dict(color=BLACK, dash="dot", width=3)))
    for i, (label, (mu, s)) in enumerate(fits.items()):
        col = PALETTE[i % len(PALETTE)]
        fig.add_trace(go.Scatter(x=_f32(x), y=_f32(np.exp(-0.5 * ((x - mu) / s) ** 2) / (s * math.sqrt(2 * math.pi))),
                                 name=f"{label}: μ={_two(mu)}, σ={_two(s)}", line=dict(color=col, width=2)))
        if trained and label in trained:
            mu2, s2 = trained[label]
            fig.add_trace(go.Scatter(x=_f32(x), y=_f32(np.exp(-0.5 * ((x - mu2) / s2) ** 2) / (s2 * math.sqrt(2 * math.pi))),
                                     name=f"{label} (f-GAN): μ={_two(mu2)}, σ={_two(s2)}",
                                     line=dict(color=col, width=2, dash="dash")))
    fig.update_xaxes(title_text="x")
    return _layout(fig, height, legend_font_size=11)


# ---- optimal transport ----------------------------------------------------------------------------
def _mass_size(w):
    w = np.asarray(w, dtype=np.float64)
    return 6 + 24 * np.sqrt(w / max(w.max(), 1e-300))


def ot_plan(x, y, p, q, plan, potential=None, height: int = 480) -> go.Figure:
    """The optimal plan γ as segments from P's points (black) to Q's (green), width and opacity by γ_ij;
    marker area by mass. 1-D points are drawn on two lines (P below at 0, Q above at 1), like Figure 1's
    noise-to-data arrows; 2-D points where they are, over the Kantorovich–Rubinstein potential
    ``potential`` = (gx, gy, φ on the grid) as a heatmap when given."""
    x, y, plan = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64), np.asarray(plan)
    one_d = x.shape[1] == 1
    px = np.c_[x[:, 0], np.zeros(len(x))] if one_d else x
    qy = np.c_[y[:, 0], np.ones(len(y))] if one_d else y
    fig = go.Figure()
    if potential is not None and not one_d:
        gx, gy, phi = potential
        fig.add_trace(go.Heatmap(x=_f32(gx), y=_f32(gy), z=_f32(np.asarray(phi).T), colorscale="RdBu", opacity=0.55,
                                 colorbar=dict(title="φ(x)", len=0.8), name="KR potential φ"))
    top = plan.max() if plan.size else 1.0
    # one trace per opacity band keeps the number of traces small however many pairs move mass
    bands = np.linspace(0, top, 5)
    for lo, hi in zip(bands[:-1], bands[1:]):
        ii, jj = np.nonzero((plan > max(lo, 1e-12 * top)) & (plan <= hi))
        if len(ii) == 0:
            continue
        xs = np.stack([px[ii, 0], qy[jj, 0], np.full(len(ii), np.nan)], 1).ravel()
        ys = np.stack([px[ii, 1], qy[jj, 1], np.full(len(ii), np.nan)], 1).ravel()
        level = hi / top
        fig.add_trace(go.Scatter(x=_f32(xs), y=_f32(ys), mode="lines", showlegend=False, hoverinfo="skip",
                                 line=dict(color=f"rgba(31,79,209,{0.25 + 0.7 * level:.2f})", width=1 + 4 * level)))
    fig.add_trace(go.Scatter(x=_f32(px[:, 0]), y=_f32(px[:, 1]), mode="markers", name="P (mass ∝ area)",
                             marker=dict(color=BLACK, size=_mass_size(p)), text=[f"p={w:.3g}" for w in p]))
    fig.add_trace(go.Scatter(x=_f32(qy[:, 0]), y=_f32(qy[:, 1]), mode="markers", name="Q",
                             marker=dict(color=GREEN, size=_mass_size(q), symbol="diamond"), text=[f"q={w:.3g}" for w in q]))
    if one_d:
        fig.update_yaxes(tickvals=[0, 1], ticktext=["P", "Q"], range=[-0.3, 1.3])
        fig.update_xaxes(title_text="x")
    else:
        fig.update_yaxes(scaleanchor="x", scaleratio=1)
        if potential is not None:   # the axes end where φ was computed (the equal aspect widened x past it)
            fig.update_xaxes(range=[float(gx[0]), float(gx[-1])], constrain="domain")
            fig.update_yaxes(range=[float(gy[0]), float(gy[-1])], constrain="domain")
    return _layout(fig, height)


def ot_matrices(C, plan, height: int = 340) -> go.Figure:
    """The cost matrix c_ij and the plan γ_ij side by side (rows: P's points, columns: Q's)."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=("cost c_ij", "plan γ_ij"), horizontal_spacing=0.12)
    fig.add_trace(go.Heatmap(z=_f32(C), colorscale="Greys", showscale=False), 1, 1)
    fig.add_trace(go.Heatmap(z=_f32(plan), colorscale="Blues", showscale=False), 1, 2)
    for c in (1, 2):
        fig.update_yaxes(autorange="reversed", title_text="i (P)" if c == 1 else None, row=1, col=c)
        fig.update_xaxes(title_text="j (Q)", row=1, col=c)
    return _layout(fig, height)


def ot_cdfs(t, fp, fq, height: int = 320) -> go.Figure:
    """1-D: the two CDFs as step functions; the shaded area between them is W1."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=_f32(t), y=_f32(fp), name="F_P", line=dict(color=BLACK, shape="hv", width=2)))
    fig.add_trace(go.Scatter(x=_f32(t), y=_f32(fq), name="F_Q (area between = W1)", line=dict(color=GREEN, shape="hv", width=2),
                             fill="tonexty", fillcolor="rgba(31,79,209,0.2)"))
    fig.update_xaxes(title_text="x")
    fig.update_yaxes(range=[0, 1.05])
    return _layout(fig, height)


def kr_potential_1d(gx, phi, x, fx, height: int = 300) -> go.Figure:
    """1-D: the Kantorovich–Rubinstein potential φ (slope within ±1) with the duals f_i at P's points."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=_f32(gx), y=_f32(phi), name="φ(x) = min_j |x − y_j| − g_j", line=dict(color=BLUE, width=2)))
    fig.add_trace(go.Scatter(x=_f32(x), y=_f32(fx), mode="markers", name="f_i (LP dual at P's points)",
                             marker=dict(color=BLACK, size=8)))
    fig.update_xaxes(title_text="x")
    return _layout(fig, height)


# ---- conditional sampling -------------------------------------------------------------------------
def cond_joint(c_true, y_true, c_gen, y_gen, x0: float | None = None, height: int = 420) -> go.Figure:
    """Fork: data (black) and generated (green) points of the joint (x, y), a line at the chosen x0.
    Classes: two panels, data and generated, coloured by class."""
    if np.asarray(y_true).shape[1] == 1:
        fig = go.Figure()
        fig.add_trace(go.Scattergl(x=_f32(c_true[:, 0]), y=_f32(y_true[:, 0]), mode="markers", name="data",
                                   marker=dict(color=BLACK, size=3, opacity=0.35)))
        fig.add_trace(go.Scattergl(x=_f32(c_gen[:, 0]), y=_f32(y_gen[:, 0]), mode="markers", name="generated",
                                   marker=dict(color=GREEN, size=3, opacity=0.5)))
        if x0 is not None:
            fig.add_vline(x=x0, line=dict(color=BLUE, dash="dash"))
        fig.update_xaxes(title_text="condition x")
        fig.update_yaxes(title_text="y")
        return _layout(fig, height)
    fig = make_subplots(rows=1, cols=2, subplot_titles=("data", "generated"), horizontal_spacing=0.08)
    for col, (c, y) in enumerate(((c_true, y_true), (c_gen, y_gen)), start=1):
        lab = np.asarray(c).argmax(1)
        for k in range(np.asarray(c).shape[1]):
            m = lab == k
            fig.add_trace(go.Scattergl(x=_f32(y[m, 0]), y=_f32(y[m, 1]), mode="markers", name=f"class {k}",
                                       legendgroup=str(k), showlegend=col == 1,
                                       marker=dict(color=PALETTE[k], size=3, opacity=0.5)), 1, col)
        fig.update_xaxes(range=[-2.8, 2.8], row=1, col=col)
        fig.update_yaxes(range=[-2.8, 2.8], scaleanchor=f"x{col if col > 1 else ''}", row=1, col=col)
    return _layout(fig, height)


def cond_density(ys, pdf_true, samples, x0: float, height: int = 320) -> go.Figure:
    """p(y | x0): the true conditional density (black dotted) against a histogram of G's samples (green)."""
    fig = go.Figure()
    fig.add_trace(go.Histogram(x=_f32(samples), histnorm="probability density", name="G(η, x0)",
                               marker=dict(color=GREEN), opacity=0.55, nbinsx=60))
    fig.add_trace(go.Scatter(x=_f32(ys), y=_f32(pdf_true), name="true p(y | x0)", line=dict(color=BLACK, dash="dot", width=2.5)))
    fig.update_xaxes(title_text=f"y at x0 = {x0:+.2f}")
    return _layout(fig, height)
