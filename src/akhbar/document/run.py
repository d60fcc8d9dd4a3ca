"""`document`: regenerate every generated part of the documentation, or check that none is stale.

Parts:
  guidelines  docs/guidelines.md's table of entity types, from the label scheme
  datasheet   DATASHEET.md's statistics and annotation figures, and its plots in docs/figures/
  release     data/agreement.json and data/croissant.json, which every release writes too
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from akhbar import jsonl
from akhbar.document import datasheet, guidelines, plots
from akhbar.document.blocks import replace_block
from akhbar.document.guidelines import GUIDELINES
from akhbar.document.stats import current_manifest, release_stats
from akhbar.errors import UsageError
from akhbar.paths import Project
from akhbar.quality.agreement import corpus_agreement
from akhbar.release import manifest as manifests
from akhbar.release.documents import documents
from akhbar.scheme import load_scheme

DATASHEET = Path("DATASHEET.md")


@dataclass(frozen=True)
class Output:
    """One generated file (path relative to the project root). `make` gives its bytes; a `digest`, when
    given, is what staleness is judged by (plots: the figures drawn, not the image bytes)."""

    path: Path
    make: Callable[[], bytes]
    digest: str | None = None

    def is_current(self, existing: bytes) -> bool:
        if self.digest is not None:
            return plots.stored_digest(existing) == self.digest
        return existing == self.make()


@dataclass
class DocumentReport:
    written: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.stale else 0

    def lines(self) -> list[str]:
        out = [f"note: {note}" for note in self.notes]
        out += [f"wrote {path}" for path in self.written]
        out += [f"stale: {path} (run `akhbar document`)" for path in self.stale]
        out.append(f"{len(self.written)} written, {len(self.stale)} stale, {len(self.unchanged)} up to date")
        return out


def _read(project: Project, relative: Path) -> str:
    path = project.root / relative
    if not path.is_file():
        raise UsageError(f"{relative} is missing")
    return path.read_text("utf-8")


def _text(path: Path, text: str) -> Output:
    content = text.encode("utf-8")
    return Output(path, lambda: content)


def _guidelines(project: Project) -> list[Output]:
    scheme = load_scheme(project.schema)
    text = replace_block(
        _read(project, GUIDELINES), "scheme", guidelines.scheme_table(scheme), where=str(GUIDELINES)
    )
    return [_text(GUIDELINES, text)]


def _datasheet(project: Project) -> list[Output]:
    scheme = load_scheme(project.schema)
    stats = release_stats(project, scheme.entity_names, scheme.stance_names)
    agreement, _ = corpus_agreement(project=project)
    text = _read(project, DATASHEET)
    text = replace_block(text, "stats", datasheet.stats_block(stats), where=str(DATASHEET))
    text = replace_block(text, "labeling", datasheet.labeling_block(stats, agreement), where=str(DATASHEET))
    found = [_text(DATASHEET, text)]
    for name, data in plots.figure_data(stats).items():
        found.append(
            Output(
                Path(datasheet.FIGURE_DIR) / name,
                lambda name=name, data=data: plots.render(name, data),
                plots.digest(data),
            )
        )
    return found


def _release(project: Project) -> list[Output]:
    made = documents(project, current_manifest(project), load_scheme(project.schema), project.data)
    data = project.data.relative_to(project.root)
    return [Output(data / name, lambda content=content: content) for name, content in made.items()]


PARTS: dict[str, Callable[[Project], list[Output]]] = {
    "guidelines": _guidelines,
    "datasheet": _datasheet,
    "release": _release,
}
NEED_RELEASE = ("datasheet", "release")


def outputs(project: Project, parts: Sequence[str] | None = None) -> list[Output]:
    """Every generated file of the given parts (default: all) as it should be now."""
    return [output for part in (PARTS if parts is None else parts) for output in PARTS[part](project)]


def document(*, project: Project, check: bool = False, parts: Sequence[str] | None = None) -> DocumentReport:
    """Write the generated parts (check=False) or only report which are stale (check=True). Before the
    first release there is nothing to describe: the parts that read the release are skipped, with a note."""
    report = DocumentReport()
    parts = list(PARTS if parts is None else parts)
    if manifests.read(project.data) is None:
        skipped = [part for part in parts if part in NEED_RELEASE]
        parts = [part for part in parts if part not in NEED_RELEASE]
        if skipped:
            report.notes.append(f"no release in data/ yet: {', '.join(skipped)} not generated")
    for output in outputs(project, parts):
        path = project.root / output.path
        shown = output.path.as_posix()
        if path.is_file() and output.is_current(path.read_bytes()):
            report.unchanged.append(shown)
        elif check:
            report.stale.append(shown)
        else:
            with jsonl.atomic_writer(path) as handle:
                handle.write(output.make())
            report.written.append(shown)
    return report
