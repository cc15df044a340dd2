"""Source-level guarantees no single app's tests can give."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["core", "users", "notifications", "payments", "content", "social", "livestream", "ads", "socialflow"]
REQUEST_DATA = {"data", "query_params", "GET", "POST"}
ORM_METHODS = {"filter", "exclude", "get", "create", "update", "get_or_create", "update_or_create", "order_by"}


def _sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or "tests" in path.parts:
                continue
            yield path


def _is_request_data(node) -> bool:
    """`request.data`, `self.request.query_params`, `request.GET` and `dict(request.data)`-style wrappers."""
    if isinstance(node, ast.Call) and node.args:
        return _is_request_data(node.args[0])
    return isinstance(node, ast.Attribute) and node.attr in REQUEST_DATA and "request" in ast.unparse(node.value)


def _violations(tree):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr not in ORM_METHODS:
            continue
        for kw in node.keywords:
            if kw.arg is None and _is_request_data(kw.value):  # **request.data
                yield node.lineno, ast.unparse(node)[:100]
        if node.func.attr == "order_by":
            for arg in node.args:
                if isinstance(arg, ast.Starred) and _is_request_data(arg.value):
                    yield node.lineno, ast.unparse(node)[:100]
                if isinstance(arg, ast.Subscript) and _is_request_data(arg.value):
                    yield node.lineno, ast.unparse(node)[:100]


def test_no_request_data_is_spread_into_orm_calls():
    """Filters and sort fields must be allow-listed (serializers, django-filter), never passed through:
    `Post.objects.filter(**request.query_params)` would let a client filter on any column."""
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(), filename=str(path))
        found.extend(f"{path.relative_to(ROOT)}:{line}: {code}" for line, code in _violations(tree))
    assert found == []


@pytest.mark.parametrize(
    "code, bad",
    [
        ("Post.objects.filter(**request.query_params)", True),
        ("Post.objects.filter(**dict(self.request.GET))", True),
        ("Post.objects.order_by(request.GET['sort'])", True),
        ("Post.objects.filter(**validated)", False),
        ("Post.objects.filter(author=request.user)", False),
    ],
)
def test_the_checker_itself(code, bad):
    assert bool(list(_violations(ast.parse(code)))) is bad


def test_no_debug_print_or_breakpoint_left_in_app_code():
    offenders = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "breakpoint":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
