"""data/croissant.json: the release described in Croissant 1.1 JSON-LD (MLCommons).

Generated from the release's manifest (version, date, every file with its sha256) and the configs'
features, so it changes exactly when the release does: one FileObject per Parquet file, one FileSet
per config, one RecordSet per config whose fields mirror the `datasets` features (a list becomes
`isArray`, a struct `subField`s read with a JSON path, a ClassLabel an integer that `references` the
record set of its names), plus a `split` field read from the file name. Paths are relative to data/.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from datasets import ClassLabel, Features, List, Value

from akhbar.document.card import LICENSE_LINK, front_matter
from akhbar.release.features import features
from akhbar.release.settings import CONFIGS, SPLITS, Settings
from akhbar.scheme import Scheme

CROISSANT = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
PARQUET = "application/x-parquet"
# The card's licence file, relative to data/ like every path here: code, annotations and texts differ.
LICENSE = f"../{LICENSE_LINK}"
DESCRIPTION = (
    "An open, versioned corpus of Arabic news articles with named-entity spans (the 21 Wojood types, nested "
    "spans kept) and the stance of articles toward claims (Agree, Disagree, Discuss, Unrelated). Three "
    "configs: articles (one row per article with every released label), ner (one row per paragraph, IOB2 "
    "tags of the outermost spans) and stance (one row per article and claim). The corpus is made of "
    "collections, each under its own licence: every row carries its collection, licence (an SPDX "
    "expression, never widened) and attribution; see LICENSE.md and DATASHEET.md."
)
_TYPES = {"string": "sc:Text", "bool": "sc:Boolean", "int32": "sc:Integer", "int64": "sc:Integer"}

# The context Croissant 1.1 documents (the one mlcroissant writes for conformsTo 1.1).
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}


def label_sets(scheme: Scheme) -> dict[tuple[str, ...], str]:
    """The record set that holds each list of ClassLabel names."""
    return {
        scheme.entity_names: "entity_types",
        scheme.iob2_tags: "ner_tags",
        scheme.stance_names: "stance_labels",
    }


def _licenses(manifest: dict[str, Any]) -> str | list[str]:
    """LICENSE.md, then the licence of every collection with records in the release."""
    report = manifest["report"]
    present = report.get("collections") or {}
    terms = report.get("collection_terms") or {}
    urls = sorted({terms[name]["license_url"] for name in present if name in terms})
    return [LICENSE, *urls] if urls else LICENSE


def metadata(manifest: dict[str, Any], scheme: Scheme, data: Path) -> dict[str, Any]:
    """The Croissant document of the release in `data` (whose manifest is `manifest`)."""
    card = front_matter(manifest, scheme)
    files = sorted(path.removeprefix("data/") for path in manifest["files"])
    distribution: list[dict[str, Any]] = [
        {
            "@type": "cr:FileObject",
            "@id": path,
            "name": path,
            "contentUrl": path,
            "contentSize": f"{(data / path).stat().st_size} B",
            "encodingFormat": PARQUET,
            "sha256": manifest["files"][f"data/{path}"],
        }
        for path in files
    ]
    distribution += [
        {
            "@type": "cr:FileSet",
            "@id": f"{config}-files",
            "name": f"{config}-files",
            "description": f"The Parquet files of the {config} config, one or more per split.",
            "encodingFormat": PARQUET,
            "includes": f"{config}/*.parquet",
        }
        for config in CONFIGS
    ]
    names = label_sets(scheme)
    record_sets = [_split_set()] + [_label_set(set_id, list(labels)) for labels, set_id in names.items()]
    pairs = Settings.of_manifest(manifest).pair_reason
    record_sets += [
        _record_set(config, features(config, scheme, pair_reason=pairs), names, manifest)
        for config in CONFIGS
    ]
    version = manifest["version"]
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": "akhbar",
        "alternateName": card["pretty_name"],
        "description": DESCRIPTION,
        "version": version,
        "datePublished": manifest["date"],
        "license": _licenses(manifest),
        "inLanguage": "ar",
        "keywords": card["tags"],
        "creator": {"@type": "sc:Organization", "name": "akhbar maintainers"},
        "citeAs": _bibtex(version, manifest["date"]),
        "isLiveDataset": False,
        "distribution": distribution,
        "recordSet": record_sets,
    }


def dumps(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


def _bibtex(version: str, date: str) -> str:
    key = f"akhbar_{version.replace('.', '_')}"
    return (
        f"@misc{{{key}, title = {{akhbar: an annotated corpus of Arabic news}}, "
        f"author = {{akhbar maintainers}}, year = {{{date[:4]}}}, note = {{release {version}}}}}"
    )


def _split_set() -> dict[str, Any]:
    return {
        "@type": "cr:RecordSet",
        "@id": "splits",
        "name": "splits",
        "dataType": "cr:Split",
        "description": "The splits of every config; an article and all its rows are in one split.",
        "key": {"@id": "splits/name"},
        "field": [{"@type": "cr:Field", "@id": "splits/name", "name": "name", "dataType": "sc:Text"}],
        "data": [{"splits/name": split} for split in SPLITS],
    }


def _label_set(set_id: str, labels: list[str]) -> dict[str, Any]:
    return {
        "@type": "cr:RecordSet",
        "@id": set_id,
        "name": set_id,
        "description": "The names of a label column: the integer stored is the index of its name here.",
        "key": {"@id": f"{set_id}/index"},
        "field": [
            {"@type": "cr:Field", "@id": f"{set_id}/index", "name": "index", "dataType": "sc:Integer"},
            {"@type": "cr:Field", "@id": f"{set_id}/name", "name": "name", "dataType": "sc:Text"},
        ],
        "data": [{f"{set_id}/index": index, f"{set_id}/name": name} for index, name in enumerate(labels)],
    }


def _record_set(
    config: str, feats: Features, names: dict[tuple[str, ...], str], manifest: dict[str, Any]
) -> dict[str, Any]:
    files = {"fileSet": {"@id": f"{config}-files"}}
    split = {
        "@type": "cr:Field",
        "@id": f"{config}/split",
        "name": "split",
        "description": "The split, read from the file name.",
        "dataType": ["sc:Text", "cr:Split"],
        "references": {"field": {"@id": "splits/name"}},
        "source": {
            **files,
            "extract": {"fileProperty": "filename"},
            "transform": {"regex": f"^({'|'.join(SPLITS)})-[0-9]+-of-[0-9]+\\.parquet$"},
        },
    }
    fields = [split]
    for name, feature in feats.items():
        fields.append(
            _field(f"{config}/{name}", name, feature, {**files, "extract": {"column": name}}, names)
        )
    rows = ", ".join(f"{split} {manifest['rows'][config][split]}" for split in SPLITS)
    return {
        "@type": "cr:RecordSet",
        "@id": config,
        "name": config,
        "description": f"The {config} config (rows in this release: {rows}).",
        "key": {"@id": f"{config}/id"},
        "field": fields,
    }


def _field(
    field_id: str, name: str, feature: Any, source: dict[str, Any], names: dict[tuple[str, ...], str]
) -> dict[str, Any]:
    field: dict[str, Any] = {"@type": "cr:Field", "@id": field_id, "name": name}
    if isinstance(feature, List):
        field |= {"isArray": True, "arrayShape": "-1"}
        feature = feature.feature
    if isinstance(feature, dict):
        field["subField"] = [
            _field(f"{field_id}/{sub}", sub, inner, {**source, "transform": {"jsonPath": sub}}, names)
            for sub, inner in feature.items()
        ]
        return field
    if isinstance(feature, ClassLabel):
        field["dataType"] = "sc:Integer"
        field["references"] = {"field": {"@id": f"{names[tuple(feature.names)]}/index"}}
    elif isinstance(feature, Value) and feature.dtype in _TYPES:
        field["dataType"] = _TYPES[feature.dtype]
    else:
        raise ValueError(f"{field_id}: no Croissant type for {feature!r}")
    field["source"] = source
    return field
