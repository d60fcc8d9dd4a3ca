"""Measure the release's near-duplicate search on real SaudiNewsNet articles and write
benchmarks/neardup.md.

Figures, each measured in this run on this machine:
- folding (corpus.fold) and band keys (akhbar.release.minhash) per article, one process and two;
- the datasketch MinHash the release used before 0.2.0, on a sample, as the peer;
- groups of two or more articles found by each on the whole collection (with exact duplicates joined
  too, as the release does), and the pairs both find;
- planted near duplicates: articles with a share of their characters replaced at random, and how many
  of them each method puts in a group with their original.

Usage: .venv/bin/python scripts/bench_neardup.py [--shared ../shared] [--peer-sample 3000]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import orjson

from akhbar.corpus import fold
from akhbar.release import minhash

ROOT = Path(__file__).resolve().parents[1]
BATCH = 2000
EDIT_RATES = (0.01, 0.02, 0.05)
PLANTED = 1000


def saudinewsnet_texts(shared: Path) -> list[str]:
    texts = []
    for path in sorted((shared / "external" / "saudinewsnet" / "dataset").glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                for item in orjson.loads(archive.read(name)):
                    content = item.get("content") if isinstance(item, dict) else None
                    if isinstance(content, str) and content.strip():
                        texts.append(content)
    return texts


def keys_of(texts: list[str]) -> list[list[str]]:
    return minhash.band_keys([fold(text) for text in texts])


def batches(texts: list[str]) -> list[list[str]]:
    return [texts[i : i + BATCH] for i in range(0, len(texts), BATCH)]


def timed_keys(texts: list[str], workers: int) -> tuple[list[list[str]], float]:
    start = time.perf_counter()
    if workers == 1:
        keys = [key for batch in batches(texts) for key in keys_of(batch)]
    else:
        with ProcessPoolExecutor(workers) as pool:
            keys = [key for part in pool.map(keys_of, batches(texts)) for key in part]
    return keys, time.perf_counter() - start


def datasketch_keys(texts: list[str]) -> list[list[str]]:
    """The release's previous method: datasketch MinHash, 128 permutations, 16 bands of 8."""
    from datasketch import MinHash

    template = MinHash(num_perm=128, seed=1, scheme="affine32")
    out = []
    for text in texts:
        folded = fold(text)
        shingles = {folded[i : i + 5] for i in range(len(folded) - 4)}
        if not shingles:
            out.append([])
            continue
        sketch = MinHash(num_perm=128, seed=1, scheme="affine32", permutations=template.permutations)
        sketch.update_batch([shingle.encode("utf-8") for shingle in sorted(shingles)])
        values = sketch.hashvalues
        bands = (values[band * 8 : band * 8 + 8].tobytes() for band in range(16))
        out.append(
            [
                f"near:{band}:{hashlib.blake2b(data, digest_size=8).hexdigest()}"
                for band, data in enumerate(bands)
            ]
        )
    return out


def groups(keylists: list[list[str]]) -> list[list[int]]:
    parent = list(range(len(keylists)))

    def find(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    first: dict[str, int] = {}
    for index, keys in enumerate(keylists):
        for key in keys:
            if key in first:
                parent[find(index)] = find(first[key])
            else:
                first[key] = index
    members: dict[int, list[int]] = {}
    for index in range(len(keylists)):
        members.setdefault(find(index), []).append(index)
    return [group for group in members.values() if len(group) > 1]


def pairs(found: list[list[int]]) -> set[tuple[int, int]]:
    return {(a, b) for group in found for a in group for b in group if a < b}


def planted(texts: list[str], rate: float, method, seed: int = 7) -> int:
    rng = random.Random(seed)
    chosen = rng.sample(range(len(texts)), PLANTED)
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي "
    edited = []
    for index in chosen:
        chars = list(texts[index])
        for _ in range(max(1, int(len(chars) * rate))):
            chars[rng.randrange(len(chars))] = rng.choice(letters)
        edited.append("".join(chars))
    original = method([texts[i] for i in chosen])
    changed = method(edited)
    return sum(bool(set(a) & set(b)) for a, b in zip(original, changed, strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--peer-sample", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "neardup.md")
    args = parser.parse_args()

    load = os.getloadavg()[0]
    texts = saudinewsnet_texts(args.shared)
    start = time.perf_counter()
    folded = [fold(text) for text in texts]
    fold_seconds = time.perf_counter() - start
    start = time.perf_counter()
    for batch in batches(folded):
        minhash.band_keys(batch)
    band_seconds = time.perf_counter() - start
    new_keys, one = timed_keys(texts, 1)
    _, two = timed_keys(texts, 2)
    sample = texts[: args.peer_sample]
    start = time.perf_counter()
    datasketch_keys(sample)
    peer_per_article = (time.perf_counter() - start) / len(sample)

    old_keys = datasketch_keys(texts)
    exact = [[f"dup:{hashlib.sha256(f.encode('utf-8')).hexdigest()}"] for f in folded]
    old_groups = groups([a + b for a, b in zip(old_keys, exact, strict=True)])
    new_groups = groups([a + b for a, b in zip(new_keys, exact, strict=True)])
    old_pairs, new_pairs = pairs(old_groups), pairs(new_groups)
    recovered = {
        rate: (planted(texts, rate, datasketch_keys), planted(texts, rate, keys_of)) for rate in EDIT_RATES
    }

    n = len(texts)
    mean_chars = sum(map(len, texts)) / n
    lines = [
        "# Near-duplicate search: measured",
        "",
        f"Generated by `scripts/bench_neardup.py` on {time.strftime('%Y-%m-%d')}: {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average at the start "
        f"{load:.2f} (other work on the machine slows every figure alike). Input: the {n:,} non-empty "
        f"SaudiNewsNet articles of `../shared/external/saudinewsnet` (mean {mean_chars:,.0f} characters).",
        "",
        "| step | seconds | articles/s | µs per article |",
        "| --- | ---: | ---: | ---: |",
        f"| fold (`corpus.fold`) | {fold_seconds:.2f} | {n / fold_seconds:,.0f} | "
        f"{fold_seconds / n * 1e6:.0f} |",
        f"| band keys of folded text (numpy one-permutation MinHash) | {band_seconds:.2f} | "
        f"{n / band_seconds:,.0f} | {band_seconds / n * 1e6:.0f} |",
        f"| fold + keys, one process | {one:.2f} | {n / one:,.0f} | {one / n * 1e6:.0f} |",
        f"| fold + keys, two processes | {two:.2f} | {n / two:,.0f} | {two / n * 1e6:.0f} |",
        f"| peer: datasketch MinHash (the release before 0.2.0), {len(sample):,}-article sample | "
        f"{peer_per_article * len(sample):.2f} | {1 / peer_per_article:,.0f} | "
        f"{peer_per_article * 1e6:.0f} |",
        "",
        "Groups of two or more articles (near-duplicate band keys and exact-duplicate keys, joined "
        "transitively, as the release joins them):",
        "",
        "| method | groups | articles in groups | article pairs in one group |",
        "| --- | ---: | ---: | ---: |",
        f"| datasketch (before) | {len(old_groups):,} | {sum(map(len, old_groups)):,} | {len(old_pairs):,} |",
        f"| numpy one-permutation (now) | {len(new_groups):,} | {sum(map(len, new_groups)):,} | "
        f"{len(new_pairs):,} |",
        f"| pairs found by both | | | {len(old_pairs & new_pairs):,} |",
        "",
        f"Planted near duplicates: {PLANTED:,} articles with a share of their characters replaced by random "
        "letters; recovered = the edited copy shares a band key with its original.",
        "",
        "| characters replaced | datasketch recovered | now recovered |",
        "| ---: | ---: | ---: |",
        *(f"| {rate:.0%} | {old:,} | {new:,} |" for rate, (old, new) in recovered.items()),
        "",
    ]
    args.out.write_text("\n".join(lines), "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
