"""What besides the corpus decides the bytes of a release (kept in its manifest), with no heavy imports
so that the command line starts fast."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from akhbar.errors import UsageError

CONFIGS = ("articles", "ner", "stance")
SPLITS = ("train", "validation", "test")
DEFAULT_CONFIG = "articles"
DEFAULT_RATIOS = (0.8, 0.1, 0.1)
ROW_GROUP_ROWS = 10_000  # the row-group size measured best for load_dataset (shared/notes/datasets.md)
ROWS_PER_FILE = 200_000


def parse_ratios(text: str) -> tuple[float, float, float]:
    try:
        parts = tuple(float(part) for part in text.split(","))
    except ValueError:
        parts = ()
    if len(parts) != 3 or any(part < 0 for part in parts) or abs(sum(parts) - 1) > 1e-9:
        raise UsageError(
            f"--ratios takes three non-negative numbers adding up to 1 (train,validation,test); got {text!r}"
        )
    return parts[0], parts[1], parts[2]


@dataclass(frozen=True)
class Settings:
    ratios: tuple[float, float, float] = DEFAULT_RATIOS
    near_duplicates: bool = True
    rows_per_file: int = ROWS_PER_FILE
    row_group_rows: int = ROW_GROUP_ROWS
    # The stance config's `pair_reason` column (why `akhbar stance pairs` drew the pair): in releases made
    # after 0.2.1; a manifest without the setting (0.2.1 and before) rebuilds without it, byte for byte.
    pair_reason: bool = True

    def __post_init__(self) -> None:
        # 0 rows per file would write empty files forever; a negative count would index past the rows.
        for name in ("rows_per_file", "row_group_rows"):
            value = getattr(self, name)
            if type(value) is not int or value < 1:
                raise UsageError(
                    f"{name.replace('_', ' ')} must be a whole number of at least 1, not {value!r}"
                )

    def to_dict(self) -> dict[str, Any]:
        return {
            "ratios": dict(zip(SPLITS, self.ratios, strict=True)),
            "near_duplicates": self.near_duplicates,
            "rows_per_file": self.rows_per_file,
            "row_group_rows": self.row_group_rows,
            "ner_row": "paragraph",
            "stance_pair_reason": self.pair_reason,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Settings:
        ratios = raw["ratios"]
        return cls(
            ratios=(ratios["train"], ratios["validation"], ratios["test"]),
            near_duplicates=raw["near_duplicates"],
            rows_per_file=raw["rows_per_file"],
            row_group_rows=raw["row_group_rows"],
            pair_reason=raw.get("stance_pair_reason", False),
        )

    @classmethod
    def of_manifest(cls, manifest: dict[str, Any]) -> Settings:
        """The settings a release was made with, as its manifest records them."""
        return cls.from_dict(manifest["settings"])
