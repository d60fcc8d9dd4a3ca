"""The entity tagger's network, in jax on CPU: a bidirectional LSTM over each token's word vectors (frozen,
learned from the corpus's own articles), a trainable word embedding, a character CNN and two small
embeddings (proclitics, character class), under a linear-chain CRF.

The CRF is trained on partial labels: each token has a set of allowed tags (one, where the gold is known;
several, where a source span could not be typed), and the loss is the log of the probability of every
path through the allowed tags. A name whose type is unknown is then never taught as O.

Decoding (Viterbi) and the path's probability are plain numpy: prediction compiles nothing per sentence
length beyond the bucket shapes of `inputs.batches`."""

from __future__ import annotations

from typing import Any

import numpy as np

Params = dict[str, Any]


def init(seed: int, sizes: dict[str, int], config: dict[str, Any], pretrained: int) -> Params:
    """Random parameters: `sizes` are the vocabularies' sizes, `pretrained` the word vectors' width."""
    import jax
    import jax.numpy as jnp

    hidden = config["hidden"]
    keys = jax.random.split(jax.random.PRNGKey(seed), 10)
    width = 2 * pretrained + config["word_dim"] + config["filters"] + 8 + 4

    def normal(key: Any, shape: tuple[int, ...], scale: float | None = None) -> Any:
        return jax.random.normal(key, shape) * (scale if scale is not None else 1.0 / np.sqrt(shape[0]))

    # The forget gate's bias starts at 1 (the second quarter of the gates): it remembers from the start.
    gate_bias = jnp.zeros(4 * hidden).at[hidden : 2 * hidden].set(1.0)
    tags = sizes["tags"]
    return {
        "words": normal(keys[0], (sizes["words"], config["word_dim"]), 0.1),
        "chars": normal(keys[1], (sizes["chars"], config["char_dim"]), 0.1),
        "conv": normal(keys[2], (3 * config["char_dim"], config["filters"])),
        "conv_bias": jnp.zeros(config["filters"]),
        "proclitics": normal(keys[3], (sizes["proclitics"], 8), 0.1),
        "shapes": normal(keys[4], (sizes["shapes"], 4), 0.1),
        "forward_in": normal(keys[5], (width, 4 * hidden)),
        "forward_state": normal(keys[6], (hidden, 4 * hidden)),
        "forward_bias": gate_bias,
        "backward_in": normal(keys[7], (width, 4 * hidden)),
        "backward_state": normal(keys[8], (hidden, 4 * hidden)),
        "backward_bias": gate_bias,
        "out": normal(keys[9], (2 * hidden, tags)),
        "out_bias": jnp.zeros(tags),
        "transitions": jnp.zeros((tags, tags)),
        "start": jnp.zeros(tags),
        "end": jnp.zeros(tags),
    }


def _lstm(xs: Any, mask: Any, weights_in: Any, weights_state: Any, bias: Any) -> Any:
    """xs [time, batch, width], mask [time, batch] -> states [time, batch, hidden] (0 past the end)."""
    import jax
    import jax.numpy as jnp

    hidden = weights_state.shape[0]
    gates_in = xs @ weights_in + bias  # one matrix product for every step at once

    def step(carry: Any, inputs: Any) -> Any:
        h, c = carry
        gates, m = inputs
        i, f, o, u = jnp.split(gates + h @ weights_state, 4, axis=-1)
        c_next = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(u)
        h_next = jax.nn.sigmoid(o) * jnp.tanh(c_next)
        m = m[:, None]
        h_next = m * h_next + (1 - m) * h
        c_next = m * c_next + (1 - m) * c
        return (h_next, c_next), h_next * m

    zeros = jnp.zeros((xs.shape[1], hidden))
    return jax.lax.scan(step, (zeros, zeros), (gates_in, mask))[1]


def _reverse(x: Any, lengths: Any) -> Any:
    """Each sequence of x [batch, time, ...] reversed within its own length (padding stays at the end)."""
    import jax.numpy as jnp

    t = jnp.arange(x.shape[1])[None, :]
    index = jnp.where(t < lengths[:, None], lengths[:, None] - 1 - t, t)
    return jnp.take_along_axis(x, index.reshape(index.shape + (1,) * (x.ndim - 2)), axis=1)


def emissions(
    params: Params, pretrained: Any, batch: dict[str, Any], config: dict[str, Any], key: Any = None
) -> Any:
    """Per-token tag scores [batch, time, tags]. With a key: training (word dropout and dropout)."""
    import jax
    import jax.numpy as jnp

    lengths = batch["length"]
    mask = (jnp.arange(batch["word"].shape[1])[None, :] < lengths[:, None]).astype(jnp.float32)
    word, vector, stem = batch["word"], batch["vector"], batch["stem"]
    if key is not None:
        # The trainable word id hidden (as unknown) in part, and a pretrained vector now and then: the test
        # split's names are often words the train split never had, or the articles never had.
        k1, k2, k3, k4, k5 = jax.random.split(key, 5)
        word = jnp.where(jax.random.uniform(k1, word.shape) < config["word_dropout"], 1, word)
        vector = jnp.where(jax.random.uniform(k2, word.shape) < config["vector_dropout"], 0, vector)
        stem = jnp.where(jax.random.uniform(k3, word.shape) < config["vector_dropout"], 0, stem)
    chars = params["chars"][batch["chars"]]  # batch, time, characters, width
    padded = jnp.pad(chars, ((0, 0), (0, 0), (1, 1), (0, 0)))
    windows = jnp.concatenate([padded[:, :, :-2], padded[:, :, 1:-1], padded[:, :, 2:]], axis=-1)
    convolved = jnp.tanh(windows @ params["conv"] + params["conv_bias"])
    char_features = jnp.max(jnp.where((batch["chars"] > 0)[..., None], convolved, -1.0), axis=2)
    x = jnp.concatenate(
        [
            pretrained[vector],
            pretrained[stem],
            params["words"][word],
            char_features,
            params["proclitics"][batch["proclitic"]],
            params["shapes"][batch["shape"]],
        ],
        axis=-1,
    )
    keep = 1.0 - config["dropout"]
    if key is not None:
        x = x * jax.random.bernoulli(k4, keep, x.shape) / keep
    forward = _lstm(jnp.swapaxes(x, 0, 1), mask.T, *_weights(params, "forward"))
    backward = _lstm(jnp.swapaxes(_reverse(x, lengths), 0, 1), mask.T, *_weights(params, "backward"))
    h = jnp.concatenate(
        [jnp.swapaxes(forward, 0, 1), _reverse(jnp.swapaxes(backward, 0, 1), lengths)], axis=-1
    )
    if key is not None:
        h = h * jax.random.bernoulli(k5, keep, h.shape) / keep
    return h @ params["out"] + params["out_bias"]


def _weights(params: Params, direction: str) -> tuple[Any, Any, Any]:
    return params[f"{direction}_in"], params[f"{direction}_state"], params[f"{direction}_bias"]


def _log_partition(params: Params, scores: Any, mask: Any) -> Any:
    """log of the sum over every tag path of exp(its score), per sequence (the forward algorithm)."""
    import jax
    import jax.numpy as jnp

    transitions = params["transitions"]

    def step(alpha: Any, inputs: Any) -> Any:
        emitted, m = inputs
        following = jax.nn.logsumexp(alpha[:, :, None] + transitions[None], axis=1) + emitted
        return jnp.where(m[:, None] > 0, following, alpha), None

    first = params["start"][None] + scores[:, 0]
    rest = (jnp.swapaxes(scores[:, 1:], 0, 1), mask[:, 1:].T)
    alpha = jax.lax.scan(step, first, rest)[0]
    return jax.nn.logsumexp(alpha + params["end"][None], axis=-1)


def loss(params: Params, pretrained: Any, batch: dict[str, Any], config: dict[str, Any], key: Any) -> Any:
    """Mean negative log-probability of the allowed paths (batch["allowed"]: [batch, time, tags])."""
    import jax.numpy as jnp

    scores = emissions(params, pretrained, batch, config, key)
    mask = (jnp.arange(scores.shape[1])[None, :] < batch["length"][:, None]).astype(jnp.float32)
    every = _log_partition(params, scores, mask)
    allowed = _log_partition(params, jnp.where(batch["allowed"], scores, -1e9), mask)
    real = (batch["length"] > 0).astype(jnp.float32)  # padding rows of the last batch count for nothing
    return jnp.sum((every - allowed) * real) / jnp.maximum(real.sum(), 1.0)


def viterbi(scores: np.ndarray, params: dict[str, np.ndarray]) -> tuple[list[int], float]:
    """The best tag path of one sentence's scores [time, tags] and its probability under the CRF."""
    transitions, start, end = params["transitions"], params["start"], params["end"]
    length, tags = scores.shape
    best = start + scores[0]
    total = best.copy()
    back = np.zeros((length, tags), dtype=np.int64)
    for t in range(1, length):
        candidates = best[:, None] + transitions
        back[t] = candidates.argmax(axis=0)
        best = candidates.max(axis=0) + scores[t]
        total = _logsumexp(total[:, None] + transitions, axis=0) + scores[t]
    best = best + end
    path = [int(best.argmax())]
    for t in range(length - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    log_z = float(_logsumexp(total + end, axis=0))
    return path[::-1], float(np.exp(min(0.0, float(best.max()) - log_z)))


def _logsumexp(x: np.ndarray, axis: int) -> np.ndarray:
    top = x.max(axis=axis, keepdims=True)
    return np.squeeze(top, axis=axis) + np.log(np.exp(x - top).sum(axis=axis))
