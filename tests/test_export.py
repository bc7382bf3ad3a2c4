"""Exports: GIF / MP4 frame counts and sizes, HTML frames, CSV columns, JSON round trip and
reproduction, the bounded frame history, bad options."""
import io

import numpy as np
import pytest

from gantoy import cli, presets
from gantoy.measure.record import record
from gantoy.render import animation, export, tables
from gantoy.config import ConfigError, RunConfig
from gantoy.core.history import FRAME_CAPACITY, History
from gantoy.measure.snapshot import frame, frame_nbytes
from gantoy import Trainer


@pytest.fixture(scope="module")
def recorded():
    cfg = presets.get("figure1").with_sets({"model.hidden": 16})
    frames, rows, tr = record(cfg, 100, 100)
    return cfg, frames, rows


def test_record_spans_the_run(recorded):
    _, frames, rows = recorded
    its = [f["iteration"] for f in frames]
    assert len(frames) == 100 and its[0] == 0 and its[-1] == 100 and its == sorted(set(its))
    assert [r["iteration"] for r in rows] == its


def test_gif_has_every_frame_at_the_requested_size(recorded):
    import imageio.v3 as iio

    _, frames, _ = recorded
    data = animation.to_gif(frames, fps=20, size=(200, 120), panels=("main", "metrics"))
    imgs = iio.imread(io.BytesIO(data), index=None, extension=".gif")
    assert imgs.shape[:3] == (100, 120, 200)
    assert not np.array_equal(imgs[0], imgs[-1])  # the picture changes over the run


def test_mp4_decodes_with_the_right_frame_count(recorded, tmp_path):
    import imageio.v2 as iio2

    _, frames, _ = recorded
    data = animation.to_mp4(frames[:30], fps=10, size=(200, 130))  # sides rounded down to 16: 192 x 128
    p = tmp_path / "a.mp4"
    p.write_bytes(data)
    r = iio2.get_reader(str(p), format="FFMPEG")
    assert r.count_frames() == 30 and tuple(r.get_meta_data()["size"]) == (192, 128)
    r.close()


def test_html_is_self_contained_with_frames(recorded):
    _, frames, _ = recorded
    html = animation.to_html(frames[:10])
    assert html.count('"name":"') >= 10 and "Plotly.newPlot" in html and "animate" in html
    assert "<script src=\"https://cdn" not in html and len(html) > 3_000_000  # plotly.js inlined: works offline


def test_2d_gif(tmp_path):
    import imageio.v3 as iio

    cfg = presets.get("ring8").with_sets({"model.hidden": 16, "train.batch_size": 64})
    frames, _, _ = record(cfg, 10, 5)
    imgs = iio.imread(io.BytesIO(animation.to_gif(frames, size=(160, 160))), index=None, extension=".gif")
    assert imgs.shape[:3] == (5, 160, 160)


def test_a_comparison_animates_every_run_side_by_side():
    """The compare lab's frames (ensemble frames) draw each run in its own panel, titled by its label: each
    panel is exactly that run's animation drawn alone at the panel's size (it animated the first run only)."""
    from tests.support.ensemble import comparison

    lab = comparison("ring8")
    frames, labels = lab.frames.rows, lab.labels
    both = animation.render_frames(frames, (640, 320), labels=labels)
    run0 = [{k: v for k, v in f.items() if k != "runs"} for f in frames]
    alone = [animation.render_frames(fr, (320, 320)) for fr in (run0, [f["runs"][0] for f in frames])]
    assert len(both) == 3 and both[0].shape == (320, 640, 3)
    assert not np.array_equal(both[-1][:, :320], both[-1][:, 320:])            # two different runs
    # the same pictures as each run drawn alone, except the titles (which name the run)
    for k, run in enumerate(alone):
        assert np.array_equal(both[-1][40:, 320 * k:320 * (k + 1)], run[-1][40:])
    gif = export.make("gif", frames=frames, size=(640, 320), labels=labels)
    import imageio.v3 as iio
    assert iio.imread(io.BytesIO(gif), index=None).shape == (3, 320, 640, 3)
    # the interactive HTML too: one chart per run, headed by its label, each with every moment as a plotly frame
    # (named by its iteration), plotly.js inlined once, one slider for all (it showed the first run only)
    html = export.make("html", frames=frames, labels=labels).decode()
    assert [f"<h3>{lbl}</h3>" in html for lbl in labels] == [True, True]
    assert html.count('id="gantoy-run-') == 2 and html.count('type="range"') == 1
    assert html.count("window.PlotlyConfig") == 1 and "Plotly.animate('gantoy-run-0', null)" not in html
    charts = _plotly_frames(html)
    its = [str(f["iteration"]) for f in frames]
    assert list(charts) == ["gantoy-run-0", "gantoy-run-1"] and [[f["name"] for f in c] for c in charts.values()] == [its, its]
    assert charts["gantoy-run-0"][-1]["data"] != charts["gantoy-run-1"][-1]["data"]     # each its own run's frames


def _plotly_frames(html) -> dict:
    """{chart id: its plotly frames} of an exported HTML page (the arrays handed to Plotly.addFrames)."""
    import json
    import re

    dec = json.JSONDecoder()
    return {m.group(1): dec.raw_decode(html, m.end())[0]
            for m in re.finditer(r"Plotly\.addFrames\('([\w-]+)',\s*", html)}


def test_html_frames_of_one_iteration_keep_unique_names(recorded):
    """Two moments of one iteration (Step D) are two plotly frames: with one name, plotly kept only the last."""
    _, frames, _ = recorded
    html = animation.to_html([frames[3], frames[5], {**frames[5], "fake": frames[5]["fake"] + 0.5}])
    [chart] = _plotly_frames(html).values()
    it = str(frames[5]["iteration"])
    assert [f["name"] for f in chart] == [str(frames[3]["iteration"]), it, f"{it} (2)"]


def test_csv_columns_are_the_metric_names(recorded):
    cfg, _, rows = recorded
    text = tables.to_csv(rows)
    head = text.splitlines()[0].split(",")
    snap_metrics = Trainer(cfg).snapshot().metrics
    assert head[:6] == ["iteration", "run", "d_updates", "g_updates", "loss_d", "loss_g"]
    assert set(head[6:]) == {k for k, v in snap_metrics.items() if isinstance(v, (int, float))}
    assert len(text.splitlines()) == 1 + len(rows)


def test_json_round_trips_and_reproduces_the_run(recorded):
    cfg, _, rows = recorded
    again = RunConfig.from_json((cfg.with_set("train.steps", 100)).to_json())
    assert again == cfg.with_set("train.steps", 100)
    frames2, rows2, _ = record(again, 100, 100)
    for a, b in zip(rows, rows2):
        assert a == b


def test_an_animation_picks_its_frames_evenly_over_the_iterations():
    """A record dense at its end (the newest moments at full resolution) gives the animation frames evenly
    spread over the run's iterations, not over the record's positions; moments of one iteration (Step D) are
    picked by position."""
    from gantoy.render.export import pick

    frames = [{"iteration": i} for i in list(range(0, 1800, 10)) + list(range(1800, 2001))]
    its = [f["iteration"] for f in pick(frames, 100)]
    assert its[0] == 0 and its[-1] == 2000 and len(its) == 100
    assert max(b - a for a, b in zip(its, its[1:])) <= 30 and sum(i > 1800 for i in its) <= 11
    assert len(pick([{"iteration": 7, "d_updates": d} for d in range(50)], 10)) == 10
    assert pick(frames[:5], 10) == frames[:5]
    steps_d = frames + [{"iteration": 2000, "d_updates": d} for d in range(1, 4)]     # Step D after the run
    assert pick(steps_d, 100)[-1] is steps_d[-1]


def test_frame_history_stays_bounded():
    snap = Trainer(presets.get("figure1")).snapshot()
    h = History(FRAME_CAPACITY)
    one = None
    for i in range(100_000):
        snap.iteration = i
        h.add(frame(snap))
        one = one or frame_nbytes(h.rows[0])
    assert len(h) <= FRAME_CAPACITY and sum(frame_nbytes(f) for f in h.rows) <= FRAME_CAPACITY * one
    its = [f["iteration"] for f in h.rows]
    assert its[0] == 0 and its[-1] == 99_999 and its == sorted(its)  # still spans the whole run


@pytest.mark.parametrize("kw, msg", [
    (dict(fmt="bmp"), "format"), (dict(fmt="gif", fps=0), "fps"), (dict(fmt="gif", size=(10, 10)), "size"),
    (dict(fmt="gif", panels=("x",)), "panels"), (dict(fmt="gif", frames=0), "frames"),
])
def test_bad_options(kw, msg):
    with pytest.raises(ConfigError, match=msg):
        export.check_options(**kw)


def test_no_frames_is_a_clear_error():
    with pytest.raises(ConfigError, match="no frames"):
        animation.to_gif([])


def test_cli_export(tmp_path, capsys):
    out = tmp_path / "f.csv"
    assert cli.main(["export", "--preset", "figure1", "--steps", "20", "--frames", "5", "--format", "csv",
                     "--out", str(out), "--quiet", "--threads", "1"]) == 0
    assert len(out.read_text().splitlines()) == 6
    out = tmp_path / "c.json"
    assert cli.main(["export", "--format", "json", "--out", str(out), "--set", "train.seed=7"]) == 0
    assert RunConfig.from_json(out.read_text()).train.seed == 7
    assert cli.main(["export", "--format", "gif", "--size", "huge", "--out", str(tmp_path / "x.gif")]) == 2
    assert "--size" in capsys.readouterr().err


def test_html_axes_hold_every_moment():
    """One range per axis over the whole animation: the critic's axis (autorange in the live chart) and the
    density axis hold every moment's curves (the first moment's ranges left a later critic off the chart)."""
    import json
    import re

    cfg = presets.get("figure1").with_sets({"model.hidden": 16, "objective.id": "wgan"})
    frames, _, _ = record(cfg, 60, 4)
    html = animation.to_html(frames)
    dec, call = json.JSONDecoder(), re.search(r'Plotly\.newPlot\(\s*"[\w-]+",\s*', html)
    data, end = dec.raw_decode(html, call.end())
    layout = dec.raw_decode(html, re.compile(r",\s*").match(html, end).end())[0]
    lo, hi = layout["yaxis2"]["range"]
    crit = np.concatenate([np.ravel(f["d"]) for f in frames])
    assert lo <= crit.min() and crit.max() <= hi and layout["yaxis2"]["autorange"] is False
    # the density axis: the highest of the moments' own tops (each holds p_data and p_g capped at 3× p_data's peak)
    from types import SimpleNamespace

    from gantoy.render import figures
    tops = [figures.figure1(SimpleNamespace(**{**f, "floors": {}})).layout.yaxis.range[1] for f in frames]
    assert layout["yaxis"]["range"][1] == pytest.approx(max(tops))


def test_an_off_chart_note_comes_and_goes_in_an_html_animation(recorded):
    """The note that p_g lies off the chart is in every frame, empty where p_g is on it: plotly keeps the
    annotations of an earlier frame that a later frame lacks, so a note present only at first stayed."""
    _, frames, _ = recorded
    off = {**frames[0], "metrics": {**frames[0]["metrics"], "mass_outside": 1.0}, "gz": frames[0]["gz"] - 100}
    on = [{**f, "metrics": {**f["metrics"], "mass_outside": m}} for f, m in ((frames[50], 0.049), (frames[99], 0.0))]
    [chart] = _plotly_frames(animation.to_html([off, *on])).values()
    notes = [[a["text"] for a in fr["layout"]["annotations"]] for fr in chart]
    assert len({len(n) for n in notes}) == 1
    assert notes[0][-1] == "100 % of p_g lies left of the chart" and notes[1][-1] == notes[2][-1] == ""


def test_the_gif_and_mp4_renderer_says_when_p_g_lies_off_the_chart(recorded):
    """The matplotlib renderer (GIF, MP4) draws the live chart's off-chart note (figures.off_chart_note), and drops
    it once p_g is back on the chart: its frames are blitted, so the note must be one of the changing artists."""
    _, frames, _ = recorded
    off = {**frames[0], "metrics": {**frames[0]["metrics"], "mass_outside": 1.0}, "gz": frames[0]["gz"] - 100}
    on = {**frames[99], "metrics": {**frames[99]["metrics"], "mass_outside": 0.0}}
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    r = animation._Renderer([off, on], (800, 480), ("main",), "normal")
    FigureCanvasAgg(r.fig)                 # as iter_frames gives each renderer its canvas
    first = r.render(0)
    assert r.t_out.get_text() == "100 % of p_g lies left of the chart" and r.t_out in r._animated()
    second = r.render(1)
    assert r.t_out.get_text() == ""
    # the note's pixels: green text under the title of the first frame, none in the second's
    band = (slice(28, 48), slice(250, 550))
    green = (lambda img: int(np.sum((img[band][..., 1] > 100) & (img[band][..., 0] < 80) & (img[band][..., 2] < 80))))
    assert green(first) > 20 and green(second) < green(first) // 4
