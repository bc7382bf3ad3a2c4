"""Presets: valid, documented, and the Figure 1 preset reaches panel (d)."""
import numpy as np

from gantoy import presets
from gantoy import Trainer
from gantoy.measure import optimum

REQUIRED = ["figure1", "bimodal1d", "trimodal1d", "ring8", "grid25", "swissroll"]


def test_required_presets_exist_with_docstrings():
    for name in REQUIRED:
        assert name in presets.names()
        assert len(presets.describe(name)) > 40
        assert presets.get(name).train.steps <= 5000


def test_figure1_reaches_equilibrium():
    """Panel (d): after the documented steps from the default seed, JS <= 0.01 nats and D within
    0.05 of 1/2 on average under p_data."""
    cfg = presets.get("figure1")
    tr = Trainer(cfg)
    tr.step(cfg.train.steps)
    s = tr.snapshot()
    dx = s.x[1] - s.x[0]
    flat = float(np.sum(s.p_data * dx * np.abs(s.d - 0.5)))
    assert s.metrics["js"] <= 0.01, s.metrics["js"]
    assert flat <= 0.05, flat
    assert tr.status.state == "ok"
    # and panel (b) at the end: D trained to its optimum exactly reaches D* (tests/test_optimum.py has the rest)
    o = optimum.solve(tr)
    assert o.err <= optimum.TOL and o.verdict().startswith(("D reached D*", "D is already at D*"))


def test_figure1_starts_far_from_the_data():
    """The lesson is p_g *sliding* onto p_data: at iteration 0 they barely overlap."""
    s = Trainer(presets.get("figure1")).snapshot()
    assert s.metrics["js"] > 0.5
