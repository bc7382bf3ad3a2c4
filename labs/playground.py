"""2-D playground: ring8, grid25, swissroll or your own points; samples, D, p_g, the generator's manifold."""
import streamlit as st

from gantoy.lessons import inputs as I
from gantoy.measure.arrows import gradient_arrows, manifold
from gantoy.measure.estimate2d import GRID_2D, N_LIVE, N_W1, W1_ATOMS
from gantoy.render import figures, plane
from gantoy.ui import controls as C
from gantoy.ui import exporting as X
from gantoy.ui import lessonmode as LM
from gantoy.ui import links as UL
from gantoy.ui import saving as SV
from gantoy.ui import sidebar as S
from gantoy.ui import state, style
from gantoy.ui import timeline as TL
from gantoy.ui import walk as WK
from gantoy.ui.livechart import live_chart

PAGE = "labs/playground.py"
DATA = {"ring8": "Ring of 8 (ring8)", "grid25": "Grid of 25 (grid25)", "swissroll": "Swiss roll",
        "custom": "Your points (pick on a chart, table or CSV)"}
VIEWS = {"samples": "Samples over D", "density": "p_g density vs p_data", "manifold": "Generator manifold"}

lab = state.get_lab("playground", "ring8")
UL.apply_link(lab, PAGE, "pg:data", DATA, "ring8")
show = (lambda control: LM.shown(lab, control))    # lesson mode: the controls its link shows
LM.header(lab, "2-D playground")
if S.lesson_picker(lab, PAGE, "pg:data", DATA, "ring8", visible=show("data")) == "custom" and show("data"):
    import pandas as pd  # here, not at the top: slow on a server's first visit, and only this table needs it

    d = lab.cfg.data
    start = d.points if d.name == "custom" else [[-1.0, 0.0], [1.0, 0.0], [0.0, 1.5], [0.2, -1.2]]
    with st.sidebar.form("pg:points"):
        up = st.file_uploader("CSV with columns x, y", type=["csv", "txt"], key="pg:csv")
        pasted = st.text_area("…or paste CSV text (x,y per line after a header)", key="pg:paste", height=80)
        table = st.data_editor(pd.DataFrame(start, columns=["x", "y"]), num_rows="dynamic", key="pg:table",
                               width="stretch")
        if st.form_submit_button("Use these points"):
            if up is not None:
                pts, err = I.csv_points(up, 2)
            elif pasted.strip():
                pts, err = I.csv_points(pasted.encode("utf-8", "replace"), 2)
            else:
                pts, err = I.points_from_frame(table.dropna(how="all"), 2)
            if err:
                st.error(f"Not applied: {err}. The previous data are kept.")
                st.toast(f"Points not applied: {err}.", icon="⚠️")   # (the sidebar's message may be below its fold)
            else:
                new = state.try_config(lab.cfg.with_sets, {"data.name": "custom", "data.points": pts})
                if new is not None:
                    lab.reset(new)
    S.custom_waiting(lab, DATA)
    with st.expander("Pick points on a chart", expanded=True):
        cur = [list(map(float, p)) for p in (lab.cfg.data.points if lab.cfg.data.name == "custom" else start)]
        _, mid, _ = st.columns([1, 3, 1])  # roughly square, like the main chart
        event = mid.plotly_chart(plane.point_picker(cur), key="pg:picker", on_select="rerun",
                                 selection_mode=("points", "box", "lasso"), width="stretch")
        picked = [p for p in I.picked_points(event) if p not in cur]
        if st.button(f"Add the {len(picked)} picked point{'s' * (len(picked) != 1)} to the data", key="pg:add",
                     disabled=not picked):
            new = state.try_config(lab.cfg.with_sets, {"data.name": "custom", "data.points": cur + picked})
            if new is not None:
                lab.reset(new)
                del st.session_state["pg:picker"]  # a fresh picker: the added points are drawn, none selected
                st.rerun()

st.session_state.setdefault("pg:view", "samples")
st.session_state.setdefault("pg:arrows", False)
if show("view"):
    view = st.sidebar.radio("View", list(VIEWS), format_func=VIEWS.get, key="pg:view")
    arrows_on = st.sidebar.checkbox("Gradient arrows on generated samples", key="pg:arrows",
                                    help="where G's loss pushes each drawn sample: −∇ of G's loss through D")
else:
    view, arrows_on = st.session_state["pg:view"], st.session_state["pg:arrows"]
if show("config"):
    S.load_config_json(lab, PAGE, "pg:data", 2)
S.hyperparameter_sidebar(lab, show)
UL.link_warnings(PAGE)
S.pending_notice(lab)
C.status_banner(lab)
C.lesson_banner(lab, advice=LM.mode(lab).show is None)   # (a preset's "Next:" names its sidebar and buttons)
LM.questions(lab)
C.controls(lab, show=show)
ARROWS = 120   # of the drawn samples, this many get an arrow (readable at a glance)


def draw(snap):
    n = 300 if lab.running else 1000
    now = lab.rewound is None or lab.running   # the manifold and the arrows need the networks of the moment
    # a batch-normalised G maps each z by its batch's statistics: a grid of z has no image of its own to draw
    mani = manifold(lab.trainer) if view == "manifold" and now and not lab.cfg.model.g_batch_norm else None
    arr = gradient_arrows(lab.trainer, snap.fake[:ARROWS]) if (arrows_on and view == "samples" and now) else None
    centers = getattr(lab.trainer.data, "centers", None)
    fig = plane.playground(snap, view=view, manifold=mani, arrows=arr, n_points=n, centers=centers, height=520)
    left, right = st.columns([1.8, 1.4] if style.large() else [2.2, 1])
    live_chart(fig, key="pg:chart", container=left)
    C.metric_column(right, snap, lab.trainer.objective(0)[0], lab.trainer.data)


def draw_history(rows):
    live_chart(figures.metrics_history(rows, keys=("js", "w1"), floors=lab.snap.floors, height=280),
               key="pg:hist")
    UL.share_link(lab, PAGE, "pg:data", "ring8", visible=show("share"))


C.live_panel(lab, draw)
# below the chart: conditional elements above it would move the live chart in the page (a new chart, zoom lost)
if show("timeline"):
    TL.timeline(lab)
if show("walk"):
    WK.walk_panel(lab, lab.cfg.model.noise, centers=getattr(lab.trainer.data, "centers", None))
if view == "manifold" and lab.cfg.model.g_batch_norm:
    st.caption("No generator manifold for this G: it is batch-normalised (model.g_batch_norm), so it maps each z "
               "according to the batch it is drawn in, and a grid of z has no image of its own.")
if lab.rewound is not None and (view == "manifold" or arrows_on):
    st.caption("Rewound: the generator manifold and the gradient arrows need that moment's networks and are drawn "
               "only for the run as it is now.")
# static text outside the live fragment: every element in it is re-rendered by the browser on every frame
if view == "samples":
    st.caption(f"Background: {lab.snap.d_label} — blue where D calls points real, red where it calls them fake"
               + (" (white = ½, the dashed line D = ½)." if lab.snap.d_prob else ".")
               + " Modes circled green are covered, crossed red missed (hover one for its count).")
st.caption(f"Estimated from {N_LIVE} generated samples: divergences of histograms on a {GRID_2D}² grid "
           "(lower bounds of the continuous ones: shapes finer than a cell merge), W1 by exact "
           f"optimal transport from {N_W1} of them to {W1_ATOMS} weighted atoms summarising p_data. Shaded bands, each in its "
           "metric's colour up to a dashed line: that estimator's noise floor — the value it gives for p_data against fresh samples of itself.")
C.history_panel(lab, draw_history)
if show("export"):
    X.export_panel(lab)
if show("state"):
    SV.state_panel(lab, "pg:data")
LM.make_link(lab, UL.link_of(lab, "pg:data", "ring8"))
