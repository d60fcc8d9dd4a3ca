"""validate_paths from Python: which files it reads, what it reports, and that bad data never raises."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from akhbar import jsonl
from akhbar.corpus import text_sha256
from akhbar.errors import UsageError
from akhbar.paths import Project
from akhbar.text.rules import Severity, check_text
from akhbar.validate import Finding, Report, validate_paths
from akhbar.validate import run as validate_run
from akhbar.validate.catalogue import RULES as CATALOGUE
from synthetic import synthetic_annotation_terms, synthetic_provenance
from synthetic_project import SENTENCES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"
# The collections of the registry every test project copies from the checkout (conftest.tmp_project).
REGISTERED = 5
WEIRD: list[Any] = [
    None,
    True,
    0,
    -1,
    2**40,
    1.5,
    "",
    " ",
    "x",
    "\x00",
    "../x",
    [],
    [1, "a"],
    {},
    {"a": [None]},
]


def _annotation(article: dict[str, Any], **fields: Any) -> dict[str, Any]:
    start = article["text"].index(" ") + 1
    end = article["text"].index(" ", start)
    record = {
        "id": f"ent-{article['id']}",
        "layer": "entities",
        "article_id": article["id"],
        "text_sha256": text_sha256(article["text"]),
        "annotator": "tester",
        "spans": [{"start": start, "end": end, "label": "PERS", "text": article["text"][start:end]}],
        "provenance": synthetic_provenance(tool="test"),
        **synthetic_annotation_terms("entities"),
    }
    record.update(fields)
    return record


def _rules(report: Report) -> dict[str, int]:
    return dict(report.by_rule())


def test_a_clean_synthetic_corpus_gives_no_finding(
    tmp_project: Project, synthetic_article: Callable[..., dict[str, Any]]
) -> None:
    articles = [synthetic_article(index) for index in range(3)]
    jsonl.write(tmp_project.articles / "synthetic.jsonl", articles)
    jsonl.write(tmp_project.annotations / "entities" / "a.jsonl", [_annotation(articles[0])])
    report = validate_paths(project=tmp_project)
    assert report.findings == []
    assert report.exit_code == 0
    assert report.records == {"article": 3, "annotation": 1, "collection": REGISTERED}


def test_large_files_in_parallel_chunks_report_the_same_lines_as_one_process(
    tmp_project: Project, synthetic_article: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = [synthetic_article(index) for index in range(600)]
    # Problems scattered over the file, so that they fall into different chunks.
    for index in (7, 150, 151, 420, 599):
        articles[index]["text"] += " حصـرا"
    articles[300]["title"] = ""
    articles[500]["source"] = "Not A Source"
    lines = [jsonl.dumps(article) for article in articles]
    lines[200] = lines[200].replace(b'"language":"ar"', b'"language": "ar"')
    lines.insert(350, b"\n")
    (tmp_project.articles / "synthetic.jsonl").write_bytes(b"".join(lines))
    jsonl.write(
        tmp_project.annotations / "entities" / "a.jsonl", [_annotation(articles[599], text_sha256="0" * 64)]
    )
    serial = validate_paths(project=tmp_project, jobs=1)
    monkeypatch.setattr(validate_run, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(validate_run, "PARALLEL_FROM_BYTES", 0)
    parallel = validate_paths(project=tmp_project, jobs=2)
    assert sorted(parallel.findings) == sorted(serial.findings)
    assert parallel.records == serial.records == {"article": 600, "annotation": 1, "collection": REGISTERED}
    lines_of = {rule: sorted(f.line for f in serial.findings if f.rule == rule) for rule in _rules(serial)}
    assert lines_of == {
        "text-tatweel": [8, 151, 152, 422, 601],
        "text-empty": [301],
        "schema": [502],
        "not-canonical": [201],
        "blank-line": [351],
        "text-hash": [1],
    }


@pytest.mark.parametrize("kind", ["article", "target", "annotation", "split"])
def test_any_json_value_in_any_field_is_a_finding_never_an_exception(
    kind: str, tmp_project: Project, synthetic_article: Callable[..., dict[str, Any]]
) -> None:
    article = synthetic_article(1)
    valid = {
        "article": article,
        "target": {
            "id": "claim-1",
            "claim": "ادعاء تجريبي.",
            "article_ids": [article["id"]],
            "origin": "test",
        },
        "annotation": _annotation(article),
        "split": {"article_id": article["id"], "split": "train", "group": "g", "since": "0.1.0"},
    }[kind]
    variants = []
    for field, value in itertools.product(valid, WEIRD):
        variants.append({**valid, field: value})
    if kind == "annotation":
        for value in WEIRD:
            variants.append({**valid, "spans": [value]})
            variants.append({**valid, "spans": [{**valid["spans"][0], "start": value, "label": value}]})
    folder = {
        "article": tmp_project.articles,
        "target": tmp_project.targets,
        "annotation": tmp_project.annotations / "entities",
        "split": tmp_project.corpus / "splits",
    }[kind]
    folder.mkdir(parents=True, exist_ok=True)
    body = b"".join(jsonl.dumps(variant) for variant in variants) + b'null\n1\n"text"\n[{}]\n'
    (folder / "weird.jsonl").write_bytes(body)
    if kind != "article":
        jsonl.write(tmp_project.articles / "synthetic.jsonl", [article])
    report = validate_paths(project=tmp_project)
    assert report.exit_code == 1
    lines_with_errors = {finding.line for finding in report.findings if finding.severity == "error"}
    # Every variant that changed a field's type is reported; the four non-object lines too.
    assert {len(variants) + 1, len(variants) + 2, len(variants) + 3, len(variants) + 4} <= lines_with_errors
    json.dumps(report.to_dict())


def test_validation_uses_the_schemas_of_the_project_it_is_given(
    tmp_project: Project, synthetic_article: Callable[..., dict[str, Any]]
) -> None:
    """Two projects whose label schemes differ, validated one after the other: no cached scheme leaks."""
    article = synthetic_article(1)
    jsonl.write(tmp_project.articles / "synthetic.jsonl", [article])
    record = _annotation(article)
    record["spans"][0]["label"] = "CITY"
    jsonl.write(tmp_project.annotations / "entities" / "a.jsonl", [record])
    other = Project(tmp_project.root.parent / "other")
    shutil.copytree(tmp_project.root, other.root)
    scheme_file = other.schema / "label-scheme.json"
    scheme = json.loads(scheme_file.read_text("utf-8"))
    scheme["entities"]["labels"].append({"name": "CITY", "hotkey": "z", "description": "A city."})
    scheme_file.write_text(json.dumps(scheme, ensure_ascii=False), "utf-8")
    assert _rules(validate_paths(project=tmp_project)) == {"unknown-label": 1}
    assert _rules(validate_paths(project=other)) == {}
    assert _rules(validate_paths(project=tmp_project)) == {"unknown-label": 1}


def test_a_broken_schema_folder_is_a_usage_error(tmp_project: Project) -> None:
    (tmp_project.schema / "label-scheme.json").write_text('{"name": "akhbar"}', "utf-8")
    with pytest.raises(UsageError, match=r"label-scheme\.json does not match its schema"):
        validate_paths(project=tmp_project)
    shutil.rmtree(tmp_project.schema)
    tmp_project.schema.mkdir()  # a schema/ of its own, empty
    with pytest.raises(UsageError, match="cannot load the schemas"):
        validate_paths(project=tmp_project)
    # Without a schema/ of its own a project is read with the schemas the package carries (the wheel's).
    tmp_project.schema.rmdir()
    assert validate_paths(project=tmp_project).exit_code == 0


def test_the_kind_of_a_file_comes_from_its_folders(
    tmp_project: Project, synthetic_article: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    article = synthetic_article(1)
    jsonl.write(tmp_project.articles / "synthetic.jsonl", [article])
    bad = _annotation(article)
    bad["spans"][0]["label"] = "CITY"
    layer = tmp_project.annotations / "entities"
    jsonl.write(layer / "a.jsonl", [bad])
    (tmp_project.corpus / "exports").mkdir()
    (tmp_project.corpus / "exports" / "raw.jsonl").write_text("not records: archived as exported\n", "utf-8")
    monkeypatch.chdir(tmp_project.root)
    # A layer folder, a file inside it, and the same file twice: an annotation each time, checked once.
    for paths in ([layer], [layer / "a.jsonl"], [layer / "a.jsonl", layer, Path("corpus/annotations")]):
        report = validate_paths(paths, project=tmp_project)
        assert [(f.path, f.rule) for f in report.findings] == [
            ("corpus/annotations/entities/a.jsonl", "unknown-label")
        ]
        assert report.records == {"annotation": 1}
        assert "no article files were checked" in " ".join(report.notes)
    assert validate_paths(project=tmp_project).records == {
        "article": 1,
        "annotation": 1,
        "collection": REGISTERED,
    }
    empty = tmp_project.root / "empty"
    empty.mkdir()
    assert validate_paths([empty], project=tmp_project).notes == ["no .jsonl files under empty"]


def test_a_utf8_file_with_one_bad_line_is_checked_line_by_line(
    tmp_project: Project, synthetic_article: Callable[..., dict[str, Any]]
) -> None:
    lines = [jsonl.dumps(synthetic_article(index)) for index in range(3)]
    lines[1] = lines[1].replace("ب".encode(), b"\xd8", 1)
    (tmp_project.articles / "synthetic.jsonl").write_bytes(b"".join(lines))
    report = validate_paths(project=tmp_project)
    assert [(f.line, f.rule) for f in report.findings] == [(2, "file-encoding")]
    assert "line is not valid UTF-8: byte 0xD8" in report.findings[0].message
    assert report.records == {"article": 2, "collection": REGISTERED}


def test_a_truncated_last_line_says_so(
    tmp_project: Project, synthetic_article: Callable[..., dict[str, Any]]
) -> None:
    line = jsonl.dumps(synthetic_article(1))
    cut = line.index("ب".encode()) + 1  # in the middle of a two-byte character
    (tmp_project.articles / "synthetic.jsonl").write_bytes(jsonl.dumps(synthetic_article(0)) + line[:cut])
    report = validate_paths(project=tmp_project)
    assert sorted((f.line, f.rule) for f in report.findings) == [(2, "file-encoding"), (2, "line-ending")]
    assert "cut off at its end" in next(f.message for f in report.findings if f.rule == "file-encoding")


def test_report_order_exit_codes_and_json() -> None:
    whole_file = Finding("a.jsonl", None, "file-io", None, "cannot read")
    on_line = Finding("a.jsonl", 3, "text-tatweel", "$.text", "tatweel")
    error = Finding("a.jsonl", 2, "schema", "$", "bad")
    assert sorted([on_line, error, whole_file]) == [whole_file, error, on_line]
    assert Report([on_line]).exit_code == 0
    assert Report([on_line, error]).exit_code == 1
    assert Report([on_line, error, whole_file]).exit_code == 2
    report = Report([on_line, error], files=1)
    assert report.summary() == "checked 1 files (no records): 1 errors, 1 warnings"
    data = json.loads(json.dumps(report.to_dict()))
    assert data["by_rule"] == {"text-tatweel": 1, "schema": 1}
    assert data["findings"][0] == {
        "severity": "error",
        "path": "a.jsonl",
        "line": 2,
        "rule": "schema",
        "json_path": "$",
        "message": "bad",
    }
    assert on_line.format() == "a.jsonl:3: warning text-tatweel tatweel (at $.text)"
    assert whole_file.format() == "a.jsonl: error file-io cannot read"


def test_validation_writes_nothing(
    tmp_path: Path, snapshot: Callable[[Path], dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(FIXTURES, copy, symlinks=True)
    before = snapshot(copy)
    monkeypatch.chdir(copy)
    report = validate_paths([Path(".")], project=Project(Path(__file__).resolve().parents[2]))
    assert report.exit_code == 2  # the file-io fixture cannot be read
    assert snapshot(copy) == before


def test_text_findings_of_every_field_are_those_of_check_text_serial_and_parallel(
    tmp_project: Project, synthetic_article: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Problems of every text rule, several per text, in titles and bodies (the fast paths of the text
    rules and the line reader, issue 11): each field's findings are check_text's, at the right line, the
    same in one process and in small chunks in workers; lines cut across the reader's blocks too."""
    pieces = ["\x1a", "\ufffd", " \ufed7\ufe8e\ufedd", " ط§ظ„ط¹", " ÇáÚ", "\u0627\u0653", "\u200f", "\u200b"]
    pieces += ["\u06cc", " حصـرا", " ٢0٢٣", " ٢٠٢٣", " ١٫٥", " café", "«»"]
    rng = random.Random(11)
    articles = []
    for index in range(300):
        text = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 4)))
        title = "عنوان"
        for _ in range(rng.randint(0, 4)):
            where = rng.randrange(len(text) + 1)
            text = text[:where] + rng.choice(pieces) + text[where:]
        if index % 7 == 0:
            title += rng.choice(pieces)
        articles.append(synthetic_article(index, text, title=title))
    lines = [jsonl.dumps(article) for article in articles]
    lines[40] = lines[40].replace(b"\n", b"\r\n")
    (tmp_project.articles / "synthetic.jsonl").write_bytes(b"".join(lines))
    expected = sorted(
        Finding(
            os.path.relpath(tmp_project.articles / "synthetic.jsonl"),
            index + 1,
            found.rule,
            f"$.{field}",
            found.message,
        )
        for index, article in enumerate(articles)
        for field in ("title", "text")
        for found in check_text(article[field])
    )
    assert len({finding.rule for finding in expected}) == 10  # every text rule is exercised
    monkeypatch.setattr(jsonl, "BLOCK_BYTES", 1000)  # lines of a few hundred bytes: many cut by a block
    serial = validate_paths(project=tmp_project, jobs=1)
    monkeypatch.setattr(validate_run, "CHUNK_BYTES", 4096)
    monkeypatch.setattr(validate_run, "PARALLEL_FROM_BYTES", 0)
    parallel = validate_paths(project=tmp_project, jobs=2)
    for report in (serial, parallel):
        assert sorted(f for f in report.findings if f.rule.startswith("text-")) == expected
        assert [f.line for f in report.findings if f.rule == "line-ending"] == [41]
        assert report.records["article"] == 300


def test_report_counts_and_json_of_many_findings_are_those_counted_one_by_one() -> None:
    """Errors and warnings are counted by rule (one severity per rule) and findings turned into dicts by
    hand: the same as counting each finding's severity and dataclasses.asdict."""
    rng = random.Random(3)
    rules = sorted(CATALOGUE)
    findings = [
        Finding(f"f{rng.randint(0, 3)}.jsonl", rng.choice([None, 1, 2, 30]), rng.choice(rules), None, "m")
        for _ in range(500)
    ]
    report = Report(findings, files=4)
    errors = sum(1 for finding in findings if finding.severity is Severity.ERROR)
    assert 0 < errors < len(findings)
    assert (report.errors, report.warnings) == (errors, len(findings) - errors)
    data = report.to_dict(max_findings=100)
    assert (data["errors"], data["warnings"], data["more_findings"]) == (errors, len(findings) - errors, 400)
    assert data["findings"] == [
        {"severity": str(finding.severity), **dataclasses.asdict(finding)}
        for finding in sorted(findings)[:100]
    ]
    assert sorted(findings, key=Finding._key) == sorted(findings)  # the text report's order
