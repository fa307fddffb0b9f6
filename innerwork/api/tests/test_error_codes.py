"""Every error code the partner API can answer is in innerwork.api.exceptions' table, with the status it is raised
with, and the table's docstring lists each. The raising sites are found by reading the API's source (innerwork/api
and every product app's api*.py), so a new code raised anywhere without a row here fails this test."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

from innerwork.api import exceptions
from innerwork.api.exceptions import ERROR_CODES

ROOT = Path(settings.BASE_DIR)
PRODUCT_APPS = ("commerce", "courses", "coaching", "mentorship")


def api_sources() -> list[Path]:
    """The API's own modules: innerwork/api (tests aside) and each product app's api.py / api_*.py."""
    files = [path for path in (ROOT / "innerwork" / "api").rglob("*.py") if "tests" not in path.parts]
    for app in PRODUCT_APPS:
        files += sorted((ROOT / app).glob("api.py")) + sorted((ROOT / app).glob("api_*.py"))
    return sorted(files)


def _strings(node: ast.AST) -> list[str]:
    """The string constants a `code` expression can take: a literal, or either side of `a if … else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def _status(node: ast.AST) -> int | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, int) else None


def _is_class_row(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Tuple)
        and len(node.elts) == 3
        and isinstance(node.elts[0], ast.Attribute)
        and isinstance(node.elts[1], ast.Name)
        and bool(_strings(node.elts[2]))
    )


def raised_codes(path: Path) -> list[tuple[str, int | None, int]]:
    """(code, status when the site states it, line) for each place `path` gives an error a code:
    `code=` arguments (ApiError, error_body, DRF exceptions), `code = …` assignments, KeyRefused("code", …),
    and (status, "code") / (class, type, "code") tables."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call):
            status = _status(node.args[0]) if node.args else None
            for keyword in node.keywords:
                if keyword.arg == "code":
                    found += [(code, status, node.lineno) for code in _strings(keyword.value)]
            if getattr(node.func, "id", "") == "KeyRefused" and node.args:
                found += [(code, 401, node.lineno) for code in _strings(node.args[0])]
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "code" for t in node.targets):
            found += [(code, None, node.lineno) for code in _strings(node.value)]
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2 and _status(node.elts[0]) in range(400, 600):
            found += [(code, _status(node.elts[0]), node.lineno) for code in _strings(node.elts[1])]
        elif _is_class_row(node):  # exceptions._BY_CLASS: (DRF exception class, TYPE, "code")
            found += [(code, None, node.lineno) for code in _strings(node.elts[2])]
    return found


def every_raised_code() -> list[tuple[str, int | None, str]]:
    return [
        (code, status, f"{path.relative_to(ROOT)}:{line}")
        for path in api_sources()
        for code, status, line in raised_codes(path)
    ]


def test_the_walk_finds_the_raising_sites_it_is_meant_to():
    # the walk itself is checked against sites known to exist, so a walk that finds nothing cannot pass
    raised = {(code, status) for code, status, _ in every_raised_code()}
    assert {
        ("payment_provider_unavailable", 503),
        ("slot_taken", None),
        ("proposal_expired", 409),
        ("api_key_revoked", 401),
        ("idempotency_key_reused", 422),
        ("parameter_missing", None),
    } <= raised
    assert any(path.name == "api_contracts.py" for path in api_sources())


@pytest.mark.parametrize(("code", "status", "where"), every_raised_code(), ids=lambda value: str(value))
def test_each_raised_code_is_in_the_table_with_its_status(code, status, where):
    assert code in ERROR_CODES, f"{where} answers {code!r}, which innerwork/api/exceptions.py does not list"
    if status is not None:
        assert ERROR_CODES[code][0] == status, f"{where} answers {code!r} with {status}, the table says otherwise"


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_the_documented_table_names_each_code_under_its_status_and_type(code):
    status, type_ = ERROR_CODES[code]
    rows = [line for line in exceptions.__doc__.splitlines() if line.startswith("|")]
    # the row naming the code, or the continuation rows (blank status) under the row with its status
    current, found = None, None
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        if cells[0]:
            current = cells
        if any(word.strip(" ,/()`") == code for word in cells[-1].replace(",", " ").split()):
            found = current
            break
    assert found is not None, f"{code} is not in the docstring's table"
    assert str(status) in found[0], (code, found)
    assert type_ in found[1], (code, found)


def test_every_code_in_the_table_is_answered_somewhere():
    raised = {code for code, _, _ in every_raised_code()}
    assert set(ERROR_CODES) - raised == set()
