"""The conditional lab's timeline and state file (gantoy/session/condlab.py, condsaved.py): a rewound moment draws
the same samples and report as when it was drawn, training on from it retraces the run, a saved state loads back
to the same report and trains on identically, and bad files are refused with the reason, the run kept."""
import io
import re

import numpy as np
import pytest
import torch

from gantoy.core.config import ConfigError
from gantoy.session import condsaved, saved
from gantoy.session.condlab import MOMENTS, CondLab
from gantoy.session.lab import Lab
from gantoy.theory import conditional as CD
from tests.apphelp import open_page

SMALL = dict(hidden=16, depth=1, batch=64)


def _lab(toy="fork", method="gcds", seed=0) -> CondLab:
    return CondLab(CD.CondConfig(toy=toy, method=method, seed=seed, **SMALL))


def _report(tr):
    return CD.fork_report(tr, xs=(-1.5, 1.5), n=400) if tr.toy.id == "fork" else CD.class_report(tr, n=400)


def _drawn(lab, chunks=4, each=30) -> dict:
    """Train ``chunks`` chunks, recording a moment after each (as the page's redraws do); {iteration: report}."""
    seen = {}
    for _ in range(chunks):
        lab.trainer.step(each)
        lab.snap
        seen[lab.trainer.iteration] = _report(lab.shown)
    return seen


def test_a_rewound_moment_redraws_what_was_drawn_then_and_training_retraces_the_run():
    lab = _lab()
    seen = _drawn(lab)
    assert [k[0] for k in lab.moments()] == list(seen)
    lab.rewind(60)
    assert lab.rewound == (60, 60, 60) and lab.shown.iteration == 60
    assert _report(lab.shown) == seen[60]                       # the same samples, the same numbers
    assert lab.trainer.iteration == 120                          # nothing retrained
    after = {k: v.clone() for k, v in lab.trainer.G.state_dict().items()}
    assert lab.continue_from_rewound() == ""
    assert lab.trainer.iteration == 60 and [k[0] for k in lab.moments()] == [30, 60]
    lab.trainer.step(60)
    assert all(torch.equal(v, after[k]) for k, v in lab.trainer.G.state_dict().items())   # the same run again


def test_the_timeline_keeps_a_bounded_record_spanning_the_run():
    lab = _lab()
    for _ in range(3 * MOMENTS):
        lab.trainer.step(1)
        lab.snap
    its = [k[0] for k in lab.moments()]
    assert len(its) <= MOMENTS and its[0] <= 2 and its[-1] == 3 * MOMENTS
    assert all(lab.checkpoint_at(i) is not None for i in its)    # every moment can be continued from


@pytest.mark.parametrize("toy, method", [("fork", "gcds"), ("classes", "cgan")])
def test_a_saved_state_loads_back_and_trains_on_identically(toy, method):
    lab = _lab(toy, method, seed=3)
    lab.trainer.step(40)
    raw = condsaved.dump(lab)
    other = _lab()                                               # another toy and seed in the lab
    note = condsaved.restore(other, condsaved.read(raw, other))
    assert "iteration 40" in note and other.cfg == lab.cfg
    a, b = lab.trainer, other.trainer
    assert np.array_equal(a.joint(300)[1], b.joint(300)[1])
    a.step(25)
    b.step(25)
    assert a.iteration == b.iteration == 65 and np.array_equal(a.joint(300)[1], b.joint(300)[1])


def _tampered(change):
    lab = _lab()
    lab.trainer.step(5)
    s = torch.load(io.BytesIO(condsaved.dump(lab)), weights_only=True)
    change(s)
    buf = io.BytesIO()
    torch.save(s, buf)
    return buf.getvalue()


BAD = [
    (lambda: b"not a state file at all", "not a gantoy state file"),
    (lambda: saved.dump(Lab("figure1", __import__("gantoy.lessons.presets", fromlist=["x"]).get("figure1"))),
     "saved in the 'figure1' lab"),
    (lambda: _tampered(lambda s: s["cond"].update(toy="spiral")), "configuration is not valid here (toy"),
    (lambda: _tampered(lambda s: s["cond"].update(colour="red")), "configuration is not valid here"),
    (lambda: _tampered(lambda s: s["trainer"]["G"].update({k: torch.zeros(3) for k in list(s["trainer"]["G"])[:1]})),
     "has shape"),
    (lambda: _tampered(lambda s: s["trainer"]["D"].update({k: v * float("nan") for k, v in s["trainer"]["D"].items()})),
     "NaN or inf"),
    (lambda: _tampered(lambda s: s["trainer"].update(rng={"bit_generator": "MT19937"})), "batch random stream"),
    (lambda: _tampered(lambda s: s["trainer"].update(gen=torch.zeros(3))), "noise random stream"),
    (lambda: _tampered(lambda s: s["trainer"].update(iteration=-4)), "iteration is -4"),
    # (these three once passed the check and failed later: torch.manual_seed(True), formatting a string loss,
    # the next Adam step on a wrong-shape step count)
    (lambda: _tampered(lambda s: s["cond"].update(seed=True)), "configuration is not valid here (seed"),
    (lambda: _tampered(lambda s: s["trainer"].update(losses={"d": "x", "g": "y"})), "last losses are damaged"),
    (lambda: _tampered(lambda s: s["trainer"]["opt_d"].update(t_run=torch.zeros(7, 2))), "per-run step counts"),
]


@pytest.mark.parametrize("make, message", BAD)
def test_bad_state_files_are_refused_with_the_reason(make, message):
    lab = _lab(seed=5)
    lab.trainer.step(7)
    before = _report(lab.trainer)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        condsaved.read(make(), lab)
    assert lab.trainer.iteration == 7 and _report(lab.trainer) == before


def test_the_conditional_page_rewinds_and_continues_from_a_moment():
    at = open_page("labs/conditional.py", timeout=120)
    lab = at.session_state["cond:lab"]
    for _ in range(3):
        at.button(key="cond:step").click().run()
    assert [k[0] for k in lab.moments()] == [0, 100, 200, 300] and not at.exception
    slider = next(s for s in at.select_slider if s.label.startswith("Timeline"))
    slider.set_value(1).run()                    # its position: the second moment
    assert lab.rewound == (100, 100, 100)
    assert any("iteration 100 " in c.value for c in at.caption)          # the chart's caption: that moment
    assert any("Viewing iteration 100" in i.value for i in at.info)
    at.button(key="tl:conditional:go").click().run()
    assert lab.trainer.iteration == 100 and lab.rewound is None and not at.exception
    at.button(key="cond:exp:go").click().run()                        # export the range 0 … 100
    dl = [d for d in at.get("download_button") if d.proto.label.startswith("Download GIF")]
    assert dl and not at.exception
    # (the state file's buttons are driven in chromium: tests/test_browser.py, a real download and upload)


@pytest.mark.parametrize("toy, method", [("fork", "gcds"), ("classes", "cgan")])
def test_an_exported_range_has_one_frame_per_moment_in_it(toy, method):
    import imageio.v3 as iio

    from gantoy.render import animation, condanim

    lab = _lab(toy, method)
    _drawn(lab, chunks=5, each=10)                      # moments 10 … 50
    truth = lab.trainer.toy.sample(500, np.random.default_rng(7))
    done = []
    gif = animation.encode_gif(condanim.images(lab.joints(20, 40, n=300), truth, "t", progress=done.append), 4)
    frames = iio.imread(gif, index=None)
    assert frames.shape[0] == 3 and done == [1, 2, 3]     # iterations 20, 30, 40
    assert not np.array_equal(frames[0], frames[-1])      # the samples moved
    mp4 = animation.encode_mp4(condanim.images(lab.joints(10, 50, n=300), truth, "t"), 4)
    assert mp4[4:8] == b"ftyp"


def test_an_exported_range_as_html_and_a_bad_format():
    from gantoy.render import condanim

    lab = _lab("fork", "gcds")
    _drawn(lab, chunks=3, each=10)                      # moments 10 … 30
    truth = lab.trainer.toy.sample(300, np.random.default_rng(7))
    seen = []
    page = condanim.export(lab.joints(10, 30, n=200), truth, "t", "HTML", 3,
                           progress=lambda f, t: seen.append(t)).decode()
    frames = page[page.index("Plotly.addFrames"):]
    assert page.lstrip().lower().startswith("<!doctype html>") and re.findall(r'"name":"(\d+)"', frames) == ["10", "20", "30"]
    assert "t \\u2014 iteration 30" in frames   # (JSON writes the dash escaped)
    with pytest.raises(ConfigError, match="format: 'WEBM' is not one of GIF, MP4, HTML"):
        condanim.export(lab.joints(10, 30), truth, "t", "WEBM", 3)


def test_the_timeline_keeps_states_within_the_memory_budget():
    """A loaded file may hold networks far bigger than the page's (hidden 512, depth 6: ~37 MB a state): the
    timeline then keeps fewer moments, as the training labs' does, not 32 of them (over 1 GB)."""
    from gantoy.session.timeline import CHECKPOINT_BYTES, _nbytes

    small = _lab()
    small.record()
    assert small.checkpoints.capacity == MOMENTS
    big = CondLab(CD.CondConfig(hidden=512, depth=6, batch=8))
    big.record()
    size = _nbytes(big.trainer.export_state())
    assert big.checkpoints.capacity == 4 and 4 * size > CHECKPOINT_BYTES     # the floor: a timeline needs a few
    mid = CondLab(CD.CondConfig(hidden=128, depth=3, batch=8))
    mid.record()
    assert 4 < mid.checkpoints.capacity < MOMENTS
    t = mid.trainer
    each = 3 * _nbytes({"G": t.G.state_dict(), "D": t.D.state_dict()}) + _nbytes(t.avg.net.state_dict())
    assert mid.checkpoints.capacity * each <= CHECKPOINT_BYTES < (mid.checkpoints.capacity + 1) * each


def test_an_exported_file_of_an_earlier_run_is_not_offered():
    at = open_page("labs/conditional.py", timeout=120)
    for _ in range(2):
        at.button(key="cond:step").click().run()
    at.button(key="cond:exp:go").click().run()
    assert [d for d in at.get("download_button") if d.proto.label.startswith("Download GIF")]
    at.button(key="cond:reset").click().run()
    for _ in range(2):                 # the same iterations, range and format: another run
        at.button(key="cond:step").click().run()
    assert not [d for d in at.get("download_button") if d.proto.label.startswith("Download GIF")]
    assert not at.exception


def test_a_link_carries_the_learning_rate_averaging_seed_and_condition():
    at = open_page("labs/conditional.py", params={"cond:method": "cgan", "cond:lr": "0.005", "cond:ema": "0.9",
                                                  "cond:seed": "7", "cond:x0": "-0.5"})
    lab = at.session_state["cond:lab"]
    assert not at.exception and not at.warning
    assert (lab.cfg.method, lab.cfg.lr, lab.cfg.ema, lab.cfg.seed) == ("cgan", 0.005, 0.9, 7)
    assert at.slider(key="cond:x0").value == -0.5
    share = next(m.value for m in at.markdown if "cond%3Alr" in m.value or "cond:lr" in m.value)
    assert all(s in share.replace("%3A", ":") for s in ("cond:lr=0.005", "cond:ema=0.9", "cond:seed=7", "cond:x0=-0.5"))
    bad = open_page("labs/conditional.py", params={"cond:lr": "7", "cond:seed": "-1", "cond:x0": "nan"})
    text = " ".join(w.value for w in bad.warning)
    assert not bad.exception and all(k in text for k in ("cond:lr = '7'", "cond:seed = '-1'", "cond:x0 = 'nan'"))
    assert bad.session_state["cond:lab"].cfg == CD.CondConfig()        # the lab opens with its defaults
