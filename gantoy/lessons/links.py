"""Lesson links: a run configuration as URL query parameters and back.

A link names the lesson's preset (``lesson=ring8``), every dotted config key whose value differs
from that preset (``objective.id=wgan-gp&train.lr_d=0.0005``; lists as compact JSON), and optionally
the iteration to train to (``it=500``; runs are seeded, so the link reproduces the run). Decoding
never raises: unknown keys, unreadable or out-of-range values and over-long parameters are skipped,
each with a warning naming it, and everything else is applied.
"""
from __future__ import annotations

import json

from gantoy.core import objectives
from gantoy.core.config import ConfigError, RunConfig
from gantoy.lessons import presets

MAX_VALUE_CHARS = 2000      # a value longer than this is refused (a custom data set belongs in a CSV)
MAX_ITERATION = 100_000     # a link may ask to train at most this far


def flat_keys(d, prefix="") -> dict:
    """A config dict as {dotted key: value}; objective parameters as objective.params.<name>."""
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and k != "params":
            out.update(flat_keys(v, key + "."))
        elif k == "params":
            for name, pv in v.items():
                out[f"{key}.{name}"] = pv
        else:
            out[key] = v
    return out


def _text(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, dict)):
        return json.dumps(v, separators=(",", ":"))
    return str(v)


def encode(cfg: RunConfig, lesson: str, iteration: int | None = None) -> dict:
    """Query parameters (str -> str) for ``cfg`` relative to preset ``lesson``."""
    base = flat_keys(presets.get(lesson).to_dict())
    cur = flat_keys(cfg.to_dict())
    out = {"lesson": lesson}
    for k in sorted(cur):
        if base.get(k) != cur[k]:
            out[k] = _text(cur[k])
    if iteration:
        out["it"] = str(int(iteration))
    return out


def decode(params: dict, default_lesson: str, allowed_lessons=None):
    """(lesson, cfg, iteration or None, warnings) from query parameters. Never raises."""
    warnings = []
    params = {str(k): (v[-1] if isinstance(v, list) else str(v)) for k, v in params.items()}
    for k in [k for k, v in params.items() if len(v) > MAX_VALUE_CHARS or len(k) > 100]:
        warnings.append(f"{k[:40]}: ignored (longer than {MAX_VALUE_CHARS} characters)")
        params.pop(k)
    lesson = params.pop("lesson", default_lesson)
    allowed = list(allowed_lessons) if allowed_lessons is not None else presets.names()
    if lesson not in allowed or lesson not in presets.names():
        warnings.append(f"lesson: {lesson[:40]!r} is not a lesson of this page; using {default_lesson!r}")
        lesson = default_lesson
    cfg = presets.get(lesson)
    iteration = None
    if "it" in params:
        raw = params.pop("it")
        try:
            iteration = int(raw)
            if not (0 <= iteration <= MAX_ITERATION):
                raise ValueError
        except ValueError:
            warnings.append(f"it: ignored ({raw[:20]!r} is not an iteration in [0, {MAX_ITERATION}])")
            iteration = None
    oid = params.pop("objective.id", None)
    if oid is not None and oid != cfg.objective.id:
        # another objective: start from its recommended settings, as choosing it in the sidebar does;
        # the link's own keys (applied next) override them
        try:
            cfg = presets.with_objective(cfg, oid)
        except ConfigError as e:
            warnings.append(f"{e} — ignored")
    items = sorted(params.items(), key=lambda kv: (not kv[0].startswith("data."), kv[0]))
    data_items = [(k, v) for k, v in items if k.startswith("data.")]
    if data_items:
        try:
            cfg = cfg.with_sets([(k, _value(v)) for k, v in data_items])
        except ConfigError as e:
            warnings.append(f"{e} — the lesson's data are kept")
    for k, v in items:
        if k.startswith("data."):
            continue
        try:
            cfg = cfg.with_set(k, _value(v))
        except ConfigError as e:
            warnings.append(f"{e} — ignored")
        except (KeyError, AttributeError, TypeError):
            warnings.append(f"{k[:40]}: unknown key — ignored")
    return lesson, canonical(cfg), iteration, warnings


def canonical(cfg: RunConfig) -> RunConfig:
    """``cfg`` with every parameter of its objective spelled out (defaults filled in), as the sidebar has them."""
    full = {**objectives.get(cfg.objective.id).params, **cfg.objective.params}
    if full == cfg.objective.params:
        return cfg
    out = cfg.copy()
    out.objective.params = full
    return out.validate()


def _value(v: str):
    """Lists and objects arrive as JSON; everything else as text for the config's typed parser."""
    s = v.strip()
    if s.startswith(("[", "{")):
        try:
            return json.loads(s)
        except json.JSONDecodeError:
            raise ConfigError(f"cannot read {s[:40]!r} as a list") from None
    return v
