"""The timeline (gantoy/session/timeline.py, gantoy/ui/timeline.py): rewinding redraws a recorded moment with
the numbers recorded then, nothing retrained; continuing from a moment with a kept state retraces the run
exactly; a moment without one is view-only and says so; "Export this range" exports only that range."""
import math

import pytest

from gantoy.lessons import presets
from gantoy.render import export, figures
from gantoy.session.lab import Lab
from gantoy.session.timeline import CHECKPOINTS
from tests.apphelp import open_page


def _recorded(lab, frames, every=7):
    lab.snap
    for _ in range(frames):
        lab.trainer.step(every)
        lab.snap                     # a redraw: records the frame (and a trainer state)


def _same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        x, y = float(a[k]), float(b[k])
        assert (math.isnan(x) and math.isnan(y)) or x == y, k


def test_rewinding_shows_the_moment_as_recorded_without_training():
    lab = Lab("figure1", presets.get("figure1"), "figure1")
    _recorded(lab, 12)
    its = [k[0] for k in lab.moments()]
    assert its == [0] + [7 * i for i in range(1, 13)]
    rows = {r["iteration"]: r for r in lab.history.rows}
    now_it, revision = lab.trainer.iteration, lab.trainer.revision
    lab.rewind(35)
    shown = lab.shown
    assert shown.iteration == 35 and lab.trainer.iteration == now_it and lab.trainer.revision == revision
    for k in ("js", "w1", "d_star_err", "value"):
        assert shown.metrics[k] == rows[35][k]
    fig = figures.figure1(shown)                 # the live chart's own figure draws from it
    assert {t.name for t in fig.data} >= {"p_data", "p_g"}
    lab.rewind(None)
    assert lab.shown.iteration == now_it


def test_continuing_from_a_kept_moment_retraces_the_run_exactly():
    lab = Lab("figure1", presets.get("figure1"), "figure1")
    _recorded(lab, 10)
    later = {f["iteration"]: dict(f["metrics"]) for f in lab.frames.rows}
    lab.rewind(28)
    assert lab.checkpoint_at(28) is not None
    assert lab.continue_from_rewound() == ""
    assert lab.trainer.iteration == 28 and lab.moments()[-1][0] == 28 and lab.rewound is None
    assert all(r["iteration"] <= 28 for r in lab.history.rows)
    _recorded(lab, 6)                            # the same settings: the same run again
    for it in (35, 49, 70):
        _same(later[it], next(f["metrics"] for f in lab.frames.rows if f["iteration"] == it))


def test_a_moment_without_a_kept_state_is_view_only():
    lab = Lab("figure1", presets.get("figure1"), "figure1")
    _recorded(lab, 3 * CHECKPOINTS, every=2)     # more moments than kept states: some are thinned away
    bare = [it for it in lab.moments() if lab.checkpoint_at(it) is None]
    assert bare and len(lab.checkpoints) <= CHECKPOINTS
    lab.rewind(bare[0])
    now = lab.trainer.iteration
    assert lab.continue_from_rewound().startswith("view-only")
    assert lab.trainer.iteration == now and lab.rewound == bare[0]
    before, after = lab.nearest_checkpoints(bare[0])
    assert before is None or before < bare[0]
    assert after is None or after > bare[0]


def test_export_of_a_range_has_only_that_range():
    lab = Lab("figure1", presets.get("figure1"), "figure1")
    _recorded(lab, 8)
    frames = [f for f in lab.frames.rows if 14 <= f["iteration"] <= 35]
    html = export.make("html", frames=frames, rows=lab.history.rows, cfg_json=lab.cfg.to_json())
    assert b'"label":"14"' in html.replace(b" ", b"") and b'"label":"35"' in html.replace(b" ", b"")
    assert b'"label":"42"' not in html.replace(b" ", b"") and b'"label":"7"' not in html.replace(b" ", b"")


@pytest.mark.parametrize("page, name", [("labs/figure1.py", "figure1"), ("labs/playground.py", "playground")])
def test_the_timeline_slider_redraws_an_earlier_frame_in_the_app(page, name):
    at = open_page(page, timeout=120)
    lab = at.session_state[f"lab:{name}"]
    for _ in range(4):
        at.button(key=f"step:{name}").click().run()
    its = lab.moments()
    assert len(its) >= 4 and not at.exception
    recorded = next(f for f in lab.frames.rows if f["iteration"] == its[1][0])
    slider = next(s for s in at.select_slider if s.label.startswith("Timeline"))
    slider.set_value(1).run()                        # its position: the second recorded moment
    assert not at.exception and lab.rewound == its[1]
    caption = next(c.value for c in at.caption if "iteration **" in c.value)
    assert f"iteration **{its[1][0]}**" in caption
    shown = {m.label: m.value for m in at.metric}
    assert shown, "no metrics drawn"
    from gantoy.ui.controls import fmt

    w1 = next(v for k, v in shown.items() if k.startswith("W1"))
    assert w1 == fmt(recorded["metrics"]["w1"])
    assert any("Viewing iteration" in i.value for i in at.info)
    at.button(key=f"tl:{name}:go").click().run()     # few moments: every one has its state kept
    assert lab.trainer.iteration == its[1][0] and lab.rewound is None and not at.exception


def test_a_view_only_moment_offers_the_nearest_kept_one_in_the_app():
    at = open_page("labs/figure1.py", timeout=120)
    lab = at.session_state["lab:figure1"]
    _recorded(lab, 3 * CHECKPOINTS, every=2)
    bare = next(it for it in lab.moments()[1:] if lab.checkpoint_at(it) is None)
    before = lab.nearest_checkpoints(bare)[0]
    at.run()
    next(s for s in at.select_slider if s.label.startswith("Timeline")).set_value(lab.moments().index(bare)).run()
    assert any("view-only" in i.value for i in at.info)
    at.button(key="tl:figure1:near").click().run()
    assert lab.rewound == before and lab.checkpoint_at(before) is not None
    at.button(key="tl:figure1:go").click().run()
    assert lab.trainer.iteration == before[0] and not at.exception


def test_moments_within_one_iteration_are_told_apart():
    """Step D and Step G record moments with the same iteration: each can be rewound to."""
    lab = Lab("figure1", presets.get("figure1"), "figure1")
    _recorded(lab, 2)
    for _ in range(2):
        lab.trainer.step_d(1)
        lab.snap
    keys = lab.moments()
    assert [k[0] for k in keys[-3:]] == [14, 14, 14] and len(set(keys)) == len(keys)
    lab.rewind(keys[-2])                          # after the first Step D, not the last moment of iteration 14
    assert lab.rewound == keys[-2] and lab.shown.d_updates == keys[-2][1]
    lab.rewind(14)                                # an iteration alone: its latest moment, i.e. now
    assert lab.rewound is None


def _ensemble(preset="bimodal1d", mode="objective", values=("nsgan", "wgan-gp")):
    from gantoy.lessons import compare
    from gantoy.session.lab import EnsembleLab

    cfgs, labels = compare.build(presets.get(preset).with_sets({"model.hidden": 16}), mode, list(values))
    return EnsembleLab("compare", cfgs, labels, preset)


def _recorded_ensemble(lab, frames, every=7):
    lab.snaps
    for _ in range(frames):
        lab.trainer.step(every)
        lab.snaps                    # a redraw of the compare lab: every run's frame (and the ensemble's state)


def test_an_ensemble_rewinds_every_run_to_the_numbers_recorded_then():
    lab = _ensemble()
    _recorded_ensemble(lab, 8)
    now = [dict(s.metrics) for s in lab.snaps]
    lab.rewind(21)
    shown = lab.shown_snaps
    assert [s.run for s in shown] == [0, 1] and all(s.iteration == 21 for s in shown)
    assert lab.trainer.iteration == 56 and lab.shown.iteration == 21
    for h, s in zip(lab.histories, shown):
        row = next(r for r in h.rows if r["iteration"] == 21)
        assert row["run"] == s.run
        for k in ("js", "w1", "modes", "value", "d_star_err"):
            x, y = float(s.metrics[k]), row[k]
            assert (math.isnan(x) and math.isnan(y)) or x == y, (s.run, k)
    assert shown[0].metrics["w1"] != shown[1].metrics["w1"]       # two runs, not run 0 twice
    assert shown[1].metrics["w1"] != now[1]["w1"]                 # and not now
    lab.rewind(None)
    _same(lab.shown_snaps[1].metrics, now[1])


def test_an_ensemble_continues_from_a_kept_moment_and_retraces_every_run():
    lab = _ensemble()
    _recorded_ensemble(lab, 8)
    later = [{r["iteration"]: r for r in h.rows} for h in lab.histories]
    lab.rewind(28)
    assert lab.checkpoint_at(28) is not None and lab.continue_from_rewound() == ""
    assert lab.trainer.iteration == 28 and lab.moments()[-1][0] == 28 and lab.rewound is None
    assert all(r["iteration"] <= 28 for h in lab.histories for r in h.rows)
    assert all(r["iteration"] <= 28 for f in lab.frames.rows for r in (f, *f["runs"]))
    _recorded_ensemble(lab, 4)                    # the same settings: every run the same again
    for run, h in enumerate(lab.histories):
        for it in (35, 42, 56):
            _same({k: later[run][it][k] for k in ("js", "w1", "value", "loss_d", "loss_g")},
                  {k: next(r for r in h.rows if r["iteration"] == it)[k]
                   for k in ("js", "w1", "value", "loss_d", "loss_g")})


def test_an_ensemble_frame_keeps_run_0_for_exports_and_a_bounded_record():
    from gantoy.core.history import FRAME_CAPACITY
    from gantoy.measure.snapshot import ensemble_frame_nbytes, frame, frame_nbytes
    from gantoy.session.lab import ENSEMBLE_FRAME_BYTES

    lab = _ensemble("grid25", values=("nsgan", "wgan-gp", "lsgan", "hinge", "wgan", "gan"))
    lab.snaps
    f = lab.frames.rows[0]
    assert len(f["runs"]) == 5 and f["objective"] == "nsgan" and f["runs"][4]["objective"] == "gan"
    alone = frame(lab.snaps[0])                                    # run 0's frame as a single-run lab records it
    assert alone.keys() == f.keys() - {"runs"} and alone["metrics"] == f["metrics"]
    assert f["runs"][0]["p_data"] is f["p_data"]                   # the data's arrays stored once
    size = ensemble_frame_nbytes(f)
    assert frame_nbytes(f) < size < 6 * frame_nbytes(f)
    assert lab.frames.capacity < FRAME_CAPACITY and lab.frames.capacity * size <= ENSEMBLE_FRAME_BYTES
    html = export.make("html", frames=[f], rows=lab.history.rows, cfg_json=lab.cfg.to_json(), labels=lab.labels)
    assert html.count(b'id="gantoy-run-') == 6 and html.count(b"<h3>") == 6   # every run's chart


def test_the_compare_lab_rewinds_every_run_in_the_app():
    from gantoy.ui.controls import fmt
    from tests.apphelp import charts

    at = open_page("labs/compare.py", timeout=120)
    lab = at.session_state["lab:compare"]
    for _ in range(3):
        at.button(key="step:compare").click().run()
    its = lab.moments()
    assert [k[0] for k in its] == [0, 1, 2, 3] and not at.exception
    now = [f["layout"]["title"]["text"] for f in charts(at)[:2]]
    next(s for s in at.select_slider if s.label.startswith("Timeline")).set_value(1).run()
    assert not at.exception and lab.rewound == its[1] and lab.trainer.iteration == 3
    assert any("iteration **1**" in c.value for c in at.caption)
    titles = [f["layout"]["title"]["text"] for f in charts(at)[:2]]
    for lbl, h, title in zip(lab.labels, lab.histories, titles):      # each run's numbers of iteration 1
        r = next(r for r in h.rows if r["iteration"] == 1)
        assert title == f"{lbl}: JS {fmt(r['js'])}, W1 {fmt(r['w1'])}, modes {int(r['modes'])} ({int(r['modes_pub'])})"
    assert titles[0] != now[0] and titles[1] != now[1]
    at.button(key="tl:compare:go").click().run()                      # few moments: each has its state kept
    assert lab.trainer.iteration == 1 and lab.rewound is None and not at.exception
    assert all(len(h.rows) == 2 for h in lab.histories)


def test_a_rewound_view_holds_the_buttons_that_would_act_on_the_present():
    # every button acts on the run as it is now; pressed on a rewound view it jumped the view back without a word
    # (a walkthrough pressed Train D to optimum at a rewound 62 and got iteration 378's D). They wait, and say why
    at = open_page("labs/figure1.py", timeout=120)
    lab = at.session_state["lab:figure1"]
    for _ in range(3):
        at.button(key="step:figure1").click().run()
    keys = ["run:figure1", "step:figure1", "stepd:figure1", "stepg:figure1", "x0:figure1", "x1:figure1",
            "x2:figure1"]
    assert not any(at.button(key=k).disabled for k in keys)
    next(s for s in at.select_slider if s.label.startswith("Timeline")).set_value(1).run()
    assert not at.exception and lab.rewound is not None and lab.rewound[0] == 1
    for k in keys + ["walk:figure1:start"]:
        b = at.button(key=k)
        assert b.disabled and "viewing iteration 1 as it was recorded; the run is at iteration 3" in b.help, k
    # said under the buttons too (a 720 px screen shows the timeline's own note below the fold)
    assert any(c.value.startswith("iteration **1**") and "**rewound** — the run is at iteration 3" in c.value
               for c in at.caption), [c.value for c in at.caption]
    assert not at.button(key="reset:figure1").disabled
    at.button(key="tl:figure1:now").click().run()
    # the slider follows: it stayed at the rewound iteration over the pictures of now
    slider = next(s for s in at.select_slider if s.label.startswith("Timeline"))
    assert slider.value == len(lab.moments()) - 1 and not at.warning
    assert lab.rewound is None and not any(at.button(key=k).disabled for k in keys + ["walk:figure1:start"])
    assert not any("**rewound**" in c.value for c in at.caption)
    # a moment of Step D within the present iteration: the counts tell the two apart
    at.button(key="stepd:figure1").click().run()
    moment = lab.moments()[-2]
    assert moment[0] == lab.trainer.iteration == 3
    lab.rewind(moment)
    at.run()
    assert (f"viewing iteration 3 (D {moment[1]}, G {moment[2]}) as it was recorded; the run is at iteration 3 "
            f"(D {lab.trainer.d_updates}, G 3)") in at.button(key="step:figure1").help


def test_the_conditional_lab_holds_train_and_step_on_a_rewound_moment():
    at = open_page("labs/conditional.py", timeout=120)
    lab = at.session_state["cond:lab"]
    for _ in range(2):
        at.button(key="cond:step").click().run()
    lab.rewind(100)
    at.run()
    for k in ("cond:run", "cond:step"):
        b = at.button(key=k)
        assert b.disabled and "viewing iteration 100 as it was recorded; the run is at iteration 200" in b.help, k
    lab.rewind(None)
    at.run()
    assert not at.button(key="cond:run").disabled and not at.button(key="cond:step").disabled


def test_kept_trainer_states_spread_over_the_whole_run():
    """A long run keeps states to continue from all along it (with the old rule, newest half at full
    resolution, a 2000-iteration lesson kept none between 0 and 800), each at a moment one can rewind to."""
    from gantoy.core.history import History

    h = History(24)
    for it in range(0, 2001, 8):
        h.add({"iteration": it, "d_updates": it, "g_updates": it})
    its = [r["iteration"] for r in h.rows]
    assert len(its) == 24 and its[0] == 0 and its[-2:] == [1992, 2000]                # the newest as they came
    assert max(b - a for a, b in zip(its, its[1:])) <= 3 * 2000 / 24
    lab = Lab("figure1", presets.get("figure1"), "figure1")
    _recorded(lab, 3 * CHECKPOINTS, every=2)
    kept = [c["iteration"] for c in lab.checkpoints.rows]
    assert all(lab.moment(it) is not None for it in kept)                             # every one reachable
    assert max(b - a for a, b in zip(kept, kept[1:])) <= 3 * kept[-1] / CHECKPOINTS


@pytest.mark.parametrize("states", [8, 4])     # 4–7: the compare lab's and grid25's memory-bound capacities
def test_thinning_the_frames_keeps_the_frames_of_kept_states(states):
    """More moments than frames: the frames are thinned, but never a moment whose trainer state is kept (that
    punched holes in the states: a 2000-iteration lesson at one iteration a frame kept none from 32 to 304), so
    the states stay spread over the whole run and each one can be rewound to."""
    lab = Lab("figure1", presets.get("figure1").with_sets({"model.hidden": 16}), "figure1")
    lab.frames.capacity = 24
    lab.snap
    lab.checkpoints.capacity = states
    _recorded(lab, 120, every=1)
    its = [f["iteration"] for f in lab.frames.rows]
    kept = [c["iteration"] for c in lab.checkpoints.rows]
    assert len(its) <= 24 and its[0] == 0 and its[-1] == 120 and len(kept) == states
    assert all(lab.checkpoint_at(lab.moment(k)) is not None for k in kept)           # every one reachable
    assert max(b - a for a, b in zip(kept, kept[1:])) <= 3 * 120 / states, kept
    assert max(b - a for a, b in zip(its, its[1:])) <= 3 * 120 / 24, its


def test_an_ensembles_metric_rows_count_each_runs_own_d_updates_and_continuing_drops_later_rows():
    """k = 1 and k = 4 side by side: the metrics CSV's d_updates is each run's own count (as the counter line),
    and continuing from a moment before a Step D drops the rows recorded after it in every run."""
    lab = _ensemble(mode="k", values=(1, 4))
    _recorded_ensemble(lab, 2, every=3)
    assert [h.rows[-1]["d_updates"] for h in lab.histories] == [6, 24]
    lab.trainer.step_d()
    lab.snaps                                     # a moment within iteration 6, one D update later
    assert [h.rows[-1]["d_updates"] for h in lab.histories] == [7, 25]
    lab.rewind((6, 24, 6))
    assert lab.checkpoint_at(lab.rewound) is not None and lab.continue_from_rewound() == ""
    assert [h.rows[-1]["d_updates"] for h in lab.histories] == [6, 24]
    assert lab.trainer.run_d_updates == [6, 24]
