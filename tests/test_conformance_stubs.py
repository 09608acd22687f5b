"""The ``.pyi`` stubs describe the runtime: the same classes, the same
methods, and for every method the same parameter names, kinds and defaults
(what ``mypy.stubtest`` checks, done here with ``ast`` and ``inspect`` so the
test needs no type checker)."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import octonaut
import octonaut._octonaut as ext
import pytest

STUB = Path(octonaut.__file__).with_name("_octonaut.pyi")
TREE = ast.parse(STUB.read_text())
CLASSES = {node.name: node for node in TREE.body if isinstance(node, ast.ClassDef)}
KINDS = {
    "posonly": inspect.Parameter.POSITIONAL_ONLY,
    "args": inspect.Parameter.POSITIONAL_OR_KEYWORD,
    "kwonly": inspect.Parameter.KEYWORD_ONLY,
}


def stub_functions(cls: ast.ClassDef) -> dict[str, list[ast.FunctionDef]]:
    functions: dict[str, list[ast.FunctionDef]] = {}
    for node in cls.body:
        if isinstance(node, ast.FunctionDef):
            functions.setdefault(node.name, []).append(node)
    return functions


def is_property(node: ast.FunctionDef) -> bool:
    return any(isinstance(d, ast.Name) and d.id == "property" for d in node.decorator_list)


def literal(node: ast.expr) -> object:
    """A stub default's value (literals, and expressions such as ``1 << 20``)."""
    return eval(compile(ast.Expression(node), str(STUB), "eval"), {"__builtins__": {}})


def stub_params(node: ast.FunctionDef) -> list[tuple[str, inspect._ParameterKind, object]]:
    args = node.args
    positional = [(a, KINDS["posonly"]) for a in args.posonlyargs] + [
        (a, KINDS["args"]) for a in args.args
    ]
    defaults = [inspect.Parameter.empty] * (len(positional) - len(args.defaults)) + [
        literal(d) for d in args.defaults
    ]
    params = [(a.arg, kind, d) for (a, kind), d in zip(positional, defaults, strict=True)]
    for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        default = inspect.Parameter.empty if d is None else literal(d)
        params.append((a.arg, KINDS["kwonly"], default))
    return params[1:]  # self / cls


def runtime_params(obj) -> list[tuple[str, inspect._ParameterKind, object]]:
    sig = inspect.signature(obj)
    params = [(p.name, p.kind, p.default) for p in sig.parameters.values()]
    if params and params[0][0] in ("self", "cls"):
        params = params[1:]
    return params


def normalise(params):
    # A tuple default in a stub documents an empty iterable; compare as lists.
    return [(n, k, list(d) if isinstance(d, tuple) else d) for n, k, d in params]


def test_every_runtime_name_has_a_stub_and_back():
    stubbed = set(CLASSES) | {"__version__", "__all__"}
    runtime = {n for n in vars(ext) if not n.startswith("__")} | {"__version__", "__all__"}
    runtime -= {"_octonaut"}
    assert runtime == stubbed


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_methods_match(name):
    runtime_cls = getattr(ext, name)
    functions = stub_functions(CLASSES[name])
    dunders = ("__len__", "__getitem__", "__contains__", "__iter__")
    runtime_public = {n for n in vars(runtime_cls) if not n.startswith("_") or n in dunders}
    stub_public = {n for n in functions if not n.startswith("_") or n in runtime_public}
    assert stub_public == runtime_public
    for method, nodes in functions.items():
        if len(nodes) > 1 or is_property(nodes[0]) or method not in vars(runtime_cls):
            continue  # overloads and properties: names only
        if method.startswith("__") and method != "__new__":
            continue  # slot wrappers have fixed signatures
        target = runtime_cls if method == "__new__" else getattr(runtime_cls, method)
        assert normalise(stub_params(nodes[0])) == normalise(runtime_params(target)), method


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_final_matches_subclassability(name):
    node = CLASSES[name]
    final = any(isinstance(d, ast.Name) and d.id == "final" for d in node.decorator_list)
    try:
        type("Sub", (getattr(ext, name),), {})
        subclassable = True
    except TypeError:
        subclassable = False
    assert final == (not subclassable)
