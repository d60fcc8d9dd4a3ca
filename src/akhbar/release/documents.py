"""The two JSON documents a release writes beside its Parquet files: data/agreement.json (inter-annotator
agreement of the corpus) and data/croissant.json (the release in Croissant, from its manifest).

Neither is hashed in the manifest (croissant.json is made from the manifest); `akhbar verify` regenerates
both from the corpus and the manifest and compares them byte for byte, and `akhbar document` rewrites them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from akhbar.document import croissant
from akhbar.paths import Project
from akhbar.quality.agreement import AGREEMENT_FILE, corpus_agreement
from akhbar.scheme import Scheme


def documents(
    project: Project, manifest: dict[str, Any], scheme: Scheme, data: Path, *, agreement: bool = True
) -> dict[str, bytes]:
    """File name in data/ -> bytes, for the release in `data` whose manifest is `manifest`."""
    made = {croissant.CROISSANT: croissant.dumps(croissant.metadata(manifest, scheme, data))}
    if agreement:  # off only in the release benchmark, which measures the build alone
        made[AGREEMENT_FILE] = corpus_agreement(project=project)[0].to_json()
    return dict(sorted(made.items()))
