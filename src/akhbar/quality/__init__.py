"""Annotation quality: the adjudication rule that turns several annotations into released labels,
and inter-annotator agreement (Label Studio's open-source edition computes none)."""
