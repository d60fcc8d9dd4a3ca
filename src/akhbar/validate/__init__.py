"""Validation: every corpus record against its JSON Schema, the corpus rules and the Arabic text rules."""

from akhbar.validate.findings import Finding, Report
from akhbar.validate.run import validate_paths

__all__ = ["Finding", "Report", "validate_paths"]
