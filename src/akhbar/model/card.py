"""A model's card: what it was trained on and how, what it scores, what it cost. Written beside the model
as card.json (the data) and card.md (the same, for people)."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class ModelCard:
    kind: str  # "entities" or "stance"
    version: str  # the model's version, as suggestions carry it
    release: str  # the release version whose train split it learned from
    training_data: dict[str, Any]  # rows and tokens per collection, rows left out and why, extra data
    features: list[str]
    hyperparameters: dict[str, Any]
    scores: dict[str, Any] = field(default_factory=dict)  # filled by evaluation (test splits)
    training_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    seed: int = 0
    timings: dict[str, Any] = field(default_factory=dict)  # parts of the training time, cache use

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ModelCard:
        return cls(**json.loads(text))

    def markdown(self) -> str:
        lines = [
            f"# {self.kind} model {self.version}",
            "",
            f"- release: {self.release} (train split), seed {self.seed}",
            f"- training time: {self.training_seconds:.1f} s; peak memory (RSS): {self.peak_rss_mb:.0f} MB",
            "- timings: " + json.dumps(self.timings, sort_keys=True),
            "- training data: " + json.dumps(self.training_data, ensure_ascii=False, sort_keys=True),
            "- features: " + "; ".join(self.features),
            "- hyperparameters: " + json.dumps(self.hyperparameters, sort_keys=True),
        ]
        if self.scores:
            lines += [
                "",
                "## Scores",
                "",
                "```json",
                json.dumps(self.scores, indent=2, sort_keys=True),
                "```",
            ]
        return "\n".join(lines) + "\n"

    def write(self, folder: Path) -> None:
        (folder / "card.json").write_text(self.to_json(), "utf-8")
        (folder / "card.md").write_text(self.markdown(), "utf-8")


@contextmanager
def staged(folder: Path) -> Iterator[Path]:
    """A fresh folder to write a model into, which replaces `folder` only when the block ends without
    error: a training that fails or is interrupted leaves the previous model as it was."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{folder.name}-", dir=folder.parent))
    try:
        yield staging
        if folder.exists():
            shutil.rmtree(folder)
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def read_card(folder: Path) -> ModelCard:
    return ModelCard.from_json((folder / "card.json").read_text("utf-8"))


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
