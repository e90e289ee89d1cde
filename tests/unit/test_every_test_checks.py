"""A test that cannot fail is a defect: every test function in tests/ checks something, with `assert`,
`pytest.raises`/`fail`/`warns`, a mock's `assert_called...`, or a `wait_...` helper (which raises,
naming what it waited for, when the time is up)."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
CHECKING_ATTRIBUTES = {"raises", "fail", "warns"}


def checks_something(test: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for node in ast.walk(test):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called in CHECKING_ATTRIBUTES or called.startswith(("assert", "wait_")):
                return True
    return False


def unchecked_tests() -> list[str]:
    unchecked = []
    for path in sorted(TESTS.rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_test = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
            if is_test and not checks_something(node):
                unchecked.append(f"{path.relative_to(TESTS)}::{node.name}")
    return unchecked


def test_every_test_function_checks_something():
    assert unchecked_tests() == []


def test_the_scan_sees_a_test_that_checks_nothing():
    [quiet, asserting] = ast.parse("def test_quiet():\n    run()\n\ndef test_loud():\n    assert run()\n").body
    assert isinstance(quiet, ast.FunctionDef) and isinstance(asserting, ast.FunctionDef)
    assert (checks_something(quiet), checks_something(asserting)) == (False, True)
