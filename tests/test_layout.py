"""The tree is the architecture (issue 22): imports go one way, no function is long, and the
stdlib-only modules at the bottom stay stdlib-only."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "mmcanet_core"
#: Lines of code a function may have (its docstring not counted).
MAX_LINES = 60


def _modules():
    """{dotted module name: path} of every module of the package."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(path: Path, name: str, modules) -> set:
    """The package's modules that ``path`` imports anywhere (top level or inside functions)."""
    found = set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name and target != "mmcanet_core":
                found.add(target)
    return found


def _graph():
    modules = _modules()
    return {name: _imports(path, name, modules) for name, path in modules.items()}


def _cycles(graph) -> list:
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle_between_modules():
    graph = _graph()
    assert len(graph) > 40  # the whole package was read
    assert _cycles(graph) == []


def test_no_import_cycle_between_subpackages():
    """Read top down, the subpackages form layers: no two import each other, even indirectly."""
    packages = {}
    for name, targets in _graph().items():
        source = ".".join(name.split(".")[:2])
        for target in targets:
            target = ".".join(target.split(".")[:2])
            if target != source:
                packages.setdefault(source, set()).add(target)
    assert "mmcanet_core.engine" in packages and "mmcanet_core.cli" in packages
    assert _cycles(packages) == []


def test_the_cycle_check_finds_a_cycle():
    """Not vacuous: a graph with a cycle is reported."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _long_functions():
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            lines = node.end_lineno - node.lineno + 1
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(
                    getattr(body[0], "value", None), ast.Constant) and isinstance(
                    body[0].value.value, str):
                lines -= body[0].end_lineno - body[0].lineno + 1
            if lines > MAX_LINES:
                long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines})")
    return long


def test_no_long_function_in_the_package():
    assert _long_functions() == []


@pytest.mark.parametrize("module", ["mmcanet_core.options", "mmcanet_core.errors",
                                    "mmcanet_core.events"])
def test_bottom_modules_import_no_third_party_package(module):
    """The plugin builds its parameters from these without rasterio, numpy or torch."""
    code = (
        f"import sys; import {module}; "
        "names = {m.split('.')[0] for m in sys.modules}; "
        "print(sorted(n for n in names if n not in sys.stdlib_module_names "
        "and n not in sys.builtin_module_names and n != 'mmcanet_core' and not n.startswith('_')))"
    )
    out = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_the_third_party_check_sees_numpy():
    """Not vacuous: a module that imports numpy is caught by the same check."""
    code = ("import sys; import mmcanet_core.preprocess; "
            "print('numpy' in {m.split('.')[0] for m in sys.modules})")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    assert out.stdout.strip() == "True"
