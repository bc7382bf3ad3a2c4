"""Session isolation (issue #11): no module-level mutable state that code mutates after import, so two
browser sessions (two students) can only share what is constant. Scans the source with ast; the
two-session AppTest is in test_app_pages.py (test_two_sessions_do_not_share_a_trainer)."""
import ast
import pathlib

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
FILES = sorted([*ROOT.glob("gantoy/**/*.py"), *ROOT.glob("labs/*.py"), ROOT / "app.py"])
MUTATORS = {"append", "extend", "insert", "update", "setdefault", "pop", "popitem", "clear", "add", "discard",
            "remove", "appendleft", "sort", "reverse"}
# (file, name): written only at import time, by the registration call at module level
IMPORT_TIME_ONLY = {("gantoy/core/objectives.py", "REGISTRY"), ("gantoy/lessons/presets.py", "_PRESETS")}


def _mutable_globals(tree):
    names = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        value = getattr(node, "value", None)
        mutable = isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)) or (
            isinstance(value, ast.Call) and getattr(value.func, "id", getattr(value.func, "attr", "")) in
            {"dict", "list", "set", "deque", "defaultdict", "OrderedDict", "Counter"})
        if mutable:
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _mutations_in_functions(tree, names):
    found = []
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        for node in ast.walk(fn):
            if isinstance(node, ast.Global):
                found += [(n, node.lineno, "global") for n in node.names]
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
                tgts = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
                for t in tgts:
                    if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id in names:
                        found.append((t.value.id, node.lineno, "item assignment"))
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and isinstance(node.func.value, ast.Name) and node.func.value.id in names
                  and node.func.attr in MUTATORS):
                found.append((node.func.value.id, node.lineno, f".{node.func.attr}()"))
    return found


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_state_is_mutated_after_import(path):
    rel = str(path.relative_to(ROOT))
    tree = ast.parse(path.read_text())
    names = {n for n in _mutable_globals(tree) if (rel, n) not in IMPORT_TIME_ONLY}
    bad = _mutations_in_functions(tree, names)
    assert not bad, f"{rel}: module-level state mutated at run time: {bad}"


def test_the_scan_finds_a_planted_mutation():
    tree = ast.parse("CACHE = {}\nSEEN = []\ndef f(k):\n    CACHE[k] = 1\n    SEEN.append(k)\n")
    assert {m[0] for m in _mutations_in_functions(tree, _mutable_globals(tree))} == {"CACHE", "SEEN"}


def test_registry_is_only_written_at_import():
    """objectives.register is called at module level only (the registry is fixed once imported)."""
    tree = ast.parse((ROOT / "gantoy/core/objectives.py").read_text())
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "register"]
    module_level = {id(n) for stmt in tree.body for n in ast.walk(stmt)
                    if not isinstance(stmt, ast.FunctionDef) and isinstance(n, ast.Call)}
    assert calls and all(id(c) in module_level for c in calls)


def test_presets_are_only_registered_by_decorators_at_import():
    tree = ast.parse((ROOT / "gantoy/lessons/presets.py").read_text())
    uses = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "preset"]
    decorators = [d for stmt in tree.body if isinstance(stmt, ast.FunctionDef) for d in stmt.decorator_list
                  if isinstance(d, ast.Call) and getattr(d.func, "id", "") == "preset"]
    assert len(uses) == len(decorators) > 0


def test_cached_noise_floors_are_handed_out_as_copies():
    from gantoy.config import DataConfig
    from gantoy.measure import estimate2d

    key = estimate2d.data_key(DataConfig(name="ring8"))   # the engine's own key: no guessing its format
    a = estimate2d.floors_2d(key, n=500)
    b = estimate2d.floors_2d(key, n=500)
    assert a == b and a is not b
    a["js"] = -1.0
    assert estimate2d.floors_2d(key, n=500)["js"] != -1.0


def test_cached_views_are_read_only_and_snapshots_do_not_share_what_they_change():
    """Every session's snapshot reuses the per-data-set views (measure/views.py): their arrays must be
    read-only, and what a snapshot hands out to be changed (the floors) must be its own copy."""
    from gantoy import Trainer, presets
    from gantoy.measure import estimate2d, views

    for name in ("figure1", "ring8"):
        tr = Trainer(presets.get(name))
        s1, s2 = tr.snapshot(), tr.snapshot()
        cached = views.views_1d if tr.dim == 1 else views.views_2d
        v = cached(estimate2d.data_key(tr.cfg.data))
        assert all(not a.flags.writeable for a in v.values() if isinstance(a, np.ndarray)), name
        with pytest.raises(ValueError):
            s1.real[0, 0] = 1.0     # the shown data samples are the shared read-only ones
        s1.floors["js"] = -1.0
        assert s2.floors.get("js") != -1.0
