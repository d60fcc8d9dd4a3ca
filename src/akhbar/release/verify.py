"""`verify`: the release in data/ is what its manifest says, and what the corpus builds today.

1. Every file the manifest lists has its sha256, and data/ holds no other Parquet file (a stray one
   would be picked up by the card's globs).
2. The history holds this manifest; CHANGELOG.md and README.md's card are what the history and the
   manifest generate, and the card passes the offline checks; data/croissant.json and
   data/agreement.json are what the manifest and the corpus generate, byte for byte.
3. The corpus files have the hashes recorded at release time.
4. The release is rebuilt aside from the corpus and the kept split assignment, and every rebuilt file,
   row count, label count and report figure must equal the manifest's, byte for byte.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from typing import Any

from akhbar import commit
from akhbar.document import card, changelog
from akhbar.paths import Project, find_project
from akhbar.release import manifest
from akhbar.release.build import build
from akhbar.release.documents import documents
from akhbar.release.index import corpus_digest
from akhbar.release.parquet import sha256_file
from akhbar.release.publish import workdir
from akhbar.release.settings import Settings
from akhbar.release.splits import ASSIGNMENT_FILE
from akhbar.scheme import load_scheme


@dataclass
class VerifyReport:
    version: str | None = None
    findings: list[str] = field(default_factory=list)
    files_checked: int = 0
    rebuilt: bool = False
    seconds: dict[str, float] = field(default_factory=dict)  # step -> wall-clock seconds, in step order

    @property
    def exit_code(self) -> int:
        return 1 if self.findings else 0

    def lines(self) -> list[str]:
        lines = [f"verify: {finding}" for finding in self.findings]
        what = f"release {self.version}" if self.version else "no release"
        rebuilt = ", rebuilt from the corpus byte for byte" if self.rebuilt and not self.findings else ""
        verdict = "FAILED" if self.findings else "ok"
        lines.append(
            f"{what}: {self.files_checked} files checked{rebuilt}; {verdict} ({len(self.findings)} findings)"
        )
        if self.seconds:
            steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in self.seconds.items())
            took = f"{sum(self.seconds.values()):.1f} s ({steps})"
            lines.append(f"verified {what} in {took}" if verdict == "ok" else f"verify took {took}")
        return lines


def _check_files(project: Project, current: dict[str, Any], report: VerifyReport) -> None:
    for relative, expected in sorted(current["files"].items()):
        path = project.root / relative
        if not path.is_file():
            report.findings.append(f"{relative}: missing (manifest sha256 {expected})")
            continue
        report.files_checked += 1
        actual = sha256_file(path)
        if actual != expected:
            report.findings.append(f"{relative}: sha256 {actual}, manifest says {expected}")
    listed = set(current["files"])
    for path in sorted(project.data.rglob("*.parquet")):
        relative = path.relative_to(project.root).as_posix()
        if relative not in listed:
            report.findings.append(f"{relative}: not in the manifest (the card's globs would load it)")


def _check_documents(project: Project, current: dict[str, Any], report: VerifyReport) -> None:
    recorded = project.data / manifest.HISTORY / f"{current['version']}.json"
    if not recorded.is_file() or recorded.read_bytes() != (project.data / manifest.MANIFEST).read_bytes():
        report.findings.append(
            f"{recorded.relative_to(project.root)}: missing or differs from data/manifest.json"
        )
    changelog_path = project.root / "CHANGELOG.md"
    expected = changelog.render(manifest.history(project.data))
    if not changelog_path.is_file() or changelog_path.read_text("utf-8") != expected:
        report.findings.append("CHANGELOG.md: not what the release history generates (run `akhbar release`)")
    readme = project.root / "README.md"
    scheme = load_scheme(project.schema)
    report.findings += card.check(readme.read_text("utf-8") if readme.is_file() else "", current, scheme)
    for name, expected in documents(project, current, scheme, project.data).items():
        path = project.data / name
        if not path.is_file():
            report.findings.append(f"{path.relative_to(project.root)}: missing (run `akhbar release`)")
        elif path.read_bytes() != expected:
            report.findings.append(
                f"{path.relative_to(project.root)}: not what the release and the corpus generate "
                "(edited, or the corpus changed: run `akhbar document` or `akhbar release`)"
            )


def _compare(expected: Any, actual: Any, where: str, report: VerifyReport) -> None:
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual), key=str):
            _compare(expected.get(key), actual.get(key), f"{where}.{key}", report)
    elif expected != actual:
        report.findings.append(f"rebuild: {where} is {actual!r}, the manifest says {expected!r}")


def verify(project: Project | None = None, *, rebuild: bool = True, progress: bool = False) -> VerifyReport:
    project = project or find_project()
    report = VerifyReport()
    interrupted = commit.pending(project)
    if interrupted:  # data/ and the corpus may mix two states: nothing to compare until it is completed
        report.findings += [
            f"{path.relative_to(project.root).as_posix()}: a commit was interrupted half way "
            "(run `akhbar recover` to complete it)"
            for path in interrupted
        ]
        return report
    current = manifest.read(project.data)
    if current is None:
        report.findings.append(
            f"{project.data.relative_to(project.root)}/{manifest.MANIFEST}: no release to verify"
        )
        return report
    report.version = current["version"]
    started = time.perf_counter()
    _check_files(project, current, report)
    _check_documents(project, current, report)
    assignment = project.corpus / "splits" / ASSIGNMENT_FILE
    recorded = current["corpus"]["files"]
    now = corpus_digest(project, assignment)
    for relative in sorted(set(recorded) | set(now)):
        if recorded.get(relative) != now.get(relative):
            state = "added" if relative not in recorded else "removed" if relative not in now else "changed"
            report.findings.append(
                f"{relative}: {state} since release {current['version']} (run `akhbar release`)"
            )
    report.seconds["hashes and documents"] = time.perf_counter() - started
    if not rebuild:
        return report
    started = time.perf_counter()
    work = workdir(project, "verify")
    try:
        built = build(
            project,
            work / "data",
            work,
            version=current["version"],
            settings=Settings.from_dict(current["settings"]),
            assign_new=False,
            progress=progress,
        )
        report.rebuilt = True
        for article_id in built.splits.unassigned:
            report.findings.append(
                f"rebuild: article {article_id} has no split in {assignment.name} (run `akhbar release`)"
            )
        for relative in sorted(set(current["files"]) | set(built.files)):
            expected, actual = current["files"].get(relative), built.files.get(relative)
            if expected != actual:
                report.findings.append(
                    f"rebuild: {relative} is {'missing' if actual is None else 'sha256 ' + actual}, "
                    f"the manifest says {'no such file' if expected is None else 'sha256 ' + expected}"
                )
        rebuilt = {"rows": built.rows, "labels": built.labels, "report": _without_split_counts(built.report)}
        recorded_part = {key: current[key] for key in ("rows", "labels")}
        recorded_part["report"] = _without_split_counts(current["report"])
        _compare(recorded_part, rebuilt, "manifest", report)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        report.seconds["rebuild"] = time.perf_counter() - started
    return report


def _without_split_counts(report: dict[str, Any]) -> dict[str, Any]:
    """A rebuild reuses the assignment instead of making it: its split-making figures are not compared."""
    return {key: value for key, value in report.items() if key != "splits"}
