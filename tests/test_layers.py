"""The package's layering: each pipeline step imports only the steps below it, and nothing imports in a circle.

Every import statement of every module counts, the ones inside functions too (a function-local import
that dodges a cycle is still a cycle).  The checker is run on the real tree and, to show it can fail, on
synthetic packages with a cycle and with an upward import.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: the pipeline, lowest first: a module may import modules of its own layer or of a layer before it
LAYERS = (
    ("sepgen.errors", "sepgen.version"),
    ("sepgen.ir",),
    ("sepgen.analysis",),
    ("sepgen.passes",),
    ("sepgen.targets",),
    ("schedules",),
    ("sepgen.codegen",),
    ("sepgen.runtime",),
    ("sepgen.tuning",),
    ("sepgen.driver",),
    ("sepgen.graph",),
    ("sepgen.frontend",),
    ("sepgen.bench",),
    ("sepgen.cli",),
    ("sepgen", "sepgen.nn", "sepgen.models"),   # the facade and the public shims: nothing below imports them
)

#: layers that must stay free of TVM and torch (the IR, the analysis and the passes are plain Python + numpy)
PURE = ("sepgen.ir", "sepgen.analysis", "sepgen.passes")


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules(root: Path, packages) -> dict[str, Path]:
    return {module_name(p, root): p for pkg in packages for p in sorted((root / pkg).rglob("*.py"))}


def imports(mods: dict[str, Path]) -> dict[str, dict[str, int]]:
    """module -> {imported module of ``mods``: line}; ``from pkg import name`` counts as pkg.name when that is a
    module, else as pkg.  External imports (numpy, tvm) are left out here (see :func:`external_imports`)."""
    graph = {}
    for name, path in mods.items():
        is_pkg = path.name == "__init__.py"
        edges: dict[str, int] = {}
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_pkg else name.split(".")[:-1]
                    base = base[:len(base) - (node.level - 1)]
                    mod = ".".join(base + ([node.module] if node.module else []))
                else:
                    mod = node.module or ""
                targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in mods else mod for a in node.names]
            for t in targets:
                if t in mods and t != name:
                    edges.setdefault(t, node.lineno)
        graph[name] = edges
    return graph


def external_imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            out.add(node.module.split(".")[0])
    return out


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
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
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def layer_of(module: str, layers=LAYERS) -> int:
    """The layer of the longest prefix of ``module`` named in ``layers``."""
    best, rank = -1, None
    for i, names in enumerate(layers):
        for n in names:
            if (module == n or module.startswith(n + ".")) and len(n) > best:
                best, rank = len(n), i
    if rank is None:
        raise AssertionError(f"module {module} belongs to no layer: add its package to LAYERS")
    return rank


def upward(graph, mods, layers=LAYERS) -> list[str]:
    bad = []
    for m, edges in graph.items():
        for t, line in edges.items():
            if layer_of(t, layers) > layer_of(m, layers):
                bad.append(f"{mods[m]}:{line}: {m} (layer {layer_of(m, layers)}) imports {t} "
                           f"(layer {layer_of(t, layers)})")
    return bad


@pytest.fixture(scope="module")
def tree():
    mods = modules(ROOT, ("sepgen", "schedules"))
    return mods, imports(mods)


def test_no_import_cycles(tree):
    _, graph = tree
    assert cycles(graph) == []


def test_every_import_goes_down_the_pipeline(tree):
    mods, graph = tree
    assert upward(graph, mods) == []


def test_ir_analysis_and_passes_need_neither_tvm_nor_torch(tree):
    mods, _ = tree
    bad = {m: sorted(external_imports(p) & {"tvm", "torch"}) for m, p in mods.items()
           if any(m == n or m.startswith(n + ".") for n in PURE)}
    assert {m: v for m, v in bad.items() if v} == {}


def test_only_the_lowering_uses_tvm_te(tree):
    mods, _ = tree
    users = set()
    for m, p in mods.items():
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "tvm" and any(a.name == "te" for a in node.names):
                users.add(m)
            if isinstance(node, ast.Import) and any(a.name == "tvm.te" for a in node.names):
                users.add(m)
    assert users == {"sepgen.codegen.lowering"}


def _package(root: Path, files: dict[str, str]) -> dict[str, Path]:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return modules(root, ("pkg",))


def test_checker_finds_a_cycle_even_through_a_function_local_import(tmp_path):
    mods = _package(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/low/__init__.py": "",
        "pkg/low/a.py": "from .b import f\n",
        "pkg/low/b.py": "def f():\n    from . import c\n",
        "pkg/low/c.py": "from pkg.low.a import f\n",
        "pkg/low/d.py": "from . import a\n",
    })
    assert cycles(imports(mods)) == [["pkg.low.a", "pkg.low.b", "pkg.low.c"]]


def test_checker_finds_an_upward_import(tmp_path):
    mods = _package(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/ir.py": "X = 1\n",
        "pkg/passes.py": "from .ir import X\n",
        "pkg/cli.py": "from . import passes\n",
        "pkg/lowering.py": "def f():\n    from .cli import main\n",   # lowering -> cli: upward
    })
    layers = (("pkg.ir",), ("pkg.passes", "pkg.lowering"), ("pkg.cli",), ("pkg",))
    graph = imports(mods)
    assert cycles(graph) == []
    bad = upward(graph, mods, layers)
    assert len(bad) == 1 and "pkg.lowering (layer 1) imports pkg.cli (layer 2)" in bad[0]
    assert "lowering.py:2" in bad[0]


def test_checker_places_every_module_in_a_layer():
    with pytest.raises(AssertionError, match="belongs to no layer"):
        layer_of("sepgen_elsewhere.x")
