"""Releases: the corpus and its adjudicated annotations compiled into versioned Parquet configs that load
with `datasets.load_dataset`, with a manifest, checked by `verify`. The documents a release updates
(dataset card, changelog, Croissant) are written by `akhbar.document`, which this package calls.

Modules: settings (what decides a release besides the corpus), features (the typed columns), splits,
rows, parquet, index (the SQLite index of the corpus), build (rows into Parquet), publish (the release
as one transaction), manifest, documents (data/'s JSON documents), minhash, verify, load.
"""
