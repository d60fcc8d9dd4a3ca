"""The CRF's decoding against brute force: the best path and its probability."""

from __future__ import annotations

import itertools

import numpy as np

from akhbar.model import network


def test_viterbi_finds_the_best_path_and_its_probability() -> None:
    rng = np.random.default_rng(7)
    length, tags = 4, 3
    scores = rng.normal(size=(length, tags))
    params = {
        "transitions": rng.normal(size=(tags, tags)),
        "start": rng.normal(size=tags),
        "end": rng.normal(size=tags),
    }

    def total(path: tuple[int, ...]) -> float:
        value = (
            params["start"][path[0]] + params["end"][path[-1]] + sum(scores[t, k] for t, k in enumerate(path))
        )
        return float(value + sum(params["transitions"][a, b] for a, b in itertools.pairwise(path)))

    every = {path: total(path) for path in itertools.product(range(tags), repeat=length)}
    best = max(every, key=every.__getitem__)
    probability = np.exp(every[best]) / sum(np.exp(value) for value in every.values())
    path, found = network.viterbi(scores, params)
    assert tuple(path) == best
    assert abs(found - probability) < 1e-9
