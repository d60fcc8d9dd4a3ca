"""Documentation generated from the corpus and its release: the datasheet's statistics and plots, the
guidelines' label table, the Croissant metadata, and the offline check of the dataset card's metadata.

Human-written prose stays human-written; generated parts sit between markers and `akhbar document
--check` fails when any of them no longer matches what the corpus and the release say."""
