"""akhbar: an open, versioned, annotated corpus of Arabic news."""

__version__ = "0.1.0"
