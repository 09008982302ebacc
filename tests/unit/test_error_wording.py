"""No user ever reads a raw code: every conflict code and every input `Problem` has wording.

The codes come from their source of truth: the `ConflictError(...)` calls in the code
(found with ast, so a new code without wording fails here) and the `Problem` enum.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot import texts
from marketplace.domain.attendance import CheckInWindow
from marketplace.domain.errors import (
    ConflictError,
    InputError,
    InvalidSettingError,
    Problem,
)
from marketplace.domain.referrals import Refusal

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("marketplace", "bot", "web")
# Enums whose members are raised as conflict reasons, as `ConflictError(Enum.MEMBER)`.
REASON_ENUMS = {"CheckInWindow": CheckInWindow, "Refusal": Refusal}
GENERIC_CONFLICT = texts.describe_error(ConflictError("\0no such code\0"))


def _reasons(node: ast.expr, where: str) -> set[str]:
    """The codes one `ConflictError(<node>)` can raise."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _reasons(node.body, where) | _reasons(node.orelse, where)
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in REASON_ENUMS
    ):
        return {str(REASON_ENUMS[node.value.id][node.attr])}
    pytest.fail(f"{where}: ConflictError({ast.unparse(node)}) has a code this test can't read")


def conflict_codes() -> set[str]:
    """Every code a `ConflictError` is raised with in the product code."""
    codes: set[str] = set()
    for source in SOURCES:
        for path in sorted((ROOT / source).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "ConflictError"
                    and node.args
                ):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    codes |= _reasons(node.args[0], where)
    return codes


def test_the_scan_finds_the_codes_it_should() -> None:
    codes = conflict_codes()
    assert {"slot_taken", "payment_unavailable", *map(str, CheckInWindow)} <= codes
    assert len(codes) > 40


@pytest.mark.parametrize("code", sorted(conflict_codes()))
def test_every_conflict_code_has_its_own_wording(code: str) -> None:
    said = texts.describe_error(ConflictError(code))
    assert code in texts.CONFLICTS, f"add texts.CONFLICTS[{code!r}] in bot/texts"
    assert said != GENERIC_CONFLICT
    assert code not in said


# Problems told by their own error class or setting message rather than the tables.
TOLD_ELSEWHERE = {
    Problem.NONEXISTENT_TIME: "NonexistentTimeError and texts.NONEXISTENT",
    Problem.AMBIGUOUS_TIME: "AmbiguousTimeError and texts.AMBIGUOUS",
    Problem.THREE_DECIMAL_CURRENCY: "InvalidSettingError and texts.THREE_DECIMAL_CURRENCY",
}


@pytest.mark.parametrize("problem", list(Problem))
def test_every_problem_has_wording(problem: Problem) -> None:
    if problem in TOLD_ELSEWHERE:
        return
    assert problem in texts.PROBLEMS or problem in texts.WHEN_PROBLEMS, (
        f"add wording for Problem.{problem.name} to texts.PROBLEMS or texts.WHEN_PROBLEMS"
    )
    field = "when" if problem not in texts.PROBLEMS else "bio"
    said = texts.describe_error(InputError(field, problem, limit=5))
    assert "isn't valid" not in said
    if "_" in problem.value:  # a code, not a word a sentence may use ("can't be empty")
        assert problem.value not in said


def test_the_problems_told_elsewhere_are_worded() -> None:
    said = texts.describe_error(
        InvalidSettingError("currency", "KWD", Problem.THREE_DECIMAL_CURRENCY)
    )
    assert "KWD" in said
    assert "three_decimal" not in said
