"""The layers of docs/ARCHITECTURE.md, checked on the source with ast: every import inside gantoy/ points
down (core -> measure -> lessons, theory -> render -> session -> ui), streamlit is imported only in
gantoy/ui/ (and the pages), no import cycles anywhere in gantoy/, no module over MAX_LINES lines. Each
check is also run on a planted violation, so it is shown to be able to fail."""
import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
PKG = ROOT / "gantoy"
RANK = {"core": 0, "measure": 1, "lessons": 2, "theory": 2, "render": 3, "session": 4, "ui": 5}
TOP = 6                 # gantoy/__init__, cli, __main__, repro/: may use every layer but ui
MAX_LINES = 400


def module_name(path: pathlib.Path, root: pathlib.Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str, root: pathlib.Path) -> bool:
    p = root.joinpath(*name.split("."))
    return p.with_suffix(".py").exists() or (p / "__init__.py").exists()


def imports(tree: ast.AST, root: pathlib.Path) -> list:
    """(module imported, line) for every import in the tree, nested ones included; ``from a import b`` counts
    as importing a.b when a.b is a module."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                out.append((sub if is_module(sub, root) else node.module, node.lineno))
    return out


def layer(name: str) -> int:
    parts = name.split(".")
    return RANK.get(parts[1], TOP) if len(parts) > 1 else TOP


def violations(root: pathlib.Path) -> list:
    """Every broken rule in the package under ``root`` (root holds the gantoy/ folder), as readable lines."""
    bad, graph = [], {}
    for path in sorted((root / "gantoy").rglob("*.py")):
        name = module_name(path, root)
        text = path.read_text()
        if len(text.splitlines()) > MAX_LINES:
            bad.append(f"{name}: {len(text.splitlines())} lines (more than {MAX_LINES})")
        here = layer(name)
        graph[name] = set()
        for target, line in imports(ast.parse(text), root):
            top = target.split(".")[0]
            if top == "streamlit" and here != RANK["ui"]:
                bad.append(f"{name}:{line} imports streamlit outside gantoy/ui/")
            if top != "gantoy":
                continue
            if target == "gantoy" and name != "gantoy":
                bad.append(f"{name}:{line} imports the top-level facade 'gantoy' (import the module in its layer)")
                continue
            if not is_module(target, root):
                bad.append(f"{name}:{line} imports {target}, which is not a module of the layers (an alias?)")
                continue
            graph[name].add(target)
            there = layer(target)
            if there > here or (here == TOP and there == RANK["ui"] and name != "gantoy"):
                bad.append(f"{name}:{line} imports {target} (layer {there} above {here}: imports must point down)")
            if here == there == RANK["lessons"] and name.split(".")[1] != target.split(".")[1]:
                bad.append(f"{name}:{line} imports {target}: lessons/ and theory/ are siblings, not layers")
    bad += [f"import cycle: {' -> '.join(c)}" for c in cycles(graph)]
    return bad


def cycles(graph: dict) -> list:
    """The import cycles of a module graph (one path per strongly connected component with a cycle). A
    package's __init__ imported by its own modules is the package, so edges to it are kept like any other."""
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.get(v, ()):
                out.append(sorted(comp) + [sorted(comp)[0]])

    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def test_the_package_keeps_its_layers():
    assert violations(ROOT) == []


def test_pages_import_no_engine_internals_that_skip_the_ui_for_streamlit_state():
    """Pages (labs/) and app.py may use every layer; the engine never imports them."""
    for path in PKG.rglob("*.py"):
        for target, line in imports(ast.parse(path.read_text()), ROOT):
            assert not target.startswith(("labs", "app")), f"{path}:{line} imports {target}"


def _plant(tmp_path, files: dict):
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    for d in ["gantoy", *{str(pathlib.Path(r).parent) for r in files}]:
        init = tmp_path / d / "__init__.py" if not d.endswith("__init__.py") else tmp_path / d
        if not init.exists():
            init.parent.mkdir(parents=True, exist_ok=True)
            init.write_text("")
    return violations(tmp_path)


@pytest.mark.parametrize("files, expect", [
    ({"gantoy/core/a.py": "from gantoy.measure import b\n", "gantoy/measure/b.py": ""}, "imports must point down"),
    ({"gantoy/render/a.py": "import streamlit as st\n"}, "imports streamlit outside gantoy/ui/"),
    ({"gantoy/core/a.py": "def f():\n    from gantoy.core import b\n", "gantoy/core/b.py": "from gantoy.core import a\n"},
     "import cycle: gantoy.core.a -> gantoy.core.b -> gantoy.core.a"),
    ({"gantoy/lessons/a.py": "from gantoy.theory import b\n", "gantoy/theory/b.py": ""}, "siblings"),
    ({"gantoy/core/a.py": "x = 1\n" * (MAX_LINES + 1)}, "more than 400"),
    ({"gantoy/core/a.py": "from gantoy import presets\n"}, "imports the top-level facade"),
    ({"gantoy/cli.py": "from gantoy.ui import sidebar\n", "gantoy/ui/sidebar.py": ""}, "imports must point down"),
])
def test_each_rule_finds_a_planted_violation(tmp_path, files, expect):
    found = _plant(tmp_path, files)
    assert any(expect in v for v in found), found


def test_a_clean_planted_tree_passes(tmp_path):
    assert _plant(tmp_path, {"gantoy/measure/a.py": "from gantoy.core import b\n", "gantoy/core/b.py": "import numpy\n",
                             "gantoy/ui/c.py": "import streamlit\nfrom gantoy.session import d\n",
                             "gantoy/session/d.py": "from gantoy.render import e\n", "gantoy/render/e.py": ""}) == []


def magic_lines(source: str) -> list:
    """Lines of a page that Streamlit's "magic" would draw: a bare expression that is not a call, a docstring or
    an await (``lab.snap`` to record a moment drew the whole trainer object onto the conditional page)."""
    out = []
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        for i, stmt in enumerate(body if isinstance(body, list) else []):
            if isinstance(stmt, ast.Expr) and not isinstance(stmt.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)):
                docstring = i == 0 and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)
                if not docstring:
                    out.append(stmt.lineno)
    return out


def test_pages_have_no_bare_expressions_that_streamlit_would_draw():
    pages = sorted((ROOT / "labs").glob("*.py")) + [ROOT / "app.py"]
    found = {p.name: magic_lines(p.read_text()) for p in pages}
    assert not {k: v for k, v in found.items() if v}, found
    assert magic_lines("def draw():\n    lab.snap\n") == [2]                     # the rule finds one
    assert magic_lines('"""doc"""\nst.write(1)\nx = lab.snap\n') == []
