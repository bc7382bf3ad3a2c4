"""A configuration change said in words, complete, from the values that will be applied: what the pending
notice and the objective switch show ("WGAN-GP (gradient penalty): penalty weight λ 0.1, Adam β (0.5, 0.9),
learning rates D 0.0005 · G 0.0005, 5 D steps per G step")."""
from __future__ import annotations

from gantoy.core import objectives
from gantoy.lessons.links import flat_keys

# dotted key -> how a student reads it
WORDS = {
    "data.name": "data set", "data.means": "component means", "data.stds": "component stds",
    "data.weights": "component weights", "data.points": "data points",
    "model.hidden": "width", "model.depth": "hidden layers", "model.activation": "activation",
    "model.g_activation": "G's activation", "model.z_dim": "noise dimension", "model.noise": "noise p(z)",
    "model.d_hidden": "D's width", "model.d_pieces": "D's maxout pieces", "model.init_std": "initial weights' σ",
    "model.g_batch_norm": "G's batch norm",
    "model.g_monotone": "G increasing (monotone)",
    "train.batch_size": "batch size", "train.k": "D steps per G step", "train.g_steps": "G steps per iteration",
    "train.optimizer": "optimizer", "train.lr_d": "learning rate of D", "train.lr_g": "learning rate of G",
    "train.momentum": "momentum", "train.betas": "Adam β", "train.seed": "seed", "train.runs": "runs",
    "train.steps": "lesson length (iterations)", "train.schedule": "learning-rate schedule",
    "train.lr_min": "final learning rate (fraction)", "train.ema": "weight averaging (EMA)",
    "train.unroll": "unrolled D steps", "train.pack": "PacGAN packing",
}
PARAM_WORDS = {"lam": "penalty weight λ", "one_sided": "one-sided penalty", "clip": "weight clip c",
               "r1": "R1 weight γ", "a": "fake target a", "b": "real target b", "c": "G's target c"}


def _value(v) -> str:
    if isinstance(v, bool):
        return "on" if v else "off"
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, list):
        return "(" + ", ".join(_value(x) for x in v[:6]) + (", …" if len(v) > 6 else "") + ")"
    return str(v)


def word(key: str) -> str:
    if key.startswith("objective.params."):
        return PARAM_WORDS.get(key.rsplit(".", 1)[1], key.rsplit(".", 1)[1])
    return WORDS.get(key, key)


def setting(key: str, value) -> str:
    """One setting in words ("learning rate of D 0.0005")."""
    return f"{word(key)} {_value(value)}"


def describe(old, new) -> list:
    """Every difference between two configs, in words with the new values ("learning rate of D 0.0005, was
    0.001"); a change of objective first, named, with all of its parameters as they will be applied."""
    a, b = flat_keys(old.to_dict()), flat_keys(new.to_dict())
    out = []
    if old.objective.id != new.objective.id:
        obj = objectives.get(new.objective.id)
        prm = obj.p(new.objective.params)
        spelled = [f"{word('objective.params.' + k)} {_value(v)}" for k, v in prm.items() if k in obj.params or v]
        out.append(f"objective {obj.name}" + (f" ({', '.join(spelled)})" if spelled else ""))
    for k in sorted(set(a) | set(b)):
        if k == "objective.id" or a.get(k) == b.get(k):
            continue
        if k.startswith("objective.params.") and old.objective.id != new.objective.id:
            continue   # said with the objective
        if k not in b:
            out.append(f"{word(k)} back to its default (was {_value(a[k])})")
        else:
            was = f", was {_value(a[k])}" if k in a else ""
            out.append(setting(k, b[k]) + was)
    return out
