"""Typed fields of the config dataclasses: building them from JSON-like values, coercing and parsing values
(JSON, ``--set`` and URL text) by each field's type, with errors that name the dotted key."""
from __future__ import annotations

import dataclasses
import json
import math
import typing

from gantoy.core.errors import ConfigError


class NonFinite(str):
    """A NaN / Infinity / -Infinity constant read from JSON, kept as a marker until its key is known."""


def reject_non_finite(obj, path: str):
    """ConfigError naming the first dotted key whose value is NaN or ±Infinity."""
    if isinstance(obj, NonFinite):
        raise ConfigError(f"{path or 'config'}: {str(obj)} is not allowed (numbers must be finite)")
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for k, v in items:
        reject_non_finite(v, f"{path}.{k}" if path and isinstance(k, str) else f"{path}[{k}]" if path else str(k))


def reject_constant(name):
    raise ConfigError(f"config: {name} is not allowed (numbers must be finite)")


def field_types(cls) -> dict:
    return typing.get_type_hints(cls)


def build(cls, d, path):
    where = path or "config"
    if not isinstance(d, dict):
        raise ConfigError(f"{where}: expected an object of fields, got {type(d).__name__}")
    types = field_types(cls)
    unknown = [k for k in d if k not in types]
    if unknown:
        raise ConfigError(f"{join(path, unknown[0])}: unknown key; allowed: {', '.join(types)}")
    kwargs = {}
    for name, tp in types.items():
        if name not in d:
            continue
        key = join(path, name)
        if dataclasses.is_dataclass(tp):
            kwargs[name] = build(tp, d[name], key)
        else:
            kwargs[name] = coerce(d[name], tp, key)
    return cls(**kwargs)


def join(path, name):
    return f"{path}.{name}" if path else name


def coerce(v, tp, key):
    """Check a JSON value against a field type; ints are accepted for floats (and become floats)."""
    if tp is bool:
        if isinstance(v, bool):
            return v
        raise ConfigError(f"{key}: expected true/false, got {v!r}")
    if tp is int:
        if isinstance(v, bool) or not isinstance(v, int):
            if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
                return int(v)
            raise ConfigError(f"{key}: expected an integer, got {v!r}")
        return v
    if tp is float:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ConfigError(f"{key}: expected a number, got {v!r}")
        v = float(v)
        if not math.isfinite(v):
            raise ConfigError(f"{key}: must be a finite number, got {v}")
        return v
    if tp is str:
        if not isinstance(v, str):
            raise ConfigError(f"{key}: expected a string, got {v!r}")
        return v
    if tp is list:
        if isinstance(v, tuple):
            v = list(v)
        if not isinstance(v, list):
            raise ConfigError(f"{key}: expected a list, got {v!r}")
        return check_numbers(v, key)
    if tp is dict:
        if not isinstance(v, dict):
            raise ConfigError(f"{key}: expected an object, got {v!r}")
        for k, x in v.items():
            if isinstance(x, bool) or isinstance(x, str):
                continue
            if not isinstance(x, (int, float)) or not math.isfinite(x):
                raise ConfigError(f"{key}.{k}: expected a finite number, true/false or a string, got {x!r}")
        return dict(v)
    raise ConfigError(f"{key}: unsupported type")  # pragma: no cover - a programming error


def check_numbers(v, key):
    out = []
    for i, x in enumerate(v):
        if isinstance(x, (list, tuple)):
            out.append(check_numbers(list(x), f"{key}[{i}]"))
        elif isinstance(x, bool) or not isinstance(x, (int, float)):
            raise ConfigError(f"{key}[{i}]: expected a number, got {x!r}")
        elif not math.isfinite(x):
            raise ConfigError(f"{key}[{i}]: must be finite, got {x}")
        else:
            out.append(float(x) if isinstance(x, float) else x)
    return out


def parse_typed(s: str, tp, key):
    s = s.strip()
    try:
        if tp is int:
            return int(s)
        if tp is float:
            return float(s)
        if tp is bool:
            if s.lower() in ("true", "1", "yes"):
                return True
            if s.lower() in ("false", "0", "no"):
                return False
            raise ValueError
        if tp is str:
            return s
        return json.loads(s, parse_constant=reject_constant)
    except (ValueError, json.JSONDecodeError):
        raise ConfigError(f"{key}: cannot read {s[:60]!r} as {getattr(tp, '__name__', tp)}") from None


def parse_loose(s: str):
    s = s.strip()
    if s.lower() in ("true", "false"):
        return s.lower() == "true"
    try:
        return float(s) if any(c in s for c in ".eE") or s.lower() in ("inf", "nan") else int(s)
    except ValueError:
        return s
