"""Save and load a lab's trained state (gantoy/session/saved.py): the loaded state gives the same numbers as
the moment it was saved and trains on exactly as if it had never stopped; bad, foreign, mismatched and
malicious files get one sentence each, and the lab keeps its run."""
import io
import math
import os
import pickle

import pytest
import torch

from gantoy.core.config import ConfigError
from gantoy.lessons import presets
from gantoy.session import saved
from gantoy.session.lab import EnsembleLab, Lab


def _same_metrics(a, b):
    assert a.keys() == b.keys()
    for k in a:
        x, y = float(a[k]), float(b[k])
        assert (math.isnan(x) and math.isnan(y)) or x == y, k


def _fig1(steps=120):
    lab = Lab("figure1", presets.get("figure1"), "figure1")
    lab.trainer.step(steps)
    return lab


@pytest.mark.parametrize("name, preset", [("figure1", "figure1"), ("playground", "ring8")])
def test_saved_state_loads_back_to_identical_metrics_and_trains_on_identically(name, preset):
    lab = Lab(name, presets.get(preset).with_set("train.ema", 0.99), preset)
    lab.trainer.step(60)
    before = dict(lab.snap.metrics)
    raw = saved.dump(lab)
    other = Lab(name, presets.get(preset), preset)         # a fresh lab, another session or another day
    msg = saved.restore(other, saved.read(raw, other))
    assert "iteration 60" in msg and other.trainer.iteration == 60
    _same_metrics(before, other.snap.metrics)
    assert other.cfg.train.ema == 0.99 and other.history.rows[:-1] == lab.history.rows[:-1]
    lab.trainer.step(40)
    other.trainer.step(40)                                  # same optimiser moments, same random streams
    _same_metrics(lab.snap.metrics, other.snap.metrics)


def test_ensemble_state_round_trip():
    from gantoy.lessons import compare

    cfg = presets.get("ring8").with_sets({"model.hidden": 16})
    cfgs, labels = compare.build(cfg, "objective", ["nsgan", "wgan-gp"])
    lab = EnsembleLab("compare", cfgs, labels, "ring8")
    lab.trainer.step(20)
    before = [dict(s.metrics) for s in lab.snaps]
    other = EnsembleLab("compare", [presets.get("ring8").with_sets({"model.hidden": 16})] * 2, ["a", "b"], "ring8")
    with pytest.raises(ConfigError, match="saved in the 'figure1' lab"):   # another lab's file
        saved.read(saved.dump(_fig1(5)), other)
    saved.restore(other, saved.read(saved.dump(lab), other))
    assert other.labels == labels and [c.objective.id for c in other.cfgs] == [c.objective.id for c in cfgs]
    for a, b in zip(before, other.snaps):
        _same_metrics(a, b.metrics)
    lab.trainer.step(10)
    other.trainer.step(10)                                  # every run trains on as if it had never stopped
    for a, b in zip(lab.snaps, other.snaps):
        _same_metrics(a.metrics, b.metrics)


class _Evil:
    def __reduce__(self):
        return (os.system, ("touch /tmp/gantoy-evil-marker",))


def _torch_bytes(obj):
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def _tampered(change):
    lab = _fig1(10)
    lab.snap                    # a recorded moment: the history has a row
    buf = io.BytesIO(saved.dump(lab))
    payload = torch.load(buf, weights_only=True)
    change(payload)
    return _torch_bytes(payload)


def _nan_weights(p):
    k = next(iter(p["trainer"]["G"]))
    p["trainer"]["G"][k] = p["trainer"]["G"][k] * float("nan")


def _wrong_shape(p):
    k = next(iter(p["trainer"]["D"]))
    p["trainer"]["D"][k] = torch.zeros(3, 3)


def _no_v(p):
    for st in p["trainer"]["opt_g"]["state"]:
        st.pop("v", None)


def _f64_moment(p):
    st = p["trainer"]["opt_g"]["state"][0]
    st["m"] = st["m"].double()


def _bad_config(p):
    p["configs"] = ['{"train": {"lr_d": -1}}']


BAD = [
    (lambda: b"\x00" * 100, "not a gantoy state file"),
    (lambda: pickle.dumps(_Evil()), "not a gantoy state file"),
    (lambda: _torch_bytes(_Evil()), "not a gantoy state file"),
    (lambda: _torch_bytes({"hello": 1}), "no 'gantoy-state' header"),
    (lambda: _tampered(lambda p: p.update(version=99)), "version 99"),
    (lambda: _tampered(lambda p: p.update(lab="playground")), "saved in the 'playground' lab"),
    (lambda: _tampered(_bad_config), "configuration is not valid"),
    (lambda: _tampered(_nan_weights), "NaN or inf"),
    (lambda: _tampered(_wrong_shape), "has shape"),
    (lambda: _tampered(lambda p: p["trainer"].update(iteration=-3)), "iteration is -3"),
    (lambda: _tampered(lambda p: p.update(history="x")), "history is damaged"),
    (lambda: _tampered(lambda p: p.update(labels=5)), "labels or lesson name are damaged"),
    (lambda: _tampered(lambda p: p.update(lesson=["ring8"])), "labels or lesson name are damaged"),
    (lambda: _tampered(lambda p: p["history"][0][0].pop("iteration")), "history is damaged"),
    (lambda: _tampered(_no_v), "the adam optimiser keeps"),
    (lambda: _tampered(_f64_moment), "wrong shape or type"),
    (lambda: _tampered(lambda p: p["trainer"]["opt_d"].update(state="abc")), "one state per parameter"),
    (lambda: _tampered(lambda p: p["trainer"]["opt_d"].update(t_run=torch.zeros(3))), "per-run step counts"),
    (lambda: _tampered(lambda p: p["trainer"].update(run_d_updates=["x"])), "D update counts are damaged"),
    (lambda: _tampered(lambda p: p["trainer"].update(run_d_updates=[10 ** 9])), "D update counts are damaged"),
    (lambda: b"x" * (saved.MAX_BYTES + 1), "limit 50 MB"),
]


@pytest.mark.parametrize("make, message", BAD)
def test_bad_state_files_are_refused_and_the_run_is_kept(make, message):
    if os.path.exists("/tmp/gantoy-evil-marker"):
        os.remove("/tmp/gantoy-evil-marker")
    lab = _fig1(30)
    before = dict(lab.snap.metrics)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        saved.read(make(), lab)
    assert lab.trainer.iteration == 30
    _same_metrics(before, lab.snap.metrics)
    assert not os.path.exists("/tmp/gantoy-evil-marker")     # nothing in the file ran


def test_a_playground_state_is_refused_by_figure1_with_the_reason():
    pg = Lab("playground", presets.get("ring8"), "ring8")
    with pytest.raises(ConfigError, match="saved in the 'playground' lab; load it there"):
        saved.read(saved.dump(pg), _fig1(1))


def test_the_compare_lab_saves_and_loads_every_run_in_the_app():
    from tests.apphelp import open_page, share_link

    at = open_page("labs/compare.py", timeout=120)
    at.selectbox(key="cmp:data").set_value("bimodal1d")
    at.radio(key="cmp:mode").set_value("k")
    at.multiselect(key="cmp:ks").set_value([1, 4])
    at.button(key="FormSubmitter:cmp:setup-Set up runs").click().run()
    lab = at.session_state["lab:compare"]
    for _ in range(3):
        at.button(key="step:compare").click().run()
    before = [dict(s.metrics) for s in lab.snaps]
    raw = saved.dump(lab)
    at.selectbox(key="cmp:data").set_value("figure1")                # another comparison, then load the first
    at.radio(key="cmp:mode").set_value("seed")
    at.multiselect(key="cmp:seeds").set_value([3, 7])
    at.multiselect(key="cmp:ks").set_value([2, 5])
    at.button(key="FormSubmitter:cmp:setup-Set up runs").click().run()
    at.button(key="step:compare").click().run()
    upload = at.file_uploader(key="state:compare:file")
    upload.upload("bad.pt", os.urandom(2000)).run()
    at.button(key="state:compare:load").click().run()
    assert any("Not loaded: not a gantoy state file" in e.value for e in at.error) and not at.exception
    assert lab.labels == ["seed 3", "seed 7"] and lab.trainer.iteration == 1
    at.file_uploader(key="state:compare:file").set_value(("state.pt", raw, "application/octet-stream")).run()
    at.button(key="state:compare:load").click().run()
    assert not at.exception and any("Loaded the trained state: iteration 3" in s.value for s in at.success)
    assert lab.labels == ["k = 1", "k = 4"] and lab.cfg.data.name == "bimodal1d" and lab.trainer.iteration == 3
    # the curves came back but not the pictures: the timeline says where it starts instead of vanishing unsaid
    assert any("Timeline: starts at iteration 3, the loaded moment" in c.value for c in at.caption)
    for a, b in zip(before, lab.snaps):                               # both runs, the numbers saved
        _same_metrics(a, b.metrics)
    assert any(m.value.startswith("Runs: **k = 1** · **k = 4**") for m in at.markdown)
    # the sidebar and the share link describe the loaded runs (opening the link sets them up again)
    assert (at.selectbox(key="cmp:data").value, at.radio(key="cmp:mode").value) == ("bimodal1d", "k")
    assert at.multiselect(key="cmp:ks").value == [1, 4]
    assert "cmp:ks=1&cmp:ks=4" in share_link(at).replace("%3A", ":")


def test_a_file_saved_before_the_per_run_count_gets_each_runs_own_counts_in_its_rows():
    """Old files hold the ensemble's D count in every run's metric rows: they are recovered as the trainer recovers
    its counter, so the CSV says each run's own and continuing from the loaded moment keeps the earlier rows."""
    from gantoy.lessons import compare

    cfgs, labels = compare.build(presets.get("bimodal1d").with_sets({"model.hidden": 16}), "k", [1, 4])
    lab = EnsembleLab("compare", cfgs, labels, "bimodal1d")
    for _ in range(4):
        lab.trainer.step(3)
        lab.snaps
    rows = [[dict(r) for r in h.rows] for h in lab.histories]
    assert [r["d_updates"] for r in rows[0]] == [3, 6, 9, 12] and [r["d_updates"] for r in rows[1]] == [12, 24, 36, 48]
    payload = torch.load(io.BytesIO(saved.dump(lab)), weights_only=True)
    del payload["trainer"]["run_d_updates"]
    for h in payload["history"]:          # as written before the count: the ensemble's for every run
        for r in h:
            r["d_updates"] = 4 * r["iteration"]
    other = EnsembleLab("compare", cfgs, labels, "bimodal1d")
    saved.restore(other, saved.read(_torch_bytes(payload), other))
    assert [[dict(r) for r in h.rows] for h in other.histories] == rows
    other.snaps                           # the loaded moment, recorded with a state to continue from
    other.trainer.step(3)
    other.snaps
    other.rewind(12)
    assert other.checkpoint_at(12) is not None and other.continue_from_rewound() == ""
    assert [r["iteration"] for r in other.histories[0].rows] == [3, 6, 9, 12]
    assert other.trainer.run_d_updates == [12, 48]
