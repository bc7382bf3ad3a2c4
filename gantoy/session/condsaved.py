"""The conditional lab's trained state as a file, read the same safe way as the training labs' (session/saved.py):
``torch.save`` of plain containers, tensors and numbers; ``torch.load(weights_only=True)``; size-capped; every
field checked before the lab changes, a bad file refused with one sentence and the current run kept. Loading
gives the same samples and report as the moment it was saved, and training on from it the same as if it had
never stopped (tests/test_condlab.py)."""
from __future__ import annotations

import io
from dataclasses import asdict

import torch

from gantoy.core.config import ConfigError
from gantoy.session import saved
from gantoy.theory.conditional import CondConfig, CondTrainer

LAB = "conditional"


def dump(lab) -> bytes:
    payload = {"format": saved.FORMAT, "version": saved.VERSION, "lab": LAB, "ensemble": False,
               "cond": asdict(lab.cfg), "trainer": lab.trainer.export_state()}
    buf = io.BytesIO()
    torch.save(payload, buf)
    return buf.getvalue()


def read(raw: bytes, lab) -> dict:
    """{"cfg", "trainer_obj"} from a state file of the conditional lab; ConfigError with the reason otherwise."""
    s = saved.load_checked(raw, lab_name=LAB)
    cond = s.get("cond")
    try:
        cfg = CondConfig(**cond).check()
        tr = CondTrainer(cfg)
    except Exception as e:   # (any failure to build from the file's settings is a refusal, never a traceback)
        raise ConfigError(f"its configuration is not valid here ({str(e)[:160]})") from None
    state = s.get("trainer")
    try:
        saved.check_nets(tr, state, ("iteration",))
        _check_streams(tr, state)
        tr._load(state)
    except Exception as e:   # a damaged file can fail in many ways; every one is a refusal, never a traceback
        raise ConfigError("its networks do not match its configuration "
                          f"({(str(e).splitlines() or [type(e).__name__])[0][:160]})") from None
    return {"cfg": cfg, "trainer_obj": tr}


def _check_streams(tr, state):
    """The batch stream (numpy) and the noise stream (torch) of the file are of this trainer's kinds."""
    rng, gen = state.get("rng"), state.get("gen")
    if not isinstance(rng, dict) or rng.get("bit_generator") != tr.rng.bit_generator.state["bit_generator"]:
        raise ValueError("the batch random stream is damaged")
    mine = tr.gen.get_state()
    if not isinstance(gen, torch.Tensor) or gen.dtype != mine.dtype or gen.shape != mine.shape:
        raise ValueError("the noise random stream is damaged")
    losses = state.get("losses")
    if not isinstance(losses, dict) or set(losses) != {"d", "g"} or any(
            isinstance(v, bool) or not isinstance(v, (int, float)) for v in losses.values()):
        raise ValueError("the last losses are damaged")   # (the page formats them as numbers)


def restore(lab, contents: dict) -> str:
    """Put what ``read`` returned into the lab; returns what to tell the user."""
    lab.reset(contents["cfg"])
    lab.trainer = contents["trainer_obj"]
    return (f"Loaded the trained state: {contents['cfg'].method} on the {contents['cfg'].toy} toy at iteration "
            f"{lab.trainer.iteration}; Train goes on from there.")
