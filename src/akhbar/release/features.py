"""The three configs' features, from the label scheme: the one typed description that the Parquet
schemas, the card's YAML and the checks all derive from.

Every row of every config carries the terms it may be used under: `collection` (the registry id of the
article's collection), `license` (an SPDX expression: the distinct licences of every record the row is made
from, joined with AND) and `attribution`. `ner` and `stance` rows also say which labels were annotated
(`annotated_labels`): a label outside that list is unknown in the row, not absent. `ner` rows of imported
gold also carry the source's own IOB2 tags (`source_tags`, e.g. ANERcorp's PERS/LOC/ORG/MISC), so that
scores compare with the literature; rows of the project's own annotations have none (an empty list)."""

from __future__ import annotations

import functools

from datasets import ClassLabel, Features, List, Value

from akhbar.scheme import Scheme


@functools.cache
def features(config: str, scheme: Scheme, *, pair_reason: bool = False) -> Features:
    """`pair_reason`: the stance config's column saying why `akhbar stance pairs` drew the pair (source,
    story, outlet-week, random; null for a pair attached by hand or imported, e.g. ANS): releases made
    after 0.2.1 (Settings.pair_reason, recorded in the manifest)."""
    entity = ClassLabel(names=list(scheme.entity_names))
    stance = ClassLabel(names=list(scheme.stance_names))
    text = Value("string")
    terms = {"collection": text, "license": text, "attribution": text}
    if config == "articles":
        return Features(
            {
                "id": text,
                "kind": text,
                **terms,
                "title": text,
                "text": text,
                "source": text,
                "url": text,
                "published": text,
                "author": text,
                "story_id": text,
                "synthetic": Value("bool"),
                "entities": List(
                    {"start": Value("int32"), "end": Value("int32"), "label": entity, "text": text}
                ),
                "entity_decision": text,
                "stance": List({"target_id": text, "claim": text, "label": stance}),
            }
        )
    if config == "ner":
        return Features(
            {
                "id": text,
                "article_id": text,
                "paragraph": Value("int32"),
                "tokens": List(text),
                "ner_tags": List(ClassLabel(names=list(scheme.iob2_tags))),
                "token_starts": List(Value("int32")),
                "token_ends": List(Value("int32")),
                **terms,
                "annotated_labels": List(text),
                "source_tags": List(text),
            }
        )
    if config == "stance":
        return Features(
            {
                "id": text,
                "article_id": text,
                "target_id": text,
                "claim": text,
                "title": text,
                "text": text,
                "label": stance,
                **terms,
                "annotated_labels": List(text),
                **({"pair_reason": text} if pair_reason else {}),
            }
        )
    raise ValueError(f"unknown config {config!r}")


def class_label_paths(feats: Features) -> dict[str, ClassLabel]:
    """Each ClassLabel column as a dotted path, through lists and structs: 'ner_tags', 'entities.label'."""
    found: dict[str, ClassLabel] = {}

    def walk(feature: object, path: str) -> None:
        if isinstance(feature, ClassLabel):
            found[path] = feature
        elif isinstance(feature, List):
            walk(feature.feature, path)
        elif isinstance(feature, dict):
            for name, inner in feature.items():
                walk(inner, f"{path}.{name}" if path else name)

    walk(dict(feats), "")
    return found
