"""Releases: the corpus and its adjudicated annotations compiled into versioned Parquet configs that load
with `datasets.load_dataset`, with a manifest, a changelog and a dataset card, checked by `verify`.

Modules: settings (what decides a release besides the corpus), features (the typed columns), splits,
rows, parquet, build (build and release), manifest, changelog, card, verify, load.
"""
