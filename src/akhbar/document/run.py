"""`document`: regenerate every generated part of the documentation, or check that none is stale.

Parts:
  guidelines  docs/guidelines.md's table of entity types, from the label scheme; docs/guidelines.ar.md's
              table of types and its example tables (from docs/guidelines.md)
  datasheet   DATASHEET.md's statistics, annotation figures and collections, and its plots in docs/figures/
  license     LICENSE.md's table of the collections and their terms, from the registry
  imported    docs/anercorp-mapping.md's figures, from the imported ANERcorp records of the corpus
  release     data/agreement.json and data/croissant.json, which every release writes too
  baselines   README.md's Baselines block, from data/baselines.json (`akhbar model evaluate --record`);
              DATASHEET.md's is made with the datasheet part
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from akhbar.commit import Transaction, project_lock, refuse_pending
from akhbar.document import datasheet, guidelines, imported, licences, plots
from akhbar.document.blocks import replace_block
from akhbar.document.guidelines import GUIDELINES, GUIDELINES_AR
from akhbar.document.stats import current_manifest, release_stats
from akhbar.errors import UsageError
from akhbar.paths import Project
from akhbar.quality.agreement import corpus_agreement
from akhbar.registry import load_registry
from akhbar.release import manifest as manifests
from akhbar.release.documents import documents
from akhbar.scheme import load_scheme

DATASHEET = Path("DATASHEET.md")
LICENSE = Path("LICENSE.md")
README = Path("README.md")


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


def _guidelines(project: Project, data: Path) -> list[Output]:
    scheme = load_scheme(project.schema)
    english = _read(project, GUIDELINES)
    made = replace_block(english, "scheme", guidelines.scheme_table(scheme), where=str(GUIDELINES))
    if "<!-- claim-rules:begin" in english:  # a project whose guidelines have the claims section
        made = replace_block(made, "claim-rules", guidelines.claim_rules(), where=str(GUIDELINES))
    found = [_text(GUIDELINES, made)]
    if (project.root / GUIDELINES_AR).is_file():  # the annotators' Arabic text, where a project has one
        arabic = _read(project, GUIDELINES_AR)
        for name, content in guidelines.arabic_blocks(english, scheme).items():
            if name == "claim-rules" and "<!-- claim-rules:begin" not in arabic:
                continue  # guidelines written before the claims section
            arabic = replace_block(arabic, name, content, where=str(GUIDELINES_AR))
        found.append(_text(GUIDELINES_AR, arabic))
    return found


def _datasheet(project: Project, data: Path) -> list[Output]:
    scheme = load_scheme(project.schema)
    stats = release_stats(project, scheme.entity_names, scheme.stance_names, data)
    agreement, _ = corpus_agreement(project=project)
    text = _read(project, DATASHEET)
    text = replace_block(text, "stats", datasheet.stats_block(stats), where=str(DATASHEET))
    text = replace_block(text, "labeling", datasheet.labeling_block(stats, agreement), where=str(DATASHEET))
    if "<!-- claims:begin" in text:  # a datasheet with the claims section
        claims = datasheet.claims_block(project, scheme.stance_names)
        text = replace_block(text, "claims", claims, where=str(DATASHEET))
    collections = licences.datasheet_block(
        load_registry(project), current_manifest(project, data), licences.history(data)
    )
    text = replace_block(text, "collections", collections, where=str(DATASHEET))
    if "<!-- baselines:begin" in text:  # a datasheet with the models' scores (akhbar.model.baselines)
        text = replace_block(text, "baselines", _baselines_block(project, data), where=str(DATASHEET))
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


def _license(project: Project, data: Path) -> list[Output]:
    if not (project.root / LICENSE).is_file():  # a project without LICENSE.md has no table to keep
        return []
    text = _read(project, LICENSE)
    block = licences.license_block(load_registry(project))
    return [_text(LICENSE, replace_block(text, "collections", block, where=str(LICENSE)))]


def _imported(project: Project, data: Path) -> list[Output]:
    path = Path(imported.MAPPING_DOC)
    if not (project.root / path).is_file():  # a project without imported ANERcorp has nothing to count
        return []
    block = imported.mapping_block(project, "anercorp")
    return [_text(path, replace_block(_read(project, path), "measured", block, where=str(path)))]


def _baselines_block(project: Project, data: Path) -> str:
    from akhbar.model import baselines  # the models' scores, from data/baselines.json

    current = manifests.read(data)
    return baselines.block(baselines.read(data), current["version"] if current else None)


def _baselines(project: Project, data: Path) -> list[Output]:
    """README.md's Baselines block (the datasheet's is made with the datasheet)."""
    path = project.root / README
    text = path.read_text("utf-8") if path.is_file() else ""
    if "<!-- baselines:begin" not in text:  # a project whose card shows no baselines
        return []
    block = _baselines_block(project, data)
    return [_text(README, replace_block(text, "baselines", block, where=str(README)))]


def _release(project: Project, data: Path) -> list[Output]:
    made = documents(project, current_manifest(project, data), load_scheme(project.schema), data)
    data = project.data.relative_to(project.root)
    return [Output(data / name, lambda content=content: content) for name, content in made.items()]


# Each part makes its outputs for the project and the release in a data folder (the project's data/, or
# the one a release has staged).
PARTS: dict[str, Callable[[Project, Path], list[Output]]] = {
    "guidelines": _guidelines,
    "datasheet": _datasheet,
    "license": _license,
    "imported": _imported,
    "release": _release,
    "baselines": _baselines,
}
NEED_RELEASE = ("datasheet", "release")


def outputs(project: Project, parts: Sequence[str] | None = None) -> list[Output]:
    """Every generated file of the given parts (default: all) as it should be now."""
    chosen = PARTS if parts is None else parts
    return [output for part in chosen for output in PARTS[part](project, project.data)]


# The documents outside data/ that a release makes stale, and the file each is generated into.
_RELEASE_MAKES_STALE = {"guidelines": GUIDELINES, "datasheet": DATASHEET, "license": LICENSE}


def regenerate_documents(project: Project, data: Path) -> dict[Path, bytes]:
    """The generated documents outside data/ (guidelines, datasheet, plots) that differ from the
    checkout's files once the release staged in `data` is in place: path relative to the project root ->
    new bytes. A release stages these beside data/ and moves them with it, so `akhbar document --check`
    passes right after `akhbar release`. The documents inside data/ (Croissant, agreement) the release
    makes itself. A project without DATASHEET.md or docs/guidelines.md has none of that part to keep."""
    changed: dict[Path, bytes] = {}
    for part, source in _RELEASE_MAKES_STALE.items():
        if not (project.root / source).is_file():
            continue
        for output in PARTS[part](project, data):
            path = project.root / output.path
            if not (path.is_file() and output.is_current(path.read_bytes())):
                changed[output.path] = output.make()
    return changed


def document(*, project: Project, check: bool = False, parts: Sequence[str] | None = None) -> DocumentReport:
    """Write the generated parts (check=False) or only report which are stale (check=True). Before the
    first release there is nothing to describe: the parts that read the release are skipped, with a note.
    Writing holds the project's lock and replaces the files in one commit (akhbar.commit)."""
    if check:
        refuse_pending(project)
        return _document(project, parts, None)
    with project_lock(project, command="document"), Transaction(project) as txn:
        report = _document(project, parts, txn)
        txn.commit()
    return report


def _document(project: Project, parts: Sequence[str] | None, txn: Transaction | None) -> DocumentReport:
    """Check (txn None) or stage every output that is not current."""
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
        elif txn is None:
            report.stale.append(shown)
        else:
            txn.write(path, output.make())
            report.written.append(shown)
    return report
