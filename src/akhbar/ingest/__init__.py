"""Ingest: adapters read articles from outside formats; the pipeline adds them to the corpus safely."""

from akhbar.ingest.pipeline import IngestReport, ingest

__all__ = ["IngestReport", "ingest"]
