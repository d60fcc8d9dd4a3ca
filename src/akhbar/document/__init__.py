"""Every generated document: the dataset card (README.md's front matter and Loading block), the
changelog, the Croissant metadata, the datasheet's statistics and plots, the licence tables and the
guidelines' label table, with the offline check of the dataset card's metadata. `akhbar release` calls
the card, changelog and Croissant writers; `akhbar document` the rest.

Human-written prose stays human-written; generated parts sit between markers and `akhbar document
--check` fails when any of them no longer matches what the corpus and the release say."""
