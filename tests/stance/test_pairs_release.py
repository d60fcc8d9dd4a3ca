"""Drawn pairs in a release: the stance rows say why each pair was drawn, in the claim's split; a release
made with the settings of 0.2.1 (no `stance_pair_reason` in its manifest) has no such column."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest
from datasets import load_dataset
from pairs_corpus import write

from akhbar import jsonl
from akhbar.corpus import text_sha256
from akhbar.release.features import features
from akhbar.release.publish import release
from akhbar.release.settings import Settings
from akhbar.scheme import load_scheme
from akhbar.stance.claims import CLAIMS_FILE
from akhbar.stance.pairs import draw_pairs
from synthetic import synthetic_annotation_terms, synthetic_provenance

pytestmark = pytest.mark.slow


def label(project, claim: dict, article_id: str, stance: str) -> dict:
    (article,) = [a for _, a in jsonl.read(project.articles / "synthetic.jsonl") if a["id"] == article_id]
    return {
        "id": f"sta-{article_id}-{claim['id']}",
        "layer": "stance",
        "article_id": article_id,
        "target_id": claim["id"],
        "stance": stance,
        "text_sha256": text_sha256(article["text"]),
        "annotator": "ann1",
        "provenance": synthetic_provenance(tool="test", at="2026-01-01T00:00:00Z"),
        **synthetic_annotation_terms("stance"),
    }


def test_released_stance_rows_carry_the_draw_reason(tmp_path: Path) -> None:
    project = write(tmp_path / "p")
    draw_pairs(project, seed=2)
    claims = [record for _, record in jsonl.read(project.targets / CLAIMS_FILE)]
    park = next(c for c in claims if c["article_ids"][0] == "g1a")
    labelled = {("g1a", "Agree"), ("g1b", "Discuss")}
    jsonl.write(
        project.annotations / "stance" / "synthetic.jsonl",
        sorted((label(project, park, a, s) for a, s in labelled), key=lambda r: r["id"]),
    )
    release(project, version="0.3.0", date="2026-12-01", allow_synthetic=True)
    rows = load_dataset(str(project.root), "stance", split="train", cache_dir=str(tmp_path / "cache"))
    names = rows.features["label"]
    found = {(row["article_id"], names.int2str(row["label"]), row["pair_reason"]) for row in rows}
    assert found == {("g1a", "Agree", "source"), ("g1b", "Discuss", "story")}
    manifest = jsonl.parse((project.data / "manifest.json").read_bytes())
    assert manifest["settings"]["stance_pair_reason"] is True
    assert manifest["report"]["leakage"]["claim_pairs_in_another_split"]["count"] == 0


def test_a_release_made_before_the_column_rebuilds_without_it(tmp_path: Path) -> None:
    old = Settings().to_dict()
    del old["stance_pair_reason"]  # what a 0.2.1 manifest records
    settings = Settings.from_dict(old)
    assert settings.pair_reason is False
    scheme = load_scheme()
    assert "pair_reason" not in features("stance", scheme, pair_reason=False)
    project = write(tmp_path / "p")
    release(project, version="0.2.1", date="2026-12-01", allow_synthetic=True, settings=settings)
    (path,) = sorted((project.data / "stance").glob("train-*.parquet"))
    assert "pair_reason" not in pq.read_schema(path).names
    manifest = jsonl.parse((project.data / "manifest.json").read_bytes())
    assert "claim_pairs_in_another_split" not in manifest["report"]["leakage"]
