"""The label scheme and the JSON Schemas, loaded once from schema/.

The scheme file is the single definition of entity types and stance labels. The validator, the Label
Studio config and the release features all read it from here. Commands pass their project's folder
(`Project.schema`); a folder that does not exist (a project without schema/) means the copy the package
carries (`packaged_schema`: in the wheel, akhbar/schema/). No argument means the project found from the
working folder, for tests and interactive use.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs

from akhbar.paths import find_project, packaged_schema

SCHEMA_FILES = {
    "article": "article.schema.json",
    "annotation": "annotation.schema.json",
    "target": "target.schema.json",
    "split": "split.schema.json",
    "collection": "collection.schema.json",
    "label-scheme": "label-scheme.schema.json",
}
SCHEME_FILE = "label-scheme.json"


@dataclass(frozen=True)
class Label:
    name: str
    hotkey: str
    description: str
    color: str | None = None
    example: str | None = None
    description_ar: str | None = None  # for the annotators, who read the guidelines in Arabic


@dataclass(frozen=True)
class Scheme:
    name: str
    version: int
    entity_labels: tuple[Label, ...]
    stance_labels: tuple[Label, ...]

    @property
    def entity_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.entity_labels)

    @property
    def stance_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.stance_labels)

    @property
    def iob2_tags(self) -> tuple[str, ...]:
        """O first, then B-X and I-X for each type in scheme order: the ClassLabel names of `ner_tags`."""
        tags = ["O"]
        for name in self.entity_names:
            tags += [f"B-{name}", f"I-{name}"]
        return tuple(tags)


def _schema_dir(schema_dir: Path | None) -> Path:
    folder = schema_dir if schema_dir is not None else find_project().schema
    return folder if folder.is_dir() else packaged_schema()


# The caches are keyed on the folder, never on None: None means "the current project", which changes with
# the working directory and $AKHBAR_ROOT, so it is resolved on every call.
def load_schemas(schema_dir: Path | None = None) -> dict[str, dict[str, Any]]:
    return _load_schemas(_schema_dir(schema_dir))


@functools.cache
def _load_schemas(folder: Path) -> dict[str, dict[str, Any]]:
    return {kind: json.loads((folder / name).read_text("utf-8")) for kind, name in SCHEMA_FILES.items()}


def validator(kind: str, schema_dir: Path | None = None) -> jsonschema_rs.Validator:
    """A compiled validator for one record kind; cross-file $refs resolve through a local registry."""
    return _validator(kind, _schema_dir(schema_dir))


@functools.cache
def _validator(kind: str, folder: Path) -> jsonschema_rs.Validator:
    schemas = _load_schemas(folder)
    registry = jsonschema_rs.Registry([(schema["$id"], schema) for schema in schemas.values()])
    return jsonschema_rs.Draft202012Validator(schemas[kind], registry=registry, validate_formats=True)


def load_scheme(schema_dir: Path | None = None) -> Scheme:
    return _load_scheme(_schema_dir(schema_dir))


@functools.cache
def _load_scheme(folder: Path) -> Scheme:
    raw = json.loads((folder / SCHEME_FILE).read_text("utf-8"))
    errors = [error.message for error in _validator("label-scheme", folder).iter_errors(raw)]
    if errors:
        raise ValueError(f"{SCHEME_FILE} does not match its schema: {'; '.join(errors)}")
    return Scheme(
        name=raw["name"],
        version=raw["version"],
        entity_labels=tuple(Label(**label) for label in raw["entities"]["labels"]),
        stance_labels=tuple(Label(**label) for label in raw["stance"]["labels"]),
    )
