"""The command line: one thin module per command over plain functions that work from Python too."""
