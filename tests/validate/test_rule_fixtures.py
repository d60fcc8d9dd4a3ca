"""Every validator rule against its fixture folders: tests/fixtures/rules/<rule-id>/{valid,invalid}/.

Each folder is a small corpus (articles/, targets/, annotations/<layer>/, splits/ as the rule needs).
A valid folder gives no finding at all; an invalid one gives exactly the lines of its expected.txt for its
rule (paths relative to the folder), whatever else it also breaks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from akhbar.paths import Project
from akhbar.validate import Finding, validate_paths
from akhbar.validate.catalogue import RULES

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "rules"


def findings_in(folder: Path, monkeypatch: pytest.MonkeyPatch, jobs: int = 1) -> list[Finding]:
    monkeypatch.chdir(folder)
    return sorted(validate_paths([Path(".")], project=Project(REPO), jobs=jobs).findings)


def test_every_rule_has_a_valid_and_an_invalid_fixture() -> None:
    assert sorted(path.name for path in FIXTURES.iterdir()) == sorted(RULES)
    for rule in RULES:
        assert (FIXTURES / rule / "valid").is_dir(), rule
        assert (FIXTURES / rule / "invalid" / "expected.txt").is_file(), rule


@pytest.mark.parametrize("rule", sorted(RULES))
def test_valid_fixture_gives_no_finding(rule: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert [found.format() for found in findings_in(FIXTURES / rule / "valid", monkeypatch)] == []


@pytest.mark.parametrize("rule", sorted(RULES))
def test_invalid_fixture_gives_the_expected_findings(rule: str, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = FIXTURES / rule / "invalid"
    expected = (folder / "expected.txt").read_text("utf-8").splitlines()
    found = [finding.format() for finding in findings_in(folder, monkeypatch) if finding.rule == rule]
    assert expected
    assert found == expected


@pytest.mark.parametrize("rule", sorted(RULES))
def test_chunks_in_worker_processes_give_the_same_findings(
    rule: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files cut into many small chunks, checked by two forked workers, then put back together."""
    from akhbar.validate import run

    folder = FIXTURES / rule / "invalid"
    serial = findings_in(folder, monkeypatch)
    monkeypatch.setattr(run, "CHUNK_BYTES", 64)
    monkeypatch.setattr(run, "PARALLEL_FROM_BYTES", 0)
    assert findings_in(folder, monkeypatch, jobs=2) == serial
