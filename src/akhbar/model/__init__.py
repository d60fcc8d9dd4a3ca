"""Models trained by the project from its own gold, on CPU: an entity tagger (`entities`) and a stance
baseline (`stance`). They are build artefacts under `.akhbar/models/` (git-ignored), each with a card;
their output is a suggestion, never a label. Scores of record go to data/baselines.json (`baselines`)."""
