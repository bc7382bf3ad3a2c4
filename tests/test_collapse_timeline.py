"""The mode-collapse lab's rewind and range export: a study keeps each record's first samples (aligned with its
iterations and counts, joined by merge), the lab keeps them for the last Run's studies (within a budget), the export draws one frame
per recorded moment (at most MAX_EXPORT_FRAMES), and the page redraws the gallery at a rewound moment."""
import json
import re
import time

import imageio.v3 as iio
import numpy as np
import pytest

from gantoy.core import data as data_mod
from gantoy.core.config import ConfigError
from gantoy.lessons import collapse, presets
from gantoy.measure import metrics
from gantoy.render import plane
from gantoy.session import studylab
from gantoy.ui import state
from tests.apphelp import charts, open_page, values

P = collapse.FRAME_POINTS


@pytest.fixture(scope="module")
def small_ring():
    return presets.get("ring8").with_sets({"model.hidden": 16, "train.batch_size": 64})


@pytest.fixture(scope="module")
def study(small_ring):
    """A finished two-seed study with 7 records, and the samples drawn by hand at every record."""
    st = collapse.Study(small_ring, "nsgan", seeds=2, steps=30, every=5)
    drawn = [_now(st)]
    while not st.done:
        st.advance()
        drawn.append(_now(st))
    return st.result(), np.stack(drawn)


def _now(st):
    return np.stack([st.trainer.sample(collapse.N_EVAL, run=r, seed=collapse.EVAL_SEED) for r in range(2)])


def test_frames_are_each_records_first_samples(study):
    res, drawn = study
    assert res.iterations == [0, 5, 10, 15, 20, 25, 30]
    assert res.frames.shape == (7, 2, P, 2) and res.frames.dtype == np.float32
    assert np.array_equal(res.frames, drawn[:, :, :P].astype(np.float32))       # aligned with the iterations
    assert np.array_equal(res.frames[-1], res.samples[:, :P].astype(np.float32))  # the last is the final state
    assert not np.array_equal(res.frames[0], res.frames[-1])                      # training moved them
    # each record's counts are of all N_EVAL samples: recounting them reproduces the counts, and the kept
    # first P samples hold at most that many per mode
    mix = data_mod.make(presets.get("ring8").data)
    for t in range(7):
        for s in range(2):
            full = metrics.mode_stats(drawn[t, s], mix.centers, mix.stds, min_count=res.min_count)["counts"]
            assert np.array_equal(full, res.counts[t, s])
            kept = metrics.mode_stats(res.frames[t, s], mix.centers, mix.stds)["counts"]
            assert (kept <= res.counts[t, s]).all() and kept.sum() <= P
    assert list(res.modes_at(3)) == [int((res.counts[3, s] >= res.min_count).sum()) for s in range(2)]


def test_merge_joins_frames_along_seeds_and_pads_a_short_block(small_ring):
    a = collapse.run_study(small_ring, "nsgan", seeds=2, steps=10, every=5)
    b = collapse.run_study(small_ring.with_set("train.seed", 2), "nsgan", seeds=2, steps=5, every=5)  # stopped early
    m = collapse.merge([a, b])
    assert m.seeds == [0, 1, 2, 3] and m.frames.shape == (3, 4, P, 2)
    assert np.array_equal(m.frames[:, :2], a.frames)
    assert np.array_equal(m.frames[:2, 2:], b.frames) and np.array_equal(m.frames[2, 2:], b.frames[-1])
    assert collapse.merge([a, collapse.StudyResult(**{**_fields(b), "frames": None})]).frames is None


def _fields(r):
    return {k: getattr(r, k) for k in ("label", "cfg", "seeds", "min_count", "iterations", "counts", "final",
                                       "samples", "status", "frames")}


def _run_all(lab):
    for _ in range(400):
        if lab.done and not lab.running:
            return
        lab.advance()
    raise AssertionError("the lab did not finish")


def test_the_lab_keeps_frames_of_the_last_runs_studies_within_a_budget(small_ring, monkeypatch):
    """A lesson's collapse and its cure can both be rewound; an earlier press of Run's studies keep only their end
    (memory), and within one Run the oldest go first when the budget is spent."""
    lab = studylab.StudyLab()
    lab.start([collapse.Study(small_ring, o, seeds=2, steps=4, every=2) for o in ("nsgan", "gan")])
    _run_all(lab)
    first, last = lab.results
    assert first.frames.shape == last.frames.shape == (3, 2, P, 2)     # both studies of this Run: rewindable
    uids = [r.uid for r in lab.results]
    lab.start([collapse.Study(small_ring, "nsgan", seeds=2, steps=4, every=2)])
    assert all(r.frames is None for r in lab.results)                 # the earlier Run's: their end only ...
    assert [r.uid for r in lab.results] == uids                       # (the same widgets draw them: no reset)
    assert all("earlier press of Run" in lab.why_not_rewindable(r) for r in lab.results)
    assert lab.results[0].counts.shape == (3, 2, 8) and len(lab.results[0].final) == 2   # ... and the rest kept
    _run_all(lab)
    assert lab.results[2].frames.shape == (3, 2, P, 2)
    # a budget of two studies' frames: the third study of one Run drops the first's, the newest always keeps its own
    one = lab.results[2].frames.nbytes
    monkeypatch.setattr(studylab, "FRAMES_BUDGET", 2 * one)
    lab.clear()
    lab.start([collapse.Study(small_ring, o, seeds=2, steps=4, every=2) for o in ("nsgan", "gan", "nsgan")])
    _run_all(lab)
    assert [r.frames is not None for r in lab.results] == [False, True, True]
    # ... and says so: this Run's study, dropped for memory, is not "from an earlier Run"
    assert "did not fit in the lab's memory" in lab.why_not_rewindable(lab.results[0])
    assert lab.why_not_rewindable(lab.results[1]) == ""
    assert studylab._within_budget(lab.results, budget=0)[-1].frames is not None
    # "Clear the table": the finished studies go, their progress line too (the page is as before Run) ...
    lab.clear()
    assert lab.results == [] and lab.study is None and lab.done and lab.error is None
    # ... but a study under way stays, to be continued
    lab.start([collapse.Study(small_ring, "nsgan", seeds=2, steps=4, every=2)])
    lab.advance()
    lab.running = False
    lab.clear()
    assert lab.study is not None and not lab.done
    lab.running = True
    while not lab.done or lab.running:
        lab.advance()
    assert len(lab.results) == 1 and lab.results[0].iterations == [0, 2, 4]


def _synthetic(T=101):
    rng = np.random.default_rng(0)
    cfg = presets.get("ring8")
    c = data_mod.make(cfg.data).centers
    frames = (c[rng.integers(0, 8, size=(T, 3, 40))] + 0.05 * rng.standard_normal((T, 3, 40, 2))).astype(np.float32)
    counts = rng.integers(0, 80, size=(T, 3, 8))
    return collapse.StudyResult(label="nsgan", cfg=cfg, seeds=[0, 1, 2], min_count=np.full(8, 25),
                                iterations=list(range(0, 10 * T, 10)), counts=counts, final=[{}] * 3,
                                samples=frames[-1], frames=frames)


def test_moments_between_thins_to_at_most_sixty():
    res = _synthetic()
    idx = studylab.moments_between(res, 0, 1000)
    assert len(idx) == studylab.MAX_EXPORT_FRAMES == 60 and (idx[0], idx[-1]) == (0, 100)
    assert np.all(np.diff(idx) >= 1) and np.all(np.diff(idx) <= 2)
    assert studylab.moments_between(res, 95, 152) == [10, 11, 12, 13, 14, 15]


def test_export_a_range_as_gif_and_mp4():
    res = _synthetic()
    gif = studylab.export_range(res, 200, 290, "gif")
    imgs = iio.imread(gif, extension=".gif", index=None)
    assert imgs.shape[:3] == (10, 480, 800)
    # the covered / missed markers and the titles change with the counts: no two frames alike
    assert all(not np.array_equal(imgs[i], imgs[i + 1]) for i in range(9))
    mp4 = studylab.export_range(res, 0, 30, "mp4")
    assert mp4[4:8] == b"ftyp" and len(mp4) > 1000


def test_export_a_range_as_interactive_html():
    """One plotly frame per recorded moment in the range, named by its iteration, with the lab's gallery in
    each: the same traces in every frame (a mode covered in one frame and missed in the next changes data,
    not the number of traces, else plotly would leave stale markers on the page)."""
    res = _synthetic()
    page = studylab.export_range(res, 200, 290, "html").decode()
    assert page.lstrip().lower().startswith("<!doctype html>") and "Plotly.addFrames" in page
    names = re.findall(r'"name":"(\d+)"', page[page.index("Plotly.addFrames"):])
    assert names == [str(i) for i in range(200, 291, 10)]
    c = data_mod.make(res.cfg.data).centers

    def traces(counts, fixed):   # three seeds: all covered, none covered, half covered
        return len(plane.gallery(res.frames[0], c, ["s"] * 3, counts=counts, min_count=25, fixed_traces=fixed).data)
    cases = [np.full((3, 8), v) for v in (0, 99)] + [np.tile([0, 99], (3, 4))]
    assert len({traces(k, False) for k in cases}) > 1 and len({traces(k, True) for k in cases}) == 1


@pytest.mark.parametrize("args, msg", [
    ((0, 100, "webm"), "format: 'webm' is not one of gif, mp4, html"),
    ((300, 100, "gif"), "the range starts after it ends (300 > 100)"),
    ((11, 19, "gif"), "no recorded moment between iterations 11 and 19"),
])
def test_export_bad_requests_say_why(args, msg):
    with pytest.raises(ConfigError) as e:
        studylab.export_range(_synthetic(), *args)
    assert msg in str(e.value)
    with pytest.raises(ConfigError, match="kept no samples over time"):
        studylab.export_range(collapse.StudyResult(**{**_fields(_synthetic()), "frames": None}), 0, 10, "gif")


def test_page_rewinds_the_gallery_and_exports_a_range():
    at = open_page("labs/collapse.py")
    at.selectbox(key="mc:lesson").set_value("free").run()
    at.slider(key="mc:seeds").set_value(2)
    at.number_input(key="mc:steps:ring8").set_value(20)
    at.button(key="mc:run").click().run()
    for _ in range(300):   # the fragment trains in slices; AppTest reruns the page until the study is done
        lab = at.session_state["mc:lab"]
        if lab.done and lab.results and not lab.running:
            break
        at.run()
    assert not at.exception, at.exception
    res = at.session_state["mc:lab"].results[-1]
    assert res.iterations == list(range(21))           # every = 20 // 50 -> 1
    rewind = next(s for s in at.select_slider if s.label == "Rewind the gallery to iteration")
    assert rewind.value == 20 and not any("view-only" in i.value for i in at.info)
    # at the end the gallery shows the final state's evaluation samples (the table's), not the record's first 500
    assert np.allclose(values(charts(at)[0]["data"][0]["x"]), res.samples[0, :800, 0])
    rewind.set_value(3).run()
    assert not at.exception, at.exception
    assert any(h.value.startswith("Samples per seed at iteration 3 of 20") for h in at.subheader)
    assert any("Rewinding is view-only here" in i.value and "press **Run** again" in i.value for i in at.info)
    gallery = charts(at)[0]
    titles = [a["text"] for a in gallery["layout"]["annotations"]]
    assert titles == [f"seed {s}: {int((res.counts[3, i] >= res.min_count).sum())} of 8"
                      for i, s in enumerate(res.seeds)]
    assert np.allclose(values(gallery["data"][0]["x"]), res.frames[3, 0, :, 0])   # seed 0's samples then
    # export iterations 5 ... 12 as a GIF: one frame per recorded moment
    span = next(s for s in at.select_slider if s.label == "Iterations from … to")
    span.set_value((5, 12)).run()
    at.radio(key="mc:exp:fmt").set_value("gif")
    at.button(key="mc:exp:go").click().run()
    assert not at.exception and not at.error
    assert at.get("download_button"), "no download offered"
    key, lo, hi, fmt, data = at.session_state["mc:exp:data"]
    assert (lo, hi, fmt) == (5, 12, "gif")
    assert iio.imread(data, extension=".gif", index=None).shape[0] == 8
    at.radio(key="mc:exp:fmt").set_value("mp4").run()       # not offered as the file of another format
    assert not [d for d in at.get("download_button") if "GIF" in d.proto.label]
    at.button(key="mc:clear").click().run()                 # Clear the table: the page as before the first Run
    assert not at.exception and not at.dataframe and not at.get("progress")
    assert any(i.value.startswith("Pick a lesson or a configuration and press **Run**") for i in at.info)


def test_a_1d_study_as_html_keeps_every_moments_tallest_bar_on_its_chart():
    """1-D panels are histograms, whose heights plotly counts itself: each seed's axis is set as tall as its
    tallest bar over the moments (the first moment's autorange cut a later, collapsed seed's bar)."""
    from gantoy.render import studyanim

    rng = np.random.default_rng(0)
    centers = np.array([[-2.0], [2.0]])
    spread = rng.uniform(-2.5, 2.5, (2, 500, 1))            # moment 0: both seeds spread (bars of ~8)
    collapsed = np.concatenate([np.full((1, 500, 1), 2.0), spread[1:]])   # moment 1: seed 0 on one point
    samples = np.stack([spread, collapsed])
    counts = np.zeros((2, 2, 2))
    page = studyanim.study_html(samples, counts, centers, 10, [0, 100], ["seed 0", "seed 1"])
    dec = json.JSONDecoder()
    call = re.search(r'Plotly\.newPlot\(\s*"[\w-]+",\s*', page)
    data, end = dec.raw_decode(page, call.end())
    layout = dec.raw_decode(page, re.compile(r",\s*").match(page, end).end())[0]
    edges = plane.gallery_edges(centers)
    tall = [max(np.histogram(samples[t, i].ravel(), edges)[0].max() for t in range(2)) for i in range(2)]
    assert tall[0] == 500 and layout["yaxis"]["range"][1] >= 500 and layout["yaxis"]["autorange"] is False
    assert np.histogram(spread[0].ravel(), edges)[0].max() < 50               # the first moment alone: far lower
    assert layout["yaxis2"]["range"][1] == pytest.approx(1.05 * np.histogram(spread[1].ravel(), edges)[0].max())
    assert data[0]["xbins"]["size"] == pytest.approx((edges[-1] - edges[0]) / plane.HIST_BINS)


def test_while_a_study_trains_or_waits_paused_the_page_shows_each_seeds_samples_now():
    """The class watches the seeds' samples move (a progress bar and a count alone were all it saw for ~80 s);
    the figure is the latest record's, titled with each seed's modes then, and goes when the study is done."""
    at = open_page("labs/collapse.py")
    at.selectbox(key="mc:lesson").set_value("free").run()
    at.slider(key="mc:seeds").set_value(2)
    at.number_input(key="mc:steps:ring8").set_value(400)
    at.button(key="mc:run").click().run()
    for _ in range(200):                                         # a few records in: the figure must follow them
        if len(at.session_state["mc:lab"].study.frames) >= 3:
            break
        at.run()
    lab = at.session_state["mc:lab"]
    assert not at.exception and not lab.done and len(lab.study.frames) >= 3
    at.button(key="mc:pause").click().run()                     # paused mid-study: the picture stays
    st_ = at.session_state["mc:lab"].study
    live = [c for c in charts(at) if any(a.get("text", "").startswith("seed 0:")
                                         for a in c["layout"].get("annotations", []))]
    assert len(live) == 1 and not at.dataframe                   # no table yet: the live gallery, not the final one
    assert [a["text"] for a in live[0]["layout"]["annotations"]] == [
        f"seed {s}: {int(m)} of 8" for s, m in zip((0, 1), (st_.timeline[-1] >= st_.min_count).sum(1))]
    assert np.allclose(values(live[0]["data"][0]["x"]), st_.frames[-1][0, :, 0])
    assert any(c.value.startswith(f"nsgan at iteration {st_.iterations[-1]}:") for c in at.caption)
    time.sleep(state.PRESS_WINDOW + 0.05)   # (a second press within PRESS_WINDOW is taken for a repeat delivery)
    at.button(key="mc:pause").click().run()                     # Continue, to the end
    assert at.session_state["mc:lab"].running
    for _ in range(300):
        if at.session_state["mc:lab"].done and at.session_state["mc:lab"].results:
            break
        at.run()
    at.run()                                                     # (the page after the study's last frame)
    assert not at.exception and not any(c.value.startswith("nsgan at iteration") for c in at.caption)
