"""Mode-collapse lab: one configuration over N seeds (one ensemble), counted; configurations collected in a table."""
import weakref

import pandas as pd
import streamlit as st

from gantoy.core import data as data_mod
from gantoy.core import objectives
from gantoy.core.config import ConfigError
from gantoy.lessons import collapse, presets
from gantoy.render import plane, tables
from gantoy.render.export import MIME
from gantoy.session import studylab
from gantoy.ui import controls as C
from gantoy.ui import lessonmode as LM
from gantoy.ui import links as UL
from gantoy.ui import state

DATA = {"ring8": "Ring of 8 (2-D)", "grid25": "Grid of 25 (2-D)", "bimodal1d": "Two modes (1-D)",
        "trimodal1d": "Three modes (1-D)", "imbalanced1d": "A minority mode, 90 % / 10 % (1-D)"}
REMEDY_TEXT = {"none": "plain training", "unrolled": "unrolled D (Metz et al. 2017, 5 steps)",
               "pacgan": "PacGAN packing (Lin et al. 2018, m = 2)"}
# ready-made lessons: (title, data, [(objective, remedy), ...] trained one after another by one press of Run,
# a recipe: settings laid over each configuration, collapse.recipe_sets; its train.steps is the lesson's length);
# "free" runs the one configuration chosen below
LESSONS = {
    "ring": ("Ring: collapse and a cure", "ring8", [("nsgan", "none"), ("nsgan", "pacgan")], collapse.RING_RECIPE),
    "ring-all": ("Ring: every remedy", "ring8", [(o, r) for o, r in collapse.CONFIGS.values()],
                 collapse.RECIPES["ring8"]),
    "grid": ("Grid: collapse and a cure", "grid25", [("nsgan", "none"), ("wgan-gp", "none")], collapse.GRID_RECIPE),
    "helvetica": ("Helvetica scenario", "ring8", [("nsgan", "none")], {"all": {"train.k": 1, "train.g_steps": 10}}),
    "free": ("Choose below", None, None, {}),
}
SS = st.session_state
PAGE = "labs/collapse.py"
NAME = "collapse"     # (lesson mode: this lab's controls, lessons/lessonmode.py)

url0, first_visit = UL.link_params(PAGE)  # before the bound widgets, which drop values they refuse
show = LM.open_page(NAME, PAGE, url0, first_visit)
LM.header(NAME, "Mode collapse, counted over seeds")
st.caption("One run that collapses proves nothing. Train the same configuration from N seeds at once "
           "and count the modes each run covers (a mode counts when it holds at least 10% of its "
           "expected share of 2500 samples, each within 3σ of the mode's centre).")

LESSON_HELP = ("Ring, collapse and a cure: the non-saturating GAN drops modes on some seeds, PacGAN (Lin et al. 2018) "
               "does not (2000 iterations with a cosine learning-rate decay and an average of G's weights) · Ring, every remedy: also WGAN-GP (Gulrajani et al. 2017) and unrolled D (Metz et al. 2017), "
               "with the ring recipe of docs/COLLAPSE.md (4000 iterations, lr 3e-3, unrolled D 5e-4): a longer study · Grid: on 25 modes the non-saturating GAN drops modes on every seed, WGAN-GP (an objective: the remedy stays “none”) keeps (nearly) all of them — the full ring recipe (lr 3e-3) cut to 2000 iterations, ~8 minutes with 8 seeds on one thread, samples still spread (a third to two thirds near a mode); PacGAN does not help on the grid with these networks (docs/COLLAPSE.md) · Helvetica scenario: G trained too much (10 G steps "
               "per D step) collapses onto few points (Goodfellow et al. 2014, §4.2) · Choose below: one configuration")
# (bound: a lesson link keeps it; the URL holds its shown title)
lesson = st.sidebar.selectbox("Ready-made lesson", list(LESSONS), format_func=lambda k: LESSONS[k][0], key="mc:lesson",
                              bind="query-params", **LM.locked(NAME, "lesson", help=LESSON_HELP))
if SS.get("mc:lesson_loaded") != lesson:
    SS["mc:lesson_loaded"] = lesson
    _, d, configs, extra_ = LESSONS[lesson]
    if d is not None:   # the lesson's settings into the widgets, its length included
        SS["mc:data"], (SS["mc:objective"], SS["mc:remedy"]) = d, configs[0]
        SS[f"mc:steps:{d}"] = extra_.get("all", {}).get("train.steps", presets.get(d).train.steps)
    elif SS.get("mc:data") in DATA:   # one's own configuration: the data set's own length, not a lesson's
        SS[f"mc:steps:{SS['mc:data']}"] = presets.get(SS["mc:data"]).train.steps
# the study's settings live in the URL (bound widgets: a shared link restores them)
# (no format_func on bound widgets: Streamlit matches a query parameter against the displayed label)
data = st.sidebar.selectbox("Data", list(DATA), key="mc:data", bind="query-params",
                            **LM.locked(NAME, "data", help="; ".join(f"{k}: {v}" for k, v in DATA.items())))
SS.setdefault("mc:objective", "nsgan")   # (the lessons set it too: a default index beside it would be refused)
oid = st.sidebar.selectbox("Objective", objectives.names(), key="mc:objective", bind="query-params",
                           **LM.locked(NAME, "objective"))
remedy = st.sidebar.radio("Remedy", list(collapse.REMEDIES), key="mc:remedy", bind="query-params",
                          captions=[REMEDY_TEXT[r] for r in collapse.REMEDIES], **LM.locked(NAME, "remedy"))
seeds = st.sidebar.slider("Seeds (runs)", 2, 32, 8, key="mc:seeds", bind="query-params", **LM.locked(NAME, "runs"))
# iterations per run: one value per data set (its preset's length by default), carried by a link as mc:steps
SETTINGS = {"mc:steps": UL.number_in(10, 50_000, int)}
SS.setdefault(f"mc:steps:{data}", presets.get(data).train.steps)
SS.update({f"mc:steps:{data}": v for v in UL.restore_settings(PAGE, url0, first_visit, SETTINGS).values()})
steps = st.sidebar.number_input("Iterations per run", 10, 50_000, step=100, key=f"mc:steps:{data}",
                                **LM.locked(NAME, "length"))
shown = {"mc:lesson": [LESSONS[lesson][0]], "mc:data": [data], "mc:objective": [oid], "mc:remedy": [remedy],
         "mc:seeds": [str(seeds)]}
UL.check_bound_link(PAGE, url0, first_visit, shown, SETTINGS)


lab = state.get_study_lab()


def planned(lesson_now, d):
    """The (objective, remedy) pairs one press of Run trains: the lesson's, or the one chosen below."""
    _, ld, configs, _ = LESSONS[lesson_now]
    chosen = (SS["mc:objective"], SS["mc:remedy"])
    return configs if ld == d and configs and chosen == configs[0] else [chosen]


def lesson_recipe(lesson_now, d) -> dict:
    """The lesson's settings, for its own configurations only (another choice trains with its own defaults)."""
    _, ld, configs, recipe = LESSONS[lesson_now]
    return recipe if ld == d and planned(lesson_now, d) == configs else {}


extra = lesson_recipe(lesson, data)
if extra:   # the parts for the configurations this lesson trains (the ring lesson's recipe also has unrolled D's)
    used = {"all"} | {k for o, r in planned(lesson, data) for k in (f"remedy:{r}", collapse.label(o, r))}
    st.sidebar.caption("Lesson settings: " + collapse.describe_recipe({k: v for k, v in extra.items() if k in used}))


def start():
    # a callback runs before the page: read the widgets' new values from the session state
    d, lesson_now = SS["mc:data"], SS["mc:lesson"]
    lesson_extra = lesson_recipe(lesson_now, d)
    try:
        base = presets.get(d)
        steps = int(SS.get(f"mc:steps:{d}", base.train.steps))
        lab.start([collapse.Study(base, o, r, seeds=int(SS["mc:seeds"]), steps=steps,
                                  sets=collapse.recipe_sets(lesson_extra, o, r))
                   for o, r in planned(lesson_now, d)])
    except ConfigError as e:
        lab.error = f"Not started: {e}"


def toggle():
    if state.first_press("mc:pause"):
        lab.running = not lab.running and not lab.done


plan = [collapse.label(o, r) for o, r in planned(lesson, data)]
n_conf = len(plan)
c1, c2, c3 = st.columns(3)
if show("train"):
    c1.button(f"Run {seeds} seeds" if n_conf == 1 else f"Run {n_conf} configurations × {seeds} seeds", type="primary",
              on_click=start, width="stretch", key="mc:run", help="Trains " + ", then ".join(plan) + ".")
    if n_conf > 1:   # the sidebar's Objective and Remedy show the lesson's first configuration only
        st.caption(f"Run trains the lesson's {n_conf} configurations one after another, {seeds} seeds each: "
                   + ", then ".join(f"**{p}**" for p in plan) + ".")
    if not lab.done:
        c2.button("Pause" if lab.running else "Continue", on_click=toggle, width="stretch", key="mc:pause")
if show("reset"):
    c3.button("Clear the table", on_click=lab.clear, width="stretch", key="mc:clear")
if lab.error:
    st.error(lab.error)


def progress():
    st_ = lab.study
    if st_ is None:
        st.info("Pick a lesson or a configuration and press **Run** — the runs train together and the "
                "table below fills in.")
        dist = data_mod.make(presets.get(data).data)
        real = dist.sample(2500, seed=0).reshape(2500, -1)
        _, mid, _ = st.columns([1, 2, 1])
        mid.plotly_chart(plane.gallery([real], dist.centers, [f"p_data: the {len(dist.centers)} modes to cover"],
                                         cols=1, height_per_row=360, color=plane.BLACK), key="mc:target",
                         width="stretch")
        return
    it = st_.trainer.iteration
    after = f" · then {', '.join(s.label for s in lab.queue)}" if lab.queue else ""
    st.progress(min(1.0, it / st_.steps), text=f"{st_.label}: iteration {it} of {st_.steps} · {st_.cfg.train.runs} seeds"
                                              + after)
    cov = (st_.timeline[-1] >= st_.min_count).sum(1)
    st.caption("Modes covered now, per seed: " + " ".join(str(int(c)) for c in cov))
    if not lab.done:    # while it trains (or waits paused), the class watches the seeds' samples move
        live_gallery(st_, cov)


def panel_titles(seeds, modes, k: int) -> list:
    """A gallery panel's title per seed: "seed 3: 5 of 8" (the live gallery's and the recorded one's alike)."""
    return [f"seed {s}: {int(m)} of {k}" for s, m in zip(seeds, modes)]


def live_gallery(st_, cov):
    """Every seed's samples at the study's latest record (its first FRAME_POINTS evaluation samples), modes
    circled when covered. Built once per record (every steps / 50 iterations), not once per frame: 8 seeds' figure
    took 36 ms to build on the 2-core machine, against a frame's 0.3 s of training; serialising the cached figure
    (~3 ms) each frame is the rest of its cost. The whole: bench/collapse_lab.py, 84.7 s with it, 75.6 s without."""
    cached = SS.get("mc:live_fig")    # (a weak reference: a finished study's figure does not keep it alive)
    if cached is None or cached[0]() is not st_ or cached[1] != len(st_.frames):
        titles = panel_titles([c.train.seed for c in st_.trainer.configs], cov, len(st_.min_count))
        fig = plane.gallery(st_.frames[-1], st_.trainer.data.centers, titles, counts=st_.timeline[-1],
                            min_count=st_.min_count)
        SS["mc:live_fig"] = cached = (weakref.ref(st_), len(st_.frames), st_.iterations[-1], fig)
    st.plotly_chart(cached[3], key="mc:live", width="stretch")
    st.caption(f"{st_.label} at iteration {cached[2]}: each seed's samples (green), its modes circled when covered, "
               "crossed when missed; redrawn as the study records.")


C.live_fragment(lab, progress, interval=0.1)


def rewindable(res) -> bool:
    return res.frames is not None and len(res.iterations) > 1


def rewound_moment(res) -> int:
    """The record the gallery shows: the last, or the one picked on the rewind slider."""
    its = res.iterations
    if res.frames is None and len(its) > 1 and show("timeline"):
        st.caption(lab.why_not_rewindable(res))
    if not (rewindable(res) and show("timeline")):
        return len(its) - 1
    # a new study, a new widget (its iterations are new options)
    it = st.select_slider("Rewind the gallery to iteration", options=its, value=its[-1], key=f"mc:rewind:{res.uid}",
                          help=f"{len(its)} moments recorded. The gallery redraws that moment: each seed's first "
                          f"{collapse.FRAME_POINTS} evaluation samples then and the modes it covered; nothing is "
                          "retrained. The table and the charts below keep the end of the study.")
    t = its.index(it)
    if t < len(its) - 1:
        st.info(f"Viewing iteration {it} of {its[-1]} as it was recorded. Rewinding is view-only here: a study "
                f"keeps no trainer states (the networks and optimisers of {len(res.seeds)} seeds at each of "
                f"{len(its)} evaluations would take too much memory); to train further, press **Run** again.")
    return t


def rewound_gallery(res, centers):
    t = rewound_moment(res)
    its, k = res.iterations, len(centers)
    if t == len(its) - 1:
        st.subheader(f"Final samples per seed — {res.label}, iteration {its[t]}")
    else:
        st.subheader(f"Samples per seed at iteration {its[t]} of {its[-1]} — {res.label}")
    # the end: every evaluation sample of the final state (the table's); before it, the record's first ones
    samples = res.frames[t] if res.frames is not None and t < len(its) - 1 else res.samples
    titles = panel_titles(res.seeds, res.modes_at(t), k)
    st.plotly_chart(plane.gallery(samples, centers, titles, counts=res.counts[t], min_count=res.min_count),
                    key="mc:gallery", width="stretch")
    st.caption("Each panel: one seed's samples at that moment (green); its modes circled when covered, crossed "
               "when missed.")


def range_export(res):
    """The "Export this range" part: the gallery over the recorded moments [from, to] as a GIF, MP4 or HTML."""
    its, out = res.iterations, "mc:exp:data"
    with st.expander("Export this range (GIF, MP4, HTML)"):
        c1, c2 = st.columns([3, 1])
        lo, hi = c1.select_slider("Iterations from … to", options=its, value=(its[0], its[-1]),
                                  key=f"mc:exp:range:{res.uid}")
        fmt = c2.radio("Format", studylab.EXPORT_FORMATS, format_func=str.upper, key="mc:exp:fmt", horizontal=True)
        n = len(studylab.moments_between(res, lo, hi))
        st.caption(f"{n} frames, one per recorded moment (at most {studylab.MAX_EXPORT_FRAMES}, evenly spaced); "
                   "each shows every seed's samples, its modes covered or missed, and the iteration.")
        if st.button("Draw the frames", key="mc:exp:go"):
            bar = st.progress(0.0, text="drawing frames")
            try:
                data = studylab.export_range(res, lo, hi, fmt,
                                             progress=lambda i, k: bar.progress(i / k, text=f"frame {i} of {k}"))
                SS[out] = (weakref.ref(res), lo, hi, fmt, data)   # (a weak reference: the old study's frames go)
                bar.progress(1.0, text=f"ready: {len(data) / 1e6:.2f} MB")
            except ConfigError as e:
                bar.empty()
                st.error(f"Not exported: {e}")
        ready = SS.get(out)
        # a file of an earlier study (ids are reused), of another range or another format is not offered
        if ready is not None and ready[0]() is res and ready[1:4] == (lo, hi, fmt):
            _, a, b, f, data = ready
            st.download_button(f"Download the {f.upper()} (iterations {a}–{b})", data,
                               f"collapse-{res.label.replace('+', '-')}-{a}-{b}.{f}",
                               MIME[f], key="mc:exp:dl")


results = lab.results
if results:
    st.subheader("Modes covered per configuration")
    rows = [r.summary() for r in results]
    # shorter headers, narrow number columns and no min_count (the note under the table gives the rule): at
    # 1280 px the last columns were cut to "itera…"
    table = pd.DataFrame([collapse.display_row(r) for r in rows])
    st.dataframe(table, hide_index=True, width="stretch", column_order=[c for c in table if c != "min_count"],
                 column_config={"seeds": st.column_config.Column(width=55), "min–max": st.column_config.Column(width=70),
                                "seeds covering all": st.column_config.Column("all modes", width=80),
                                "modes, published rule": st.column_config.Column("published rule", width=105),
                                "iterations": st.column_config.Column(width=80)})
    if show("results"):
        c1, c2 = st.columns(2)
        c1.download_button("Download the table (CSV)", tables.to_csv(rows, collapse.SUMMARY_COLUMNS).encode(),
                           "collapse.csv", "text/csv", key="mc:csv")
        c2.download_button("Download the last configuration (JSON)", results[-1].cfg.to_json().encode(),
                           f"collapse-{results[-1].label.replace('+', '-')}.json", "application/json", key="mc:json")
    st.markdown("**What this table shows:** " + collapse.in_words(rows, [r.status for r in results]))
    st.caption(collapse.COLUMNS_HELP)
    last = results[-1]
    res = last
    if len(results) > 1:   # the baseline's collapsed seeds are the lesson as much as the remedy's: either is drawn
        i = st.radio("Draw below", range(len(results)), index=len(results) - 1, horizontal=True,
                     format_func=lambda i: f"{i + 1}. {results[i].label}", key=f"mc:show:{last.uid}",
                     help="The configuration whose seeds the gallery and the charts below draw. Rewinding and "
                     "exporting: the studies of the last press of Run, newest first while their samples fit in the "
                     "lab's memory (the others keep only their end and their mode counts).")
        res = results[i]
    centers = data_mod.make(res.cfg.data).centers
    # one container whether or not the rewind and the export show: the elements below keep their place
    with st.container():
        rewound_gallery(res, centers)
        if show("export") and rewindable(res):
            range_export(res)
    st.subheader(f"Which modes, when — {res.label}")
    pick = st.selectbox("Seed", list(range(len(res.seeds))), format_func=lambda i: f"seed {res.seeds[i]}",
                        key=f"mc:seed_pick:{res.uid}")
    st.plotly_chart(plane.mode_timeline(res.iterations, res.counts[:, pick], res.min_count),
                    key="mc:timeline", width="stretch")
    st.caption("Rows: modes; colour: the share of this run's samples at that mode; dots: covered. "
               "A generator hopping from mode to mode draws a staircase.")
    st.plotly_chart(plane.modes_over_time(res.iterations, res.counts, res.min_count,
                                        [f"seed {s}" for s in res.seeds]), key="mc:over_time", width="stretch")

link = {**shown, "mc:steps": [str(steps)]}
if show("share"):
    UL.share_bound({**link, **LM.link_params(NAME)}, "Opening it selects the same configuration; press Run.")
LM.make_link(NAME, link)
