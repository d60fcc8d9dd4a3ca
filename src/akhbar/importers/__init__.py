"""Importers: outside datasets with their own gold (ANERcorp, ANS) converted into corpus records.

An import is deterministic: the same source files give the same bytes, so importing twice changes
nothing. It owns its files whole (`corpus/articles/<collection>/`, its annotation layer, its targets and
its source split) and writes them in one transaction under the project's lock.
"""
