"""A lab's trained state as a file: save the networks, their weight average, both optimisers, the random
generators, the counters and the metric history; load it later (a teacher starts class from a trained moment).

The file is ``torch.save`` of plain containers, tensors and text; it is read with
``torch.load(weights_only=True)`` (no code runs while loading: nothing is unpickled beyond tensors and
containers), size-capped, and checked field by field before anything in the lab changes: a bad, foreign or
mismatched file gets one sentence saying why, and the current run is kept. Loading gives the same numbers
as the moment it was saved, and training on from it the same as if it had never stopped (tests/test_saved.py).
"""
from __future__ import annotations

import io
import warnings

import torch

from gantoy.core.config import ConfigError, RunConfig
from gantoy.core.history import ROW_CAPACITY
from gantoy.measure.trainer import Trainer

FORMAT = "gantoy-state"
VERSION = 1
MAX_BYTES = 50_000_000     # the labs' networks take well under 1 MB; a bigger file is not ours


def dump(lab) -> bytes:
    """The lab's state now (call between training chunks: the UI holds the gate while it does)."""
    ensemble = hasattr(lab, "cfgs")
    cfgs = lab.cfgs if ensemble else [lab.cfg]
    payload = {"format": FORMAT, "version": VERSION, "lab": lab.name, "ensemble": ensemble,
               "configs": [c.to_json() for c in cfgs], "labels": list(getattr(lab, "labels", [])),
               "lesson": lab.lesson or "", "past_lesson": bool(lab.past_lesson),
               "trainer": lab.trainer.export_state(), "history": [list(h.rows) for h in lab.histories]}
    buf = io.BytesIO()
    torch.save(payload, buf)
    return buf.getvalue()


def _fail(why: str):
    raise ConfigError(why)


def load_checked(raw: bytes, lab_name: str, ensemble: bool = False) -> dict:
    """A state file's dict, read safely, after its size, header, version and lab are checked (the lab's own
    fields are checked by its reader); ConfigError with the reason otherwise."""
    if len(raw) > MAX_BYTES:
        _fail(f"the file is {len(raw) / 1e6:.0f} MB; a gantoy state file is far smaller (limit {MAX_BYTES // 10**6} MB)")
    try:
        with warnings.catch_warnings():   # a foreign pickle's protocol warning: the refusal below says it all
            warnings.simplefilter("ignore")
            s = torch.load(io.BytesIO(raw), weights_only=True, map_location="cpu")
    except Exception as e:   # torch raises many kinds for a foreign file (zip, unpickling, EOF ...)
        _fail(f"not a gantoy state file (torch could not read it safely: {type(e).__name__})")
    if not isinstance(s, dict) or s.get("format") != FORMAT:
        _fail("not a gantoy state file (no 'gantoy-state' header); save one with 'Save the trained state'")
    if s.get("version") != VERSION:
        _fail(f"state file version {s.get('version')!r}; this gantoy reads version {VERSION}")
    if bool(s.get("ensemble")) != ensemble or s.get("lab") != lab_name:
        _fail(f"this state was saved in the {s.get('lab')!r} lab; load it there (this is {lab_name!r})")
    return s


def read(raw: bytes, lab) -> dict:
    """The checked contents of a state file for ``lab``, with a ready Trainer under "trainer_obj"; raises
    ConfigError with the reason when the file cannot be loaded here."""
    ensemble = hasattr(lab, "cfgs")
    s = load_checked(raw, lab.name, ensemble)
    try:
        cfgs = [RunConfig.from_json(c) for c in s["configs"]]
        tr = Trainer.from_configs(cfgs) if ensemble else Trainer(cfgs[0])
    except (ConfigError, KeyError, TypeError) as e:
        _fail(f"its configuration is not valid here ({e})")
    if tr.dim != lab.trainer.dim:
        _fail(f"its data are {tr.dim}-D; this lab trains {lab.trainer.dim}-D data")
    state = s.get("trainer")
    try:
        _check_state(tr, state)
        tr.import_state(state)
    except Exception as e:   # a damaged file can fail in many ways; every one is a refusal, never a traceback
        _fail(f"its networks do not match its configuration ({(str(e).splitlines() or [type(e).__name__])[0][:160]})")
    hist = s.get("history")
    ok_row = (lambda r: isinstance(r, dict) and all(isinstance(r.get(k), int) and not isinstance(r.get(k), bool)
                                                     for k in ("iteration", "d_updates", "g_updates")))
    if not (isinstance(hist, list) and len(hist) == (len(cfgs) if ensemble else 1)
            and all(isinstance(h, list) and len(h) <= ROW_CAPACITY and all(ok_row(r) for r in h) for h in hist)):
        _fail("its metric history is damaged")
    labels, lesson = s.get("labels") or [], s.get("lesson") or None
    if not (isinstance(labels, list) and all(isinstance(x, str) for x in labels)
            and (lesson is None or isinstance(lesson, str))):
        _fail("its run labels or lesson name are damaged")   # pages show them and key their charts by them
    if "run_d_updates" not in state:   # saved before the per-run count: the rows hold the ensemble's; each run's own
        # is recovered exactly as the trainer's counter is (Trainer.own_d_updates)
        hist = [[{**r, "d_updates": tr.own_d_updates(r["d_updates"], r["iteration"])[run]} for r in h]
                for run, h in enumerate(hist)]
    return {"configs": cfgs, "labels": labels, "lesson": lesson,
            "past_lesson": bool(s.get("past_lesson")), "history": hist, "trainer_obj": tr}


def _check_state(tr, state):
    """Types, shapes and finiteness of what import_state would load (it trusts its input)."""
    check_nets(tr, state, ("iteration", "d_updates", "g_updates"))
    gens = state["gens"]
    if len(gens) != tr.R or not all(isinstance(g, torch.Tensor) and g.dtype == torch.uint8 for g in gens):
        raise ValueError("random generator states are damaged")
    runs = state.get("run_d_updates")     # each run's own D updates (absent in files saved before the count)
    if runs is not None and not (isinstance(runs, list) and len(runs) == tr.R and all(
            isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= state["d_updates"] for n in runs)):
        raise ValueError("the runs' D update counts are damaged")


def check_nets(tr, state, counters: tuple):
    """The counters (whole numbers ≥ 0) and the networks, weight average and optimisers of a trainer state
    (core/guard.py's ``nets_state``) for trainer ``tr``: types, shapes and finiteness. Raises with the reason."""
    if not isinstance(state, dict):
        raise TypeError("no trainer state")
    for key in counters:
        v = state[key]
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise ValueError(f"{key} is {v!r}")
    nets = {"G": tr.G, "D": tr.D} | ({"G_avg": tr.avg.net} if tr.avg is not None else {})
    for name, net in nets.items():
        mine = net.state_dict()
        theirs = state[name]
        if not isinstance(theirs, dict) or set(theirs) != set(mine):
            raise ValueError(f"{name} has other layers")
        for k, v in theirs.items():
            if not isinstance(v, torch.Tensor) or v.shape != mine[k].shape:
                raise ValueError(f"{name}.{k} has shape {getattr(v, 'shape', None)}, expected {tuple(mine[k].shape)}")
            if not bool(torch.isfinite(v).all()):
                raise ValueError(f"{name}.{k} holds NaN or inf")
    for name, opt in (("opt_d", tr.opt_d), ("opt_g", tr.opt_g)):
        sd = state[name]
        if not isinstance(sd, dict) or not isinstance(sd.get("state"), list) or len(sd["state"]) != len(opt.params):
            raise ValueError(f"{name} does not hold one state per parameter tensor ({len(opt.params)})")
        t = sd.get("t_run")   # per-run step counts [R, 1, 1] (R = 1 for a lone trainer)
        if t is not None and (not isinstance(t, torch.Tensor) or tuple(t.shape) != (getattr(tr, "R", 1), 1, 1)):
            raise ValueError(f"{name}'s per-run step counts are damaged")
        for p, st in zip(opt.params, sd["state"]):
            if not isinstance(st, dict):
                raise ValueError(f"{name} holds a {type(st).__name__} where a state is expected")
            want = set(opt._zero_state(p, p)) if st else set()   # empty before the first step
            if set(st) != want:
                raise ValueError(f"{name} moments {sorted(st)}; the {opt.kind} optimiser keeps {sorted(want)}")
            for k, v in st.items():
                if not isinstance(v, torch.Tensor) or v.shape != p.shape or v.dtype != p.dtype:
                    raise ValueError(f"{name} moment {k} has the wrong shape or type")
                if not bool(torch.isfinite(v).all()):
                    raise ValueError(f"{name} moment {k} holds NaN or inf")
        if isinstance(sd.get("t"), bool) or not isinstance(sd.get("t"), int) or sd["t"] < 0:
            raise ValueError(f"{name} step count is {sd.get('t')!r}")


def restore(lab, contents: dict) -> str:
    """Put what ``read`` returned into the lab (nothing can fail any more); returns what to tell the user."""
    tr = contents["trainer_obj"]
    if hasattr(lab, "cfgs"):
        labels = contents["labels"] if len(contents["labels"]) == len(contents["configs"]) else lab.labels
        lab.reset(cfgs=contents["configs"], labels=labels)
    else:
        lab.reset(contents["configs"][0])
    for h, rows in zip(lab.histories, contents["history"]):
        h.rows = list(rows)
    lab.trainer = tr
    lab.lesson = contents["lesson"]
    lab.past_lesson = contents["past_lesson"]
    return (f"Loaded the trained state: iteration {tr.iteration} ({tr.d_updates} D updates, {tr.g_updates} G "
            f"updates); Train goes on from there.")
