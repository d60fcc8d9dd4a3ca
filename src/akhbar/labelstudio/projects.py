"""The Label Studio projects of a corpus, found by title (`<prefix> entities`, `<prefix> stance`)."""

from __future__ import annotations

from typing import Any

from label_studio_sdk import LabelStudio

from akhbar.document.guidelines import INSTRUCTIONS_STYLE
from akhbar.errors import UsageError
from akhbar.labelstudio.config import instruction_html, label_config
from akhbar.scheme import Scheme

DEFAULT_PREFIX = "akhbar"
DEFAULT_OVERLAP = 2  # annotators per task: agreement needs real double annotation
UNCERTAINTY = "Uncertainty sampling"  # the label stream offers the lowest prediction score first


def title_of(prefix: str, layer: str) -> str:
    return f"{prefix} {layer}"


def find(ls: LabelStudio, title: str) -> Any | None:
    """The one project with exactly this title (the server's title filter matches substrings)."""
    found = [project for project in ls.projects.list(title=title, page_size=100) if project.title == title]
    if len(found) > 1:
        ids = ", ".join(str(project.id) for project in found)
        raise UsageError(
            f"several Label Studio projects are titled {title!r} (ids {ids}); rename all but one"
        )
    return found[0] if found else None


def ensure(
    ls: LabelStudio,
    *,
    prefix: str,
    layer: str,
    scheme: Scheme,
    guidelines_url: str | None = None,
    guidelines: str = "",
) -> tuple[int, str]:
    """Create the layer's project or bring its config and instructions up to date; (id, what happened).
    `guidelines`: the layer's annotation guidelines as HTML, shown under the instructions."""
    title = title_of(prefix, layer)
    config = label_config(layer, scheme)
    instruction = (
        INSTRUCTIONS_STYLE + instruction_html(layer, scheme, guidelines_url=guidelines_url) + guidelines
    )
    project = find(ls, title)
    if project is None:
        created = ls.projects.create(
            title=title, label_config=config, expert_instruction=instruction, show_instruction=True
        )
        return int(created.id), "created"
    if project.label_config == config and project.expert_instruction == instruction:
        return int(project.id), "reused"
    # The server refuses a config that would orphan existing annotations, with its reason.
    ls.projects.update(project.id, label_config=config, expert_instruction=instruction, show_instruction=True)
    return int(project.id), "config updated"


def set_queue(
    ls: LabelStudio,
    project_id: int,
    *,
    overlap: int | None = None,
    model_version: str | None = None,
) -> list[str]:
    """Bring the project's task queue settings to what is asked; what changed, in words.

    `overlap`: how many annotators each task needs (`maximum_annotations`, for every task:
    `overlap_cohort_percentage` 100). `model_version`: the predictions the labeling page pre-fills and
    the label stream orders by score, least confident first ("Uncertainty sampling"); the server
    accepts only a version some prediction of the project carries.
    """
    current = ls.projects.get(project_id)
    wanted: dict[str, Any] = {}
    if overlap is not None:
        wanted |= {"maximum_annotations": overlap, "overlap_cohort_percentage": 100}
    if model_version is not None:
        wanted |= {"model_version": model_version, "sampling": UNCERTAINTY}
    changes = {name: value for name, value in wanted.items() if getattr(current, name, None) != value}
    if changes:
        ls.projects.update(project_id, **changes)
    return [f"{name} {value}" for name, value in changes.items()]
