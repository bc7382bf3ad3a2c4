"""Comparisons: 2-6 variants of one lesson that train side by side as one ensemble.

A comparison varies one thing — the objective, the learning rate, k or the seed — and keeps the
data, the networks and (except in "seed" mode) the seed, so only that thing differs. Every run of
an ensemble shares one optimiser kind, betas and momentum (core/train.py ``_SHARED``): in "objective" mode
each objective gets its recommended learning rates, k and parameters (``objectives.get(id).defaults``)
but the lesson's optimiser — e.g. WGAN runs with the lesson's Adam rather than RMSProp. On the 2-D mixtures a
recipe of the Mode collapse lab (a cosine learning-rate decay, an average of G's weights, one learning rate for
every objective) can be laid over every run, as that lab lays it over its configurations.
"""
from __future__ import annotations

from gantoy.core import objectives
from gantoy.core.config import ConfigError, RunConfig
from gantoy.lessons import collapse, presets

MODES = {"objective": "objectives", "lr": "learning rates (D and G)", "k": "k (D steps per G step)",
         "seed": "seeds"}
MIN_RUNS, MAX_RUNS = 2, 6
LABEL = {"lr": "lr ", "k": "k = ", "seed": "seed "}   # how a run is labelled in each mode (objective: its id)
COMPARED = {"lr": ("train.lr_d", "train.lr_g"), "k": ("train.k",), "seed": ("train.seed",)}  # a recipe leaves these


# "own": every run keeps its lesson's (and in "objective" mode its objective's) settings; the others are the Mode
# collapse lab's recipes (lessons/collapse.RECIPES), for the 2-D mixtures they were chosen on
OWN = "own"


# what each recipe is, for the page's help (a recipe named nowhere here is described by its settings alone)
RECIPE_NOTES = {OWN: "each run keeps its lesson's settings (comparing objectives: each objective's recommended ones)",
                "ring8": "the Mode collapse lab's full ring recipe, its default on the ring and the grid",
                "ring8-short": "the Mode collapse lab's ring lesson (and the collapse quiz's)"}


def recipes() -> list:
    return [OWN, *collapse.RECIPES]


def recipe_help(name: str) -> str:
    """One recipe for the Training recipe box's help: what it is, what it sets, how long it trains."""
    if name == OWN:
        return RECIPE_NOTES[OWN]
    steps = collapse.RECIPES[name].get("all", {}).get("train.steps")
    return f"{RECIPE_NOTES.get(name, name)} — {describe_recipe(name)}" + (f", {steps} iterations" if steps else "")


def build(base: RunConfig, mode: str, values: list, recipe: str = OWN):
    """(configs, labels) for comparing ``values`` of ``mode`` on the lesson ``base``, with ``recipe``'s settings laid
    over each run (after its objective's own, as the collapse lab lays them; never over the compared setting)."""
    if mode not in MODES:
        raise ConfigError(f"compare: unknown mode {mode!r}; allowed: {', '.join(MODES)}")
    if recipe not in recipes():
        raise ConfigError(f"compare: unknown recipe {recipe!r}; allowed: {', '.join(recipes())}")
    if recipe != OWN and base.data.name not in collapse.PRESET_RECIPES:
        raise ConfigError(f"compare: the {recipe} recipe is for the 2-D mixtures "
                          f"({', '.join(collapse.PRESET_RECIPES)}), not {base.data.name}")
    values = list(values)
    if not (MIN_RUNS <= len(values) <= MAX_RUNS):
        raise ConfigError(f"compare: pick {MIN_RUNS} to {MAX_RUNS} {MODES[mode]}, got {len(values)}")
    if len(set(map(str, values))) != len(values):
        raise ConfigError(f"compare: the {MODES[mode]} must differ (got {', '.join(map(str, values))})")
    cfgs, labels = [], []
    for v in values:
        if mode == "objective":
            if v not in objectives.names():
                raise ConfigError(f"compare: unknown objective {v!r}")
            c = base if v == base.objective.id else presets.with_objective(base, v)
            c = c.with_sets({"train.optimizer": base.train.optimizer, "train.betas": base.train.betas,
                             "train.momentum": base.train.momentum})
            labels.append(v)
        elif mode == "lr":
            c = base.with_sets({"train.lr_d": float(v), "train.lr_g": float(v)})
            labels.append(f"{LABEL[mode]}{float(v):g}")
        elif mode == "k":
            c = base.with_set("train.k", int(v))
            labels.append(f"{LABEL[mode]}{int(v)}")
        else:
            c = base.with_set("train.seed", int(v))
            labels.append(f"{LABEL[mode]}{int(v)}")
        sets = collapse.recipe_sets(collapse.RECIPES.get(recipe), c.objective.id)
        cfgs.append(c.with_sets(_uncompared(sets, mode)).with_set("train.runs", 1))
    return cfgs, labels


def settings_of(labels: list):
    """(mode, values) that ``build`` labels a comparison with ``labels`` from, or None: a loaded comparison's
    settings, back in the page's widgets."""
    for mode, prefix in LABEL.items():
        if labels and all(str(lbl).startswith(prefix) for lbl in labels):
            try:
                return mode, [(float if mode == "lr" else int)(lbl[len(prefix):]) for lbl in labels]
            except ValueError:
                return None
    return ("objective", list(labels)) if labels and all(lbl in objectives.names() for lbl in labels) else None


def _uncompared(sets: dict, mode: str | None) -> dict:
    """``sets`` without what ``mode`` compares (a recipe never sets the compared setting)."""
    return {k: v for k, v in sets.items() if k not in COMPARED.get(mode, ())}


def recipe_of(cfgs: list, mode: str | None = None) -> str:
    """The recipe whose settings every one of ``cfgs`` has (a loaded comparison's; but what ``mode`` compares), else
    "own"."""
    for name, recipe in collapse.RECIPES.items():
        keys = _uncompared(recipe.get("all", {}), mode)
        if cfgs and all(all(c.get(k) == v for k, v in keys.items()) for c in cfgs):
            return name
    return OWN


def describe_recipe(name: str, mode: str | None = None) -> str:
    """What recipe ``name`` sets, in words, leaving out what ``mode`` compares ("" for "own")."""
    return collapse.describe_recipe({"all": _uncompared(collapse.RECIPES.get(name, {}).get("all", {}), mode)})


def loaded_widgets(lesson, labels: list, data: dict, options: dict, keys: dict, cfgs: list = ()) -> tuple:
    """({widget key: value}, note or "") for a loaded comparison: its data (if one of ``data``), its recipe and its
    runs (mode and values, if ``settings_of`` reads them and every value is among ``options[mode]``; ``keys[mode]``
    the values' widget). What cannot be set is said: the sidebar and the share link keep the earlier values."""
    out, notes = {}, []
    if lesson in data:
        out["cmp:data"] = lesson
    else:
        notes.append(f"the loaded runs' data ({lesson or 'not named'}) is not one of this lab's choices")
    got = settings_of(labels)
    if got is not None and all(v in options[got[0]] for v in got[1]):
        out.update({"cmp:mode": got[0], keys[got[0]]: got[1]})
    else:
        notes.append(f"the loaded runs ({', '.join(map(str, labels))[:120]}) are not ones the sidebar can set up")
    if cfgs and not notes:   # (with a note the sidebar keeps the earlier comparison whole, its recipe too)
        out["cmp:recipe"] = recipe_of(list(cfgs), got[0])
    note = ("; ".join(notes) + ": the sidebar and the share link still describe the earlier comparison. The "
            "charts show the loaded runs.") if notes else ""
    return out, note[0].upper() + note[1:] if note else ""
