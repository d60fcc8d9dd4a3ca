"""Validation's annotations wait on disk (validate.pending): the findings are those of the records held in
memory, in serial and in parallel, and memory does not grow with the annotations."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from akhbar.paths import Project
from akhbar.validate import run as validate_run
from akhbar.validate import validate_paths

ROOT = Path(__file__).resolve().parents[2]
# `akhbar validate --format json` on scripts/bench_validate_annotations.py's corpus of 300 articles (span,
# hash, unknown-article, unknown-target, target-not-attached and duplicate-claim findings), recorded before
# the annotations moved to the on-disk index, when every record was held in memory.
GOLDEN = ROOT / "tests" / "fixtures" / "validate" / "annotated-300.json"


def _generate(root: Path, size: int) -> None:
    script = ROOT / "scripts" / "bench_validate_annotations.py"
    subprocess.run([sys.executable, str(script), "--generate", str(root), str(size)], check=True, cwd=ROOT)


@pytest.mark.parametrize("parallel", [False, True])
def test_findings_of_an_annotated_corpus_are_those_of_the_records_held_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    root = tmp_path / "project"
    _generate(root, 300)
    monkeypatch.chdir(root)  # the report shows paths relative to the working folder
    jobs = 1
    if parallel:  # workers that read the index from their own connection, chunks that split the files
        monkeypatch.setattr(validate_run, "PARALLEL_FROM_BYTES", 0)
        monkeypatch.setattr(validate_run, "CHUNK_BYTES", 64 << 10)
        jobs = 2
    report = validate_paths(project=Project(root), jobs=jobs)
    assert json.loads(json.dumps(report.to_dict())) == json.loads(GOLDEN.read_text("utf-8"))


def test_references_of_odd_values_and_of_files_that_are_not_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "project"
    _generate(root, 3)
    monkeypatch.chdir(root)
    stance = root / "corpus" / "annotations" / "stance" / "synthetic.jsonl"
    first = orjson.loads(stance.read_bytes().splitlines()[0])
    assert first["target_id"] == "t-00000000" and first["article_id"] == "syn-00000000"
    odd = [
        {**first, "id": "z1", "article_id": 5},
        {key: value for key, value in {**first, "id": "z2"}.items() if key != "article_id"},
        {**first, "id": "z3", "article_id": "syn-00000001"},
        {**first, "id": "z4", "article_id": "syn-00000002", "target_id": ["t-00000000"]},
    ]
    with stance.open("ab") as out:
        out.writelines(orjson.dumps(record, option=orjson.OPT_SORT_KEYS) + b"\n" for record in odd)
    # Records that parse, then a line that is not UTF-8: the file is refused whole, its references with it.
    latin = root / "corpus" / "annotations" / "entities" / "latin.jsonl"
    latin.write_bytes(b'{"id":"a","article_id":"nowhere"}\n{"id":"b","note":"caf\xe9"}\n')

    report = validate_paths(project=Project(root), jobs=1)

    attached = [
        (found.line, found.message) for found in report.findings if found.rule == "target-not-attached"
    ]
    assert attached == [
        (3, "target 't-00000000' is not attached to article 'syn-missing-stance'"),
        (4, "target 't-00000000' is not attached to article 5"),
        (5, "target 't-00000000' is not attached to article None"),
        (6, "target 't-00000000' is not attached to article 'syn-00000001'"),
    ]
    unknown = [
        (found.path, found.line, found.message)
        for found in report.findings
        if found.rule == "unknown-article"
    ]
    assert unknown == [
        ("corpus/annotations/entities/synthetic.jsonl", 7, "no article has id 'syn-missing-0'"),
        ("corpus/annotations/entities/synthetic.jsonl", 8, "no article has id 'syn-missing-1'"),
        ("corpus/annotations/entities/synthetic.jsonl", 9, "no article has id 'syn-missing-2'"),
        ("corpus/annotations/stance/synthetic.jsonl", 3, "no article has id 'syn-missing-stance'"),
        ("corpus/splits/synthetic.jsonl", 2, "no article has id 'syn-missing-split'"),
    ]
    assert [found.rule for found in report.findings if found.path.endswith("latin.jsonl")] == [
        "file-encoding"
    ]


# `akhbar validate --jobs 1` with chunks of 256 KiB, so that the buffers of a chunk reach their full size in
# the smaller corpus too: what grows from one corpus to the other is then what is kept per record. It
# reports VmHWM, its own peak RSS: wait4's would start from the size of the process that forked it (the
# test runner), which can hide the child's.
VALIDATE = """
import sys
from akhbar.cli.main import main
from akhbar.validate import run
run.CHUNK_BYTES = 256 << 10
code = main(["validate", "--jobs", "1", "--format", "json"])
with open("/proc/self/status") as status:
    print(next(line.split()[1] for line in status if line.startswith("VmHWM:")), file=sys.stderr)
sys.exit(code)
"""


def _peak_rss(root: Path) -> int:
    """Peak RSS in bytes of validating the corpus in `root` in one process (no worker to add up)."""
    done = subprocess.run(
        [sys.executable, "-c", VALIDATE], cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert done.returncode == 1, done.stderr  # the planted errors
    return int(done.stderr.split()[-1]) * 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")
def test_peak_memory_does_not_grow_with_the_annotations(tmp_path: Path) -> None:
    # Held in memory, the annotations cost about 28 KiB per article (two of about 25 spans each): 2,000
    # more articles were about 60 MiB more. On disk, what grows is the ids (well under 1 KiB per article).
    small, large = tmp_path / "small", tmp_path / "large"
    _generate(small, 500)
    _generate(large, 2500)
    growth = _peak_rss(large) - _peak_rss(small)
    assert growth < 10 << 20, f"peak RSS grew by {growth / 2**20:.1f} MiB for 2,000 more annotated articles"
