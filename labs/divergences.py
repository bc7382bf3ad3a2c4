"""Divergences explorer: every f-divergence, JS and W1 between two 1-D distributions, as numbers, as
curves against a shift of Q, and the integrand under the densities; WGAN Example 1; fitting one
Gaussian by each divergence (mode covering vs mode seeking)."""
import math

import numpy as np
import pandas as pd
import streamlit as st

from gantoy.render import tables
from gantoy.render import theory as V
from gantoy.theory import explorer as E
from gantoy.theory import gaussfit as GF
from gantoy.ui import lessonmode as LM
from gantoy.ui import links as UL

PAGE = "labs/divergences.py"
NAME = "divergences"   # (lesson mode: this lab's controls, lessons/lessonmode.py)
COLS = {"position": "mean (gauss) / left end (strips)", "width": "std (gauss) / width (strips)", "weight": "relative weight"}
SHORT = {"position": ("at", 48), "width": ("width", 62), "weight": ("wt", 48)}   # sidebar table: header, px


@st.cache_data(show_spinner=False)
def _compare(p, q):
    return E.compare(p, q)


@st.cache_data(show_spinner=False)
def _sweep(p, q):
    shifts = np.linspace(-6, 6, 121)
    return shifts, E.sweep(p, q, shifts, n=2000)


@st.cache_data(show_spinner=False)
def _example1_curves():
    thetas = np.round(np.linspace(-1, 1, 81), 6)
    rows = [E.example1(t) for t in thetas]
    return thetas, np.array([r["js"] for r in rows]), np.array([r["w1"] for r in rows])


@st.cache_data(show_spinner=False)
def _fit(p, div):
    return GF.fit_gaussian(p, div)


def _fmt(v, grows=False):
    if not math.isfinite(v):
        return "∞"
    return f"≥ {v:.4g}" if grows else f"{v:.4g}"


GROWS = ("≥: the value still grows when the quadrature range widens — heavy tails carry much of the integral, or "
         "it diverges (Pearson χ² between Gaussians is ∞ when σ_Q² ≤ σ_P²/2).")


def _table(key, spec):
    """An editable component table; returns a distribution, or None with an st.error (the last good one is kept)."""
    kind, pos, wid, wt = spec
    kind = st.radio("Kind", ["gauss", "strips"], index=["gauss", "strips"].index(kind), key=f"div:{key}:kind",
                    horizontal=True, **LM.locked(NAME, "tables", help="gauss: a mixture of Gaussians; strips: a "
                                                 "mixture of uniform intervals"))
    df = st.data_editor(pd.DataFrame({"position": pos, "width": wid, "weight": wt}), num_rows="dynamic",
                        key=f"div:{key}:table", hide_index=True, width="stretch", disabled=not show("tables"),
                        # short headers, narrow: three "small" columns and the row selector overflowed the sidebar
                        # (the weights were cut off); the tooltips say what each is
                        column_config={k: st.column_config.NumberColumn(SHORT[k][0], help=h, width=SHORT[k][1],
                                                                        format="%.3g")
                                       for k, h in COLS.items()})
    try:
        d = E.make(kind, *(pd.to_numeric(df[c], errors="coerce").tolist() for c in COLS))
    except ValueError as e:
        st.error(f"{key}: {e}. The last valid {key} is kept.")
        return st.session_state.get(f"div:{key}:good")
    st.session_state[f"div:{key}:good"] = d
    return d


url0, first = UL.link_params(PAGE)
show = LM.open_page(NAME, PAGE, url0, first)
SS = st.session_state
# the settings a link carries besides the bound lesson (a lesson link locks them at the teacher's values); the
# shapes of P and Q edited below and the curves picked are not carried (the caption of Share this lesson says so)
SETTINGS = {"div:which": UL.one_of(list(E.DIVERGENCES)), "div:ymax": UL.number_in(0.5, 20.0)}
SS.setdefault("div:which", list(E.DIVERGENCES)[0])
SS.setdefault("div:ymax", 4.0)
SS.update(UL.restore_settings(PAGE, url0, first, SETTINGS))
LM.header(NAME, "Divergences explorer")
st.caption("Two 1-D distributions P and Q; every divergence of the f-GAN table, Jensen–Shannon and Wasserstein-1 "
           "between them, computed by quadrature on 4000 cells (exact cell masses, so tails never round to zero).")

preset = st.sidebar.selectbox("Lesson", list(E.PRESETS), key="div:preset", bind="query-params",
                              **LM.locked(NAME, "lesson"))
p_spec, q_spec, theta0 = E.PRESETS[preset]
if st.session_state.get("div:loaded") != preset:  # a new lesson: fresh tables and its opening shift
    for k in [k for k in st.session_state if str(k).startswith(("div:P:", "div:Q:"))]:
        del st.session_state[k]
    st.session_state["div:theta"] = theta0
    st.session_state["div:scale"] = 1.0
    st.session_state["div:loaded"] = preset
with st.sidebar.expander("P (the data)", expanded=True):
    P = _table("P", p_spec)
with st.sidebar.expander("Q (the model)", expanded=True):
    Q = _table("Q", q_spec)
UL.check_bound_link(PAGE, url0, first, {"div:preset": [preset]}, SETTINGS)

VALUE_HELP = {"value (f-GAN)": "The divergence at the f-GAN's (μ, σ) on the direct fit's quadrature. A σ below 3 "
              "quadrature cells or above twice P's support is valued at that end of the range the direct fit searches."}
TABS = {"compare": "Compare P and Q", "example1": "WGAN Example 1", "fit": "Fit one Gaussian"}
tabs = dict(zip([t for t in TABS if t == "compare" or show(t)],
                st.tabs([v for t, v in TABS.items() if t == "compare" or show(t)])))   # a lesson may hide a tab
tab_cmp = tabs["compare"]

with tab_cmp:
    c1, c2 = st.columns([3, 1])
    theta = c1.slider("Shift Q by θ", -6.0, 6.0, step=0.05, key="div:theta", **LM.locked(NAME, "shift"))
    scale = c2.slider("Q's width ×", 0.25, 4.0, step=0.05, key="div:scale",
                      **LM.locked(NAME, "shift", help="multiplies every std (gauss) or width (strips) of Q"))
    Q = Q.widened(scale)
    Qs = Q.shifted(theta)
    vals, grows = _compare(P, Qs)
    cols = st.columns(6)
    for i, k in enumerate(E.DIVERGENCES):
        cols[i % 6].metric(E.label(k), _fmt(vals[k], k in grows), help=GROWS if k in grows else None)
    st.caption("nats; f:js is Nowozin's f-table JS (twice JS), f:hellinger has no ½ (2·H²). ∞: one distribution "
               "has mass where the other has none. Values marked ≥ still grow when the quadrature range widens: the tails carry "
               "much of the integral, or it diverges (Pearson χ² between Gaussians is ∞ when σ_Q² ≤ σ_P²/2).")
    which = st.selectbox("Integrand to draw", list(E.DIVERGENCES), format_func=E.label, key="div:which",
                         **LM.locked(NAME, "curves"))
    e = E.grid_for(P, Qs)
    lp, lq = P.log_cell_mass(e), Qs.log_cell_mass(e)
    mid, dx = (e[:-1] + e[1:]) / 2, np.diff(e)
    step = max(1, len(mid) // 800)
    integ = E.integrand(which, lp, lq, e)
    st.plotly_chart(V.densities_integrand(mid[::step], (np.exp(lp) / dx)[::step], (np.exp(lq) / dx)[::step],
                                          integ[::step], E.label(which)), key="div:dens", width="stretch")
    st.caption("The divergence is the area under the orange curve (for W1: the area between the CDFs). "
               r"An f-divergence integrates $Q\,f(P/Q)$; where Q has no mass it counts $P \cdot \lim_{u\to\infty} f(u)/u$.")
    shifts, sw = _sweep(P, Q)
    keys = st.multiselect("Curves against θ", list(E.DIVERGENCES), default=["js", "f:kl", "f:rkl", "f:tv", "w1"],
                          format_func=E.label, key="div:curves", **LM.locked(NAME, "curves"))
    ymax = st.slider("y-axis top", 0.5, 20.0, key="div:ymax", **LM.locked(NAME, "curves"))
    st.plotly_chart(V.divergence_curves(shifts, {k: sw[k] for k in keys}, {k: E.label(k) for k in keys}, theta, ymax=ymax),
                    key="div:curves_fig", width="stretch")
    st.caption("JS and TV saturate (log 2, 1) once the supports separate: no gradient to follow. W1 keeps growing "
               "with the distance — the reason WGAN uses it (Arjovsky et al. 2017).")
    if show("results"):
        st.download_button("Download the curves (CSV)", tables.to_csv(tables.columns_to_rows({"theta": shifts, **sw})),
                           file_name="divergences.csv", mime="text/csv", key="div:csv")


def example1_tab():
    st.markdown(r"Arjovsky et al. (2017), Example 1: $P_0 = (0, Z)$ and $P_\theta = (\theta, Z)$ with "
                r"$Z \sim U[0, 1]$, two parallel segments. For $\theta \ne 0$: $JS = \log 2$, $KL = +\infty$, "
                r"$TV = 1$, and $W_1 = |\theta|$. Computed here on 50 atoms per segment (W1 by an exact transport LP).")
    # Streamlit's sidebar belongs to the page, not to a tab: say that its P and Q do nothing here
    st.caption("This tab does not use the sidebar's lesson, P or Q: Example 1 fixes its two segments. They stay as "
               "you left them for the other tabs.")
    t1 = st.slider("θ", -1.0, 1.0, 0.5, step=0.025, key="div:ex1")
    v1 = E.example1(t1)
    c = st.columns(4)
    c[0].metric("JS", _fmt(v1["js"]))
    c[1].metric("KL(P₀‖Pθ)", _fmt(v1["f:kl"]))   # no "_": a label shows it as is (and KaTeX in a label was cut off)
    c[2].metric("TV", _fmt(v1["f:tv"]))
    c[3].metric("W1", _fmt(v1["w1"]))
    thetas, js, w1 = _example1_curves()
    st.plotly_chart(V.example1(thetas, js, w1, t1), key="div:ex1_fig", width="stretch")


def fit_tab():
    st.markdown("The best single Gaussian $Q = N(\\mu, \\sigma^2)$ for P under each divergence. "
                "KL(P‖Q) covers every mode (it is moment matching); KL(Q‖P) seeks one mode.")
    if isinstance(P, E.Gauss) and len(P.means) == 1:
        st.info("P is a single Gaussian, so every divergence fits it exactly. Pick the lesson "
                "'Bimodal P, one Gaussian Q' (sidebar) or add a component to P to see modes covered or sought.")
    chosen = st.multiselect("Divergences", GF.FIT_DIVERGENCES, default=["f:kl", "f:rkl", "js", "w1"],
                            format_func=E.label, key="div:fitdivs")
    fits = {E.label(d): _fit(P, d) for d in chosen}
    trained = st.session_state.setdefault("div:trained", {})
    trained_now = {E.label(d): trained[(P, d)] for d in chosen if (P, d) in trained}
    lo, hi = P.support()
    xs = np.linspace(lo - 0.5 * (hi - lo), hi + 0.5 * (hi - lo), 600)
    st.plotly_chart(V.gaussian_fits(xs, P.pdf(xs), {k: (f["mu"], f["sigma"]) for k, f in fits.items()}, trained_now),
                    key="div:fit_fig", width="stretch")
    # numbers (they sort as numbers); a row no f-GAN has trained is missing, shown as "not trained", not "None"
    # the f-GAN's own divergence on the same quadrature: how good an optimum its training reached
    cols = ["divergence", "μ (direct)", "σ (direct)", "value at the fit", "μ (f-GAN)", "σ (f-GAN)", "value (f-GAN)"]
    valued = {E.label(d): (*trained_now[E.label(d)], GF.value_at(P, d, *trained_now[E.label(d)]))
              for d in chosen if E.label(d) in trained_now}
    rows = [[k, f["mu"], f["sigma"], f["value"], *valued.get(k, (np.nan,) * 3)] for k, f in fits.items()]
    table = pd.DataFrame(rows, columns=cols).astype({c: float for c in cols[1:]})
    table[cols[1:]] = table[cols[1:]].round(4) + 0.0        # as shown, 4 decimals; + 0.0: no "-0.0000"
    st.dataframe(table, hide_index=True,
                 width="stretch", placeholder="not trained",
                 column_config={c: st.column_config.NumberColumn(format="%.4f", help=VALUE_HELP.get(c))
                                for c in cols[1:]})
    for k, (mu, sigma, value) in valued.items():   # a second optimum, as good: say so, or it reads as a failure
        f = fits[k]
        if abs(mu - f["mu"]) > max(sigma, f["sigma"]) and abs(value - f["value"]) <= 0.01 * f["value"] + 1e-3:
            st.caption(f"{k}: the f-GAN ended at μ = {mu:.2f}, the direct fit at μ = {f['mu']:.2f}, with the same "
                       f"value ({value:.4f} against {f['value']:.4f}): two optima, equally good. When P's modes are "
                       "alike the best single Gaussian can sit on either; training reaches the one nearer its start.")
    c1, c2 = st.columns([2, 1])
    tdiv = c1.selectbox("Train an f-GAN for", list(GF.TRAIN_IDS), format_func=E.label, key="div:traindiv") \
        if show("train") else None
    if show("train") and c2.button("Train (3000 iterations)", key="div:train", width="stretch"):
        bar = st.progress(0.0, text="training the f-GAN …")
        r = GF.train_fit(P, tdiv, steps=3000, callback=lambda i, n: bar.progress(i / n, text=f"iteration {i}/{n}"))
        if r["status"].ok:
            trained[(P, tdiv)] = (r["mu"], r["sigma"])
            st.rerun()
        else:
            st.error(f"{r['status'].message} Nothing was changed.")
    st.caption("Direct: Nelder–Mead on the quadrature divergence from several starts. f-GAN (Nowozin et al. 2016): "
               "G(z) = μ + σz against a 2×64 tanh critic with the registry's objective for that divergence, Adam 2e-3; "
               "dashed curves; its value is the divergence at its (μ, σ), on the direct fit's quadrature. A bounded or "
               "exponential conjugate (TV, KL) trains less reliably than the direct fit.")


for tab, body in (("example1", example1_tab), ("fit", fit_tab)):
    if tab in tabs:
        with tabs[tab]:
            body()
link = {"div:preset": preset, "div:which": SS["div:which"], "div:ymax": f"{SS['div:ymax']:g}"}
if show("share"):
    UL.share_bound({**link, **LM.link_params(NAME)}, "Opening it shows the same lesson, integrand and y-axis (edits "
                   "to the tables and the curves picked are not in the link).")
LM.make_link(NAME, link)
