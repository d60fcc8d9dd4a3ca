"""The datasheet's PNG plots, drawn with matplotlib's Agg renderer (a bare `Figure`: no pyplot state).

Each PNG carries, in a text chunk, the sha256 of the figures it draws (and of PLOT_VERSION): staleness
is judged from that, not from the image bytes, which may differ between matplotlib and FreeType builds.
The images themselves carry no date or software version, so a rebuild on one machine gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from PIL import Image

from akhbar.document.stats import ReleaseStats
from akhbar.release.settings import SPLITS

PLOT_VERSION = 2  # bump when the drawing changes, so that --check asks for new images
DIGEST_KEY = "akhbar-figures-sha256"
FIGURES = ("articles-per-month.png", "article-length.png", "labels.png")
_STYLE = {"font.size": 9, "axes.spines.top": False, "axes.spines.right": False}


def figure_data(stats: ReleaseStats) -> dict[str, dict[str, Any]]:
    """What each figure draws: the digest is taken over this."""
    return {
        "articles-per-month.png": {"months": stats.months, "by_source": stats.by_source_month},
        "article-length.png": {"characters": list(stats.characters), "words": list(stats.words)},
        "labels.png": {"entities": stats.entity_labels, "stance": stats.stance_labels},
    }


def digest(data: dict[str, Any]) -> str:
    payload = json.dumps({"version": PLOT_VERSION, "data": data}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def stored_digest(png: bytes) -> str | None:
    """The digest a PNG was drawn from, or None for an image without one."""
    try:
        with Image.open(io.BytesIO(png)) as image:
            return image.text.get(DIGEST_KEY)  # type: ignore[attr-defined]
    except (OSError, SyntaxError):
        return None


def render(name: str, data: dict[str, Any]) -> bytes:
    drawers = {"articles-per-month.png": _per_month, "article-length.png": _lengths, "labels.png": _labels}
    with rc_context(_STYLE):
        figure = drawers[name](data)
        out = io.BytesIO()
        figure.savefig(out, format="png", dpi=100, metadata={"Software": None, DIGEST_KEY: digest(data)})
    return out.getvalue()


def _empty(axis: Any, what: str) -> None:
    axis.text(0.5, 0.5, f"no {what}\nin this release", ha="center", va="center", transform=axis.transAxes)
    axis.set_yticks([])


def _counts(axis: Any, ylabel: str) -> None:
    """Counts on the y axis are whole numbers."""
    axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    axis.set_ylabel(ylabel)


def _per_month(data: dict[str, Any]) -> Figure:
    figure = Figure(figsize=(8, 3.2))
    axis = figure.subplots()
    months, by_source = data["months"], data["by_source"]
    bottom = [0] * len(months)
    for source, counts in by_source.items():
        heights = [counts.get(month, 0) for month in months]
        axis.bar(months, heights, bottom=bottom, label=source)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    if not months:
        _empty(axis, "articles")
    else:
        _counts(axis, "articles")
        axis.set_xlabel("month of publication")
        axis.legend(title="source", fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        axis.tick_params(axis="x", rotation=45)
    figure.tight_layout()
    return figure


def _lengths(data: dict[str, Any]) -> Figure:
    figure = Figure(figsize=(8, 3.2))
    axes = figure.subplots(1, 2)
    for axis, key, unit in ((axes[0], "characters", "characters"), (axes[1], "words", "words")):
        values = data[key]
        if not values:
            _empty(axis, "articles")
            continue
        low, high = min(values), max(values)
        if high - low < 30:  # few distinct lengths: one bar per whole number
            axis.hist(values, bins=[v - 0.5 for v in range(low, high + 2)], color="#4363d8")
            axis.set_xlim(low - 1.5, high + 1.5)
        else:
            axis.hist(values, bins=30, color="#4363d8")
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.xaxis.get_major_formatter().set_useOffset(False)
        axis.set_xlabel(f"article text length ({unit})")
        _counts(axis, "articles")
    figure.tight_layout()
    return figure


def _labels(data: dict[str, Any]) -> Figure:
    figure = Figure(figsize=(9, 3.6))
    axes = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 1]})
    for axis, key, what in ((axes[0], "entities", "entity spans"), (axes[1], "stance", "stance labels")):
        counts = data[key]
        names = list(counts)
        bottom = [0] * len(names)
        for split in SPLITS:
            heights = [counts[name].get(split, 0) for name in names]
            axis.bar(names, heights, bottom=bottom, label=split)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        axis.tick_params(axis="x", rotation=90)
        if any(bottom):
            _counts(axis, what)
            axis.legend(fontsize=7, frameon=False)
        else:
            _empty(axis, f"released {what}")
    figure.tight_layout()
    return figure
