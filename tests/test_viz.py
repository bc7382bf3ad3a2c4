"""The Figure 1 picture's layout: what the browser draws must read right."""
import numpy as np
import pytest
import torch

from gantoy import presets
from gantoy.render import figures as viz
from gantoy import Trainer


def _snap(cfg):
    torch.manual_seed(0)
    return Trainer(cfg).snapshot()


def test_figure1_probability_axis_has_round_ticks():
    """D(x) is a probability: its axis is ticked at 0, ¼, ½, ¾, 1 (½ is the equilibrium). An overlaying
    axis defaults to ticks synced to the density axis's gridlines (0.194, 0.388, … and moving every frame)."""
    fig = viz.figure1(_snap(presets.get("figure1")), noise="normal")
    ax = fig.layout.yaxis2
    assert ax.overlaying == "y" and tuple(ax.range) == (0, 1.05)
    assert ax.tickmode == "array" and tuple(ax.tickvals) == (0, 0.25, 0.5, 0.75, 1)
    assert fig.layout.xaxis.zeroline is False   # plotly's default x = 0 line cut through both panels


def test_figure1_critic_axis_keeps_automatic_ticks():
    """A critic's output is unbounded: automatic ticks (not synced to the density axis) and no fixed range."""
    cfg = presets.get("figure1").with_sets({"objective.id": "wgan-gp"})
    snap = _snap(cfg)
    fig = viz.figure1(snap, noise="normal")
    assert not snap.d_label.startswith("D(x) (prob")
    assert fig.layout.yaxis2.tickmode == "auto" and fig.layout.yaxis2.range is None


def test_figure1_draws_one_arrow_per_noise_sample():
    snap = _snap(presets.get("figure1"))
    fig = viz.figure1(snap, noise="normal")
    lines = fig.data[4]   # the arrows' shafts: (z, 0) -> (G(z), 1), separated by gaps
    x = np.asarray(lines.x)
    assert len(x) == 3 * len(snap.gz) and np.isnan(x[2::3]).all()
    np.testing.assert_allclose(x[1::3], np.clip(snap.gz, snap.x[0], snap.x[-1]), rtol=1e-6)


def test_history_charts_frame_their_data_with_fixed_ranges():
    """History charts carry explicit ranges (so the live chart can redraw them without a relayout) that
    hold every finite value; a log axis's range is in decades; nothing finite yet -> autorange."""
    rows = [{"iteration": i, "js": 0.5 / (1 + i), "kl_data_g": float("inf") if i < 3 else 2.0 / (1 + i),
             "kl_g_data": 1.0 / (1 + i), "w1": 0.8 / (1 + i), "value": -1.0 - 0.01 * i} for i in range(0, 50, 5)]
    fig = viz.metrics_history(rows)
    lo, hi = fig.layout.yaxis.range
    vals = [r[k] for r in rows for k in ("js", "kl_data_g", "kl_g_data", "w1") if np.isfinite(r[k])]
    assert lo < np.log10(min(vals)) and hi > np.log10(max(vals))
    assert tuple(fig.layout.xaxis.range) == (0, 45)
    v = viz.value_history(rows)
    lo, hi = v.layout.yaxis.range
    assert lo < -viz.LOG4 < hi and lo < min(r["value"] for r in rows) and hi > max(r["value"] for r in rows)
    empty = viz.metrics_history([{"iteration": 0, "js": float("nan")}])
    assert empty.layout.yaxis.range is None and empty.layout.xaxis.range is None


def test_history_charts_draw_noise_floor_bands_and_the_minus_log4_line():
    """A metric with a noise floor gets a grey band from 0 to the floor under its curve (and the axis frames
    it); V(D, G)'s chart has a horizontal line at −log 4 across the whole plot, named in the legend."""
    rows = [{"iteration": i, "js": 0.3 / (1 + i), "w1": 0.5, "value": -1.2} for i in range(0, 40, 4)]
    fig = viz.metrics_history(rows, keys=("js", "w1"), floors={"js": 1e-4, "w1": 0.0})
    names = [t.name for t in fig.data]
    assert names == ["JS(p_data‖p_g)", "JS(p_data‖p_g) noise floor", "W1"]   # no band for a zero floor
    band = fig.data[1]
    assert band.fill == "toself" and list(band.x) == [0, 36, 36, 0] and list(band.y) == [0, 0, 1e-4, 1e-4]
    assert fig.layout.yaxis.range[0] < np.log10(1e-4)
    # two floors: each band in its own metric's colour (two grey bands, one inside the other, read as one)
    two = viz.metrics_history(rows, keys=("js", "w1"), floors={"js": 1e-4, "w1": 0.02})
    bands = {t.name: t for t in two.data if t.name.endswith("noise floor")}
    lines = {t.name: t.line.color for t in two.data if not t.name.endswith("noise floor")}
    assert len(bands) == 2 and bands["JS(p_data‖p_g) noise floor"].fillcolor != bands["W1 noise floor"].fillcolor
    for name, band in bands.items():
        rgb = tuple(int(lines[name[:-len(" noise floor")]][i:i + 2], 16) for i in (1, 3, 5))
        assert band.fillcolor.startswith("rgba(%d,%d,%d," % rgb) and band.line.dash == "dash"
    v = viz.value_history(rows)
    line = v.data[-1]     # named in the legend: a label on the line sat on the curves that end on it
    assert list(line.x) == [0, 36] and list(line.y) == pytest.approx([-viz.LOG4] * 2)
    assert line.name == "p_g = p_data: -1.386" and not v.layout.annotations and not v.layout.shapes


def test_value_chart_compares_v_with_what_the_objective_says_it_reaches():
    """The value chart is objective-aware: for the GAN V against C(G) = −log 4 + 2·JS and the −log 4 line; for a
    critic V against the W1 it estimates and a line at 0 — no −log 4 for a critic (classroom issue, point 10)."""
    from gantoy import objectives

    rows = [{"iteration": i, "value": 0.3, "v_star": 0.4} for i in range(0, 40, 4)]
    for oid, label, line in (("gan", "C(G) = −log 4 + 2·JS", -viz.LOG4), ("wgan-gp", "W1", 0.0),
                             ("f:kl", "D_f = KL(P‖Q)", 0.0), ("hinge", "2·TV − 2", -2.0)):
        obj = objectives.get(oid)
        v = viz.value_history(rows, obj.optimum_label, obj.equilibrium_value(obj.p({})))
        assert v.data[1].name.startswith(label), (oid, v.data[1].name)
        assert list(v.data[-1].y) == pytest.approx([line] * 2) and v.data[-1].name.startswith("p_g = p_data"), oid


def test_nice_ceil_snaps_up_to_round_axis_tops():
    cases = {0.878: 1.0, 1.0: 1.0, 1.01: 1.2, 0.0123: 0.015, 7.2: 8.0, 8.5: 10.0, 250.0: 250.0, 0.0: 1.0}
    for v, top in cases.items():
        assert viz.nice_ceil(v) == pytest.approx(top), v


def test_figure1_density_axis_holds_every_curve_and_moves_rarely():
    """The density axis's top is a round number above p_data and p_g (p_g capped at 3 max p_data), and it
    stays put from frame to frame while p_g moves under it (the live chart then redraws only the curves)."""
    t = Trainer(presets.get("figure1"))
    tops = []
    for _ in range(12):
        t.step(40)
        snap = t.snapshot()
        top = viz.figure1(snap).layout.yaxis.range[1]
        cap = min(np.nanmax(snap.p_g), 3 * np.nanmax(snap.p_data))
        assert top >= 1.1 * max(np.nanmax(snap.p_data), cap) - 1e-9
        assert top < 1.1 * 4 / 3 * max(np.nanmax(snap.p_data), cap) + 1e-9   # nice steps are at most 1/3 apart (6 -> 8)
        tops.append(top)
    changes = sum(a != b for a, b in zip(tops, tops[1:]))
    assert changes <= 3, tops


def test_compare_history_shows_each_run_before_training_and_lines_after():
    # one recorded moment: a one-point line draws nothing (the compare lab's metric panels looked empty at first)
    one = [[{"iteration": 0, "js": 0.69, "w1": 1.9, "modes": 0}], [{"iteration": 0, "js": 0.5, "w1": 1.2, "modes": 1}]]
    fig = viz.compare_history(one, ["nsgan", "wgan-gp"])
    runs = [t for t in fig.data if t.name in ("nsgan", "wgan-gp")]
    assert len(runs) == 6 and {t.mode for t in runs} == {"markers"}
    # equal starting values share a spot: the later run's dot is smaller, so the earlier one shows around it
    sizes = {t.name: t.marker.size for t in runs}
    assert sizes["nsgan"] > sizes["wgan-gp"]
    # iterations from 0 on (plotly centred one point on −1..1), and a mode count never below 0
    assert all(tuple(fig.layout[a].range) == (-1, 10) for a in ("xaxis", "xaxis2", "xaxis3"))
    assert fig.layout.yaxis3.rangemode == "tozero"
    band = next(t for t in viz.compare_history(one, ["nsgan", "wgan-gp"], floors={"js": 1e-3}).data
                if t.name == "noise floor")
    assert list(band.x) == [0, 10, 10, 0]           # the caption's grey band shows before training too
    two = [h + [{**h[0], "iteration": 10}] for h in one]
    fig2 = viz.compare_history(two, ["nsgan", "wgan-gp"])
    assert {t.mode for t in fig2.data if t.name != "noise floor"} == {"lines"}
    assert fig2.layout.xaxis.range is None          # once trained: plotly's own range over the run


def test_a_divergence_infinite_at_every_shift_says_so_in_the_legend():
    # (P as strips: KL(Q‖P) is ∞ at every shift, and its legend entry had no curve and no word why)
    from gantoy.render import theory

    shifts = np.linspace(-1, 1, 5)
    fig = theory.divergence_curves(shifts, {"js": np.full(5, 0.3), "kl_qp": np.full(5, np.inf)},
                                   {"js": "JS", "kl_qp": "KL(Q‖P)"}, 0.0)
    assert [t.name for t in fig.data] == ["JS", "KL(Q‖P) (∞ at every shift: no curve)"]


def test_the_1d_view_reaches_where_g_starts_and_says_when_p_g_is_off_the_chart():
    """G starts near 0 (its output is not shifted to the data), so data placed at 6 gets a grid that reaches 0: p_g's
    slide onto p_data is on the chart (it sat in a tail cell, off the picture: the Wasserstein lesson showed no p_g).
    The presets' grids are unchanged (their data's range holds 0). Data placed too far for one grid: the chart
    says where p_g is."""
    from gantoy.measure.snapshot import data_key
    from gantoy.measure.views import views_1d

    far = Trainer(presets.get("figure1").with_sets({"data.means": [6.0], "objective.id": "wgan-gp"}))
    s = far.snapshot()
    assert s.x[0] < 0 < 6 < s.x[-1] and s.metrics["mass_outside"] < 1e-9
    assert np.sum(s.p_g) * (s.x[1] - s.x[0]) == pytest.approx(1.0, abs=1e-6)
    assert viz.figure1(s).layout.annotations[-1].text == ""               # no off-chart note
    edges = views_1d(data_key(presets.get("figure1").data))["edges"]
    assert (edges[0], edges[-1]) == pytest.approx((2 - 4 * 0.5 - 0.6, 2 + 4 * 0.5 + 0.6))   # 2 ± 4σ, 15 % each side
    very_far = Trainer(presets.get("figure1").with_sets({"data.means": [1000.0]})).snapshot()
    assert very_far.x[0] > 990 and very_far.metrics["mass_outside"] == pytest.approx(1.0)
    assert viz.figure1(very_far).layout.annotations[-1].text == "100 % of p_g lies left of the chart"
    # a diverged G's unknown mass (NaN) gives no note, not "nan % of p_g"
    assert viz.off_chart_note(float("nan"), very_far.gz, 0.0, 1.0) == "" == viz.off_chart_note(None, None, 0, 1)


def test_a_log_history_axis_spanning_decades_labels_the_decades_only():
    """Over two decades or more, ticks at the decades only (plotly's 2 and 5 between them crowded a third-width
    chart: "2 5 0.1 5 2"); a narrower range keeps plotly's ticks, or it would have one label or none."""
    wide = [{"iteration": i, "w1": 3.0 / (1 + i)} for i in range(0, 300, 10)]       # 3 … 0.01
    assert viz.metrics_history(wide, keys=("w1",)).layout.yaxis.dtick == 1
    huge = [{"iteration": i, "w1": 10.0 ** -i} for i in range(12)]                    # 1 … 1e-11: every 2 decades
    assert viz.metrics_history(huge, keys=("w1",)).layout.yaxis.dtick == 2
    narrow = [{"iteration": i, "w1": 1.0 + 0.1 * i} for i in range(5)]
    assert viz.metrics_history(narrow, keys=("w1",)).layout.yaxis.dtick is None
    runs = [[{"iteration": i, "w1": 3.0 / (1 + i), "js": 0.5, "modes": 2} for i in range(0, 300, 10)]] * 2
    fig = viz.compare_history(runs, ["a", "b"], keys=("js", "w1", "modes"))
    assert (fig.layout.yaxis.dtick, fig.layout.yaxis2.dtick, fig.layout.yaxis3.dtick) == (None, 1, None)


def test_the_gaussian_fits_legend_never_says_minus_zero():
    """A direct fit at μ = -2e-7 (JS on the symmetric bimodal lesson) is at 0, and the legend says 0.00."""
    from gantoy.render import theory

    x = np.linspace(-4, 4, 50)
    fig = theory.gaussian_fits(x, np.ones(50), {"JS": (-2e-7, 2.04)}, {"JS": (-0.004, 2.0)})
    assert [t.name for t in fig.data[1:]] == ["JS: μ=0.00, σ=2.04", "JS (f-GAN): μ=0.00, σ=2.00"]
    assert theory.gaussian_fits(x, np.ones(50), {"KL": (-1.9998, 0.5)}).data[1].name == "KL: μ=-2.00, σ=0.50"
