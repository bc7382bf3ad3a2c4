"""Compare lab: 2-6 objectives (or learning rates, k values, seeds) on one lesson, trained as one ensemble."""
import streamlit as st

from gantoy.core import objectives
from gantoy.core.config import ConfigError
from gantoy.lessons import compare, presets
from gantoy.render import figures
from gantoy.ui import controls as C
from gantoy.ui import exporting as X
from gantoy.ui import lessonmode as LM
from gantoy.ui import links as UL
from gantoy.ui import saving as SV
from gantoy.ui import sidebar as S
from gantoy.ui import state
from gantoy.ui import timeline as TL
from gantoy.ui.livechart import live_chart

DATA = {"figure1": "One Gaussian (Figure 1)", "bimodal1d": "Two modes (1-D)", "trimodal1d": "Three modes (1-D)",
        "ring8": "Ring of 8 (2-D)", "grid25": "Grid of 25 (2-D)", "swissroll": "Swiss roll (2-D)"}
# the default comparison separates within half a minute on this machine (bench/BENCHMARKS.md, "Classroom": nsgan on
# 0-2 of the ring's modes while WGAN-GP is on 6); with these settings both end short of 8 (5 and 6 at 3000: "The
# quizzes' own runs"), so the collapse quiz lays the short ring recipe over them
DEFAULT = {"objective": ["nsgan", "wgan-gp"], "lr": [1e-4, 1e-3, 1e-2], "k": [1, 3, 5], "seed": [0, 1, 2]}
OPTIONS = {"objective": objectives.names(), "lr": S.LRS, "k": list(range(0, 11)), "seed": list(range(0, 32))}


def _default():
    return compare.build(presets.get("ring8"), "objective", DEFAULT["objective"])


lab = state.get_ensemble_lab("compare", _default)

# the comparison's settings live in the URL (bound widgets: a shared link restores the comparison);
# no format_func on bound widgets, since Streamlit matches a query parameter against the displayed label
PAGE = "labs/compare.py"
url0, first_visit = UL.link_params(PAGE)
show = LM.open_page(lab, PAGE, url0, first_visit)   # lesson mode (its warnings join the link's)
locked = not show("compare")   # a lesson that does not show the comparison's settings locks them
LM.header(lab, "Compare objectives")
st.caption("Several runs of one lesson, side by side, trained as one ensemble. Same data, networks and seed; "
           "only the thing you compare differs.")
# what each choice varies (the option names are the link's values, so the captions say the rest)
CAPTIONS = {"objective": "one run per objective, each with its own settings", "lr": "learning rates (D and G)",
            "k": "D steps per G step", "seed": "the same settings from other seeds"}
with st.sidebar.form("cmp:setup"):
    data = st.selectbox("Lesson (data)", list(DATA), index=list(DATA).index("ring8"), key="cmp:data", disabled=locked,
                        bind="query-params", help="; ".join(f"{k}: {v}" for k, v in DATA.items()))
    mode = st.radio("Compare", list(compare.MODES), key="cmp:mode", disabled=locked, bind="query-params",
                    captions=[CAPTIONS[m] for m in compare.MODES])
    objs = st.multiselect("Objectives", OPTIONS["objective"], default=DEFAULT["objective"], key="cmp:objs",
                          disabled=locked, max_selections=compare.MAX_RUNS, help="used when comparing objectives",
                          bind="query-params")
    lrs = st.multiselect("Learning rates", OPTIONS["lr"], default=DEFAULT["lr"], key="cmp:lrs", disabled=locked,
                         max_selections=compare.MAX_RUNS, help="used when comparing lr",
                         bind="query-params")
    ks = st.multiselect("k values", OPTIONS["k"], default=DEFAULT["k"], key="cmp:ks", disabled=locked,
                        max_selections=compare.MAX_RUNS, help="used when comparing k", bind="query-params")
    seeds = st.multiselect("Seeds", OPTIONS["seed"], default=DEFAULT["seed"], key="cmp:seeds", disabled=locked,
                           max_selections=compare.MAX_RUNS, help="used when comparing seed", bind="query-params")
    recipe = st.selectbox("Training recipe", compare.recipes(), key="cmp:recipe", disabled=locked,
                          bind="query-params",
                          help=" ".join(f"{k}: {compare.recipe_help(k)}." for k in compare.recipes()))
    # a form sends its choices only on submit: say so, or a choice followed by Train looks applied and is not
    st.caption("These choices take effect when you press **Set up runs**, which starts new runs from the "
               "beginning; Train alone goes on with the runs on the page.")
    submitted = st.form_submit_button("Set up runs", type="primary", disabled=locked)
shown = {"cmp:data": [data], "cmp:mode": [mode], "cmp:recipe": [recipe], "cmp:objs": [str(v) for v in objs],
         "cmp:lrs": [str(v) for v in lrs], "cmp:ks": [str(v) for v in ks], "cmp:seeds": [str(v) for v in seeds]}
if first_visit and any(k in url0 for k in shown):
    submitted = True  # a shared link: set the runs up from it right away
UL.check_bound_link(PAGE, url0, first_visit, shown)
if submitted:
    values = {"objective": objs, "lr": lrs, "k": ks, "seed": seeds}[mode]
    try:
        base = presets.get(data)
        cfgs, labels = compare.build(base, mode, values, recipe)
        lab.reset(cfgs=cfgs, labels=labels)
        lab.lesson = data
    except ConfigError as e:
        st.error(f"Not applied: {e}. The previous runs are kept.")

C.status_banner(lab)
C.lesson_banner(lab, advice=False)   # (a preset's "Next:" is written for its own lab's sidebar)
LM.questions(lab)
mode_now = (compare.settings_of(lab.labels) or [None])[0]
recipe_now = compare.recipe_of(lab.cfgs, mode_now)
st.markdown("Runs: " + " · ".join(f"**{lbl}**" for lbl in lab.labels) + f" — data `{lab.cfg.data.name}`, "
            f"optimizer {lab.cfg.train.optimizer} (shared by all runs)" + (
                "." if recipe_now == compare.OWN else f"; the {recipe_now} recipe: "
                f"{compare.describe_recipe(recipe_now, mode_now)}, {lab.cfg.train.steps} iterations."))
C.controls(lab, show=show)

COLS = 3


def draw(_snap):
    snaps = lab.shown_snaps      # the rewound moment (the timeline) as recorded, titles included, or now
    n = min(COLS, len(snaps))
    for start in range(0, len(snaps), COLS):
        cols = st.columns(n)
        for col, s, lbl in zip(cols, snaps[start:start + COLS], lab.labels[start:start + COLS]):
            m = s.metrics
            title = f"{lbl}: JS {C.fmt(m['js'])}, W1 {C.fmt(m['w1'])}" + (
                f", modes {m['modes']}" if "modes" in m else "") + (
                f" ({m['modes_pub']})" if "modes_pub" in m else "")   # the published rule: the caption says
            # three side by side at 1280 px: a smaller title ("wgan-gp: JS …, modes 3 (7)" lost its last characters)
            live_chart(figures.small_multiple(s, title, noise=lab.cfg.model.noise, height=400 if n < 3 else 300,
                                              title_size=13 if n < 3 else 11),
                       key=f"cmp:run{start}:{lbl}", container=col)
    st.caption("Each panel: " + ("p_data (black dotted), p_g (green), D (blue dashed), D* (grey)."
                                 if snaps[0].dim == 1 else "data (black), generated samples (green) over D: blue where "
                                 "D scores points as real, red as fake. A probability D is coloured on 0–1 (dashed: "
                                 "D = ½); a critic (WGAN) on its own range, since only its differences mean anything "
                                 "— so compare the shapes, not the shades, across panels; hover for values.")
               + (" Modes in a title: covered by our rule (10 % of a mode's expected share of samples within 3σ), in "
                  "brackets by the published one (one such sample)." if "modes_pub" in snaps[0].metrics else ""))


def draw_history(_rows):
    fig = figures.compare_history([h.rows for h in lab.histories], lab.labels, floors=lab.snap.floors)
    live_chart(fig, key="cmp:hist")
    st.caption("Grey bands: the estimators' noise floors (p_data against fresh samples of itself); "
               "below the band a run is indistinguishable from p_data by that estimator."
               if lab.snap.dim == 2 else "1-D metrics are exact (quadrature), so there is no noise floor.")


C.live_panel(lab, draw)
# below the panels: conditional elements above them would move the live charts in the page (new charts, zoom lost)
if show("timeline"):
    TL.timeline(lab)
C.history_panel(lab, draw_history)
if show("export"):
    X.export_panel(lab, rows=[{"label": lbl, **r} for lbl, h in zip(lab.labels, lab.histories) for r in h.rows],
                   cfg_json="[\n" + ",\n".join(c.to_json() for c in lab.cfgs) + "\n]\n", labels=lab.labels)
    st.caption("The GIF, MP4 and interactive HTML show every run side by side (each with its own axes; the HTML's one "
               "slider moves them all); the CSV holds every run's metrics, the JSON every run's configuration.")
VALUES_KEY = {"objective": "cmp:objs", "lr": "cmp:lrs", "k": "cmp:ks", "seed": "cmp:seeds"}


def loaded_settings(loaded) -> dict:
    """The sidebar's settings of a loaded comparison: the sidebar and the share link then describe its runs (or a
    note says they cannot, shown under the state panel)."""
    out, note = compare.loaded_widgets(loaded.lesson, loaded.labels, DATA, OPTIONS, VALUES_KEY, loaded.cfgs)
    if note:
        st.session_state["cmp:loaded_note"] = note
    return out


if show("state"):
    SV.state_panel(lab, "cmp:data", widgets=loaded_settings)
    if "cmp:loaded_note" in st.session_state:
        st.warning(st.session_state.pop("cmp:loaded_note"))
link = {k: shown[k] for k in ("cmp:data", "cmp:mode", VALUES_KEY[mode])} | (
    {"cmp:recipe": shown["cmp:recipe"]} if recipe != compare.OWN else {})
if show("share"):
    UL.share_bound({**link, **LM.link_params(lab)},
                   "Opening it sets up the same runs (from their seeds; press Train to watch them).")
LM.make_link(lab, link)
