"""Optimal transport lab: the Earth-Mover distance between two small discrete distributions as a linear
program (HiGHS) beside POT's network simplex, its dual potentials, the Kantorovich–Rubinstein critic,
and in 1-D the CDFs whose area apart is W1."""
import numpy as np
import pandas as pd
import streamlit as st

from gantoy.measure import transport as T
from gantoy.render import theory as V
from gantoy.ui import lessonmode as LM
from gantoy.ui import links as UL

PAGE = "labs/transport.py"
NAME = "transport"   # (lesson mode: this lab's controls, lessons/lessonmode.py)


def _frame(pts, w):
    cols = {"x": pts[:, 0]} if pts.shape[1] == 1 else {"x": pts[:, 0], "y": pts[:, 1]}
    return pd.DataFrame({**cols, "weight": w})


def _read(df, dim):
    """(points, weights) from an edited table; ValueError naming the problem."""
    need = ["x", "weight"] if dim == 1 else ["x", "y", "weight"]
    df = df.dropna(how="all")
    if len(df) == 0:
        raise ValueError("the table is empty")
    vals = df[need].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64)
    if not np.all(np.isfinite(vals)):
        raise ValueError("a cell is empty or not a number")
    return vals[:, :-1], vals[:, -1]


url0, first = UL.link_params(PAGE)
show = LM.open_page(NAME, PAGE, url0, first)
LM.header(NAME, "Optimal transport: the Earth-Mover distance as a linear program")
st.markdown(r"Move the mass of P onto Q at least total cost: $\min_\gamma \sum_{ij}\gamma_{ij}c_{ij}$ with row sums "
            r"$p_i$, column sums $q_j$, $\gamma\ge 0$. Its dual: $\max \sum_i f_i p_i + \sum_j g_j q_j$ with "
            r"$f_i + g_j \le c_{ij}$. For $c = \|x - y\|$ the optimum is $W_1$, and the c-transform "
            r"$\varphi(x) = \min_j \|x - y_j\| - g_j$ is the 1-Lipschitz critic of the Kantorovich–Rubinstein duality "
            r"$W_1 = \sup_{\|f\|_L\le 1} E_P f - E_Q f$ that a WGAN critic approximates.")

# the settings a link carries besides the bound lesson and cost (a lesson link locks them at the teacher's values)
SETTINGS = {"ot:n": UL.number_in(3, 60, int), "ot:seed": UL.number_in(0, 10_000, int),
            "ot:norm": UL.one_of([False, True])}
for k, v in {"ot:n": 12, "ot:seed": 0, "ot:norm": False}.items():
    st.session_state.setdefault(k, v)
st.session_state.update(UL.restore_settings(PAGE, url0, first, SETTINGS))
with st.sidebar:
    lesson = st.selectbox("Lesson", T.PRESETS, key="ot:lesson", bind="query-params", **LM.locked(NAME, "lesson"))
    fixed = None if lesson in T.SAMPLED else "this lesson's points are fixed: pick a 2-D lesson to draw points"
    fixed = fixed if show("points") else "fixed by this lesson"
    n = st.slider("Points per side", 3, 60, key="ot:n", disabled=bool(fixed),
                  help=fixed or "the sampled lessons draw this many points for P and for Q")
    seed = st.number_input("Seed", 0, 10_000, key="ot:seed", disabled=bool(fixed),
                           help=fixed or "the seed the points are drawn from")
    kind = st.radio("Cost", list(T.COSTS), key="ot:cost", captions=list(T.COSTS.values()), bind="query-params",
                    **LM.locked(NAME, "cost"))
    normalise = st.checkbox("Normalise both masses to 1", key="ot:norm",
                            **LM.locked(NAME, "normalise", help="Optimal transport needs equal totals; tick this to rescale each side to 1."))
UL.check_bound_link(PAGE, url0, first, {"ot:lesson": [lesson], "ot:cost": [kind]}, SETTINGS)

x0, y0, p0, q0 = T.preset(lesson, n=n, seed=int(seed))
dim = x0.shape[1]
version = f"{lesson}:{n}:{seed}"
c1, c2 = st.columns(2)
with c1:
    st.markdown("**P** (black)")
    dfp = st.data_editor(_frame(x0, p0), num_rows="dynamic", key=f"ot:P:{version}", hide_index=True, height=220,
                         disabled=not show("tables"))
with c2:
    st.markdown("**Q** (green)")
    dfq = st.data_editor(_frame(y0, q0), num_rows="dynamic", key=f"ot:Q:{version}", hide_index=True, height=220,
                         disabled=not show("tables"))

result = None
try:
    (x, p), (y, q) = _read(dfp, dim), _read(dfq, dim)
    if normalise:
        p, q = p / p.sum() if p.sum() > 0 else p, q / q.sum() if q.sum() > 0 else q
    result = T.solve(x, y, p, q, kind)
    st.session_state["ot:good"] = (x, y, p, q, result)
except ValueError as e:
    st.error(f"Not solved: {e}. The last solved problem is shown.")
    if "ot:good" in st.session_state:
        x, y, p, q, result = st.session_state["ot:good"]

if result is not None:
    lp, pot = result["lp"], result["pot"]
    m = st.columns(5)
    m[0].metric("LP primal (HiGHS)", f"{lp['cost']:.6f}")
    m[1].metric("LP dual Σfp + Σgq", f"{lp['dual']:.6f}")
    m[2].metric("POT ot.emd", f"{pot['cost']:.6f}")
    if "kr" in result:
        m[3].metric("KR: E_P φ − E_Q φ", f"{result['kr']:.6f}")
    if "cdf_area" in result:
        m[4].metric("Area between CDFs", f"{result['cdf_area']:.6f}")
    gap = T.relative_gap(lp["cost"], lp["dual"])
    agree = T.relative_gap(lp["cost"], pot["cost"])
    (st.success if gap < 1e-8 and agree < 1e-8 else st.warning)(
        f"Strong duality: primal − dual relative gap {gap:.1e}; HiGHS vs POT {agree:.1e}.")
    total = float(np.sum(p))   # balanced: Q's total is the same
    if "cdf_area" in result and abs(total - 1) > 1e-9:   # the CDFs are normalised, the LP is not
        st.caption(f"The masses total {total:g}, not 1: the LP, POT and KR values are for that total; the CDFs end "
                   f"at 1, so their area is per unit of mass ({result['cdf_area']:.6f} × {total:g} = "
                   f"{result['cdf_area'] * total:.6f}).")
    potential = None
    if kind == "euclidean" and dim == 2:
        allpts = np.r_[x, y]
        lo, hi = allpts.min(0) - 0.5, allpts.max(0) + 0.5
        gx, gy = np.linspace(lo[0], hi[0], 80), np.linspace(lo[1], hi[1], 80)
        mesh = np.stack(np.meshgrid(gx, gy, indexing="ij"), -1).reshape(-1, 2)
        potential = (gx, gy, T.kr_potential(y, lp["g"], mesh).reshape(80, 80))
    drawn = result.get("monotone", lp["plan"])   # 1-D: the monotone plan, which never crosses (the LP's may)
    st.plotly_chart(V.ot_plan(x, y, p, q, drawn, potential), key="ot:plan", width="stretch")
    if dim == 1:
        other = kind == "euclidean" and not np.allclose(drawn, lp["plan"], atol=1e-7)
        st.caption(f"Segments: the monotone plan γ — P's mass, sorted, onto Q's, sorted, in order (darker and wider "
                   f"= more mass moved); cost {float(np.sum(drawn * result['C'])):.6f}. In 1-D it is optimal for "
                   "every convex cost of x − y, and being monotone its segments never cross."
                   + (f" HiGHS returned another plan of the same cost ({lp['cost']:.6f}): with |x − y|, two "
                      "shipments moving the same way can swap destinations at no extra cost, so optimal plans need "
                      "not be unique (with ‖x − y‖² the optimal plan is unique)." if other else ""))
    else:
        st.caption("Segments: the optimal plan γ (darker and wider = more mass moved). "
                   + ("Background: the Kantorovich–Rubinstein potential φ (blue high, red low); mass flows downhill "
                      "along slopes of exactly 1." if potential is not None else ""))
    st.plotly_chart(V.ot_matrices(result["C"], drawn), key="ot:mats", width="stretch")   # the plan drawn above
    if dim == 1:
        t, fp, fq = result["cdf"]
        st.plotly_chart(V.ot_cdfs(t, fp, fq), key="ot:cdf", width="stretch")
        if kind != "euclidean":   # the panel's area is W1 whatever the cost chosen: say which number is this cost's
            paid = float(np.sum(drawn * result["C"]))
            unit, per = ("", "") if abs(total - 1) <= 1e-9 else (
                f" per unit of mass (× the total {total:g} = {paid:.6f}, what the monotone plan above pays)",
                " per unit of mass")
            st.caption(f"The area between the CDFs is W1 = {T.w1_from_cdfs(t, fp, fq):.6f}{per}, the optimum of the "
                       "|x − y| cost, not of this one. With ‖x − y‖² the optimum (W2²) is ∫₀¹ (F_P⁻¹(u) − F_Q⁻¹(u))² "
                       f"du = {paid / total:.6f}{unit}: at each height u, the horizontal gap between the two "
                       "staircases, squared" + (" — what the monotone plan above pays." if not unit else "."))
        if kind == "euclidean":
            gx = np.linspace(min(x.min(), y.min()) - 1, max(x.max(), y.max()) + 1, 400)
            st.plotly_chart(V.kr_potential_1d(gx, T.kr_potential(y, lp["g"], gx[:, None]), x[:, 0], lp["f"]),
                            key="ot:kr1d", width="stretch")
    if show("duals"):
        with st.expander("Dual potentials"):
            st.dataframe(pd.DataFrame({"f_i (P)": lp["f"]}), width="stretch")
            st.dataframe(pd.DataFrame({"g_j (Q)": lp["g"]}), width="stretch")
            st.caption("Duals are unique only up to (f + s, g − s); shown with f of mean 0. POT's potentials may differ "
                       "by such a shift (and where the plan is degenerate) but give the same dual value.")
    plan = pd.DataFrame([{"i": i, "j": j, "mass": drawn[i, j], "cost": result["C"][i, j]}
                         for i, j in zip(*np.nonzero(drawn > 1e-12))])
    if show("results"):
        st.download_button("Download the plan (CSV)", plan.to_csv(index=False), file_name="transport-plan.csv",
                           mime="text/csv", key="ot:csv")
link = {"ot:lesson": lesson, "ot:cost": kind, "ot:n": str(n), "ot:seed": str(int(seed)), "ot:norm": str(normalise)}
if show("share"):
    UL.share_bound({**link, **LM.link_params(NAME)}, "Opening it shows the same lesson (edits to the tables are not "
                   "in the link).")
LM.make_link(NAME, link)
