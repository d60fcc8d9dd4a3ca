"""ANERcorp (Benajiba, Rosso and Benedí 2007) into the corpus: its text as documents of consecutive
sentences, its entities as a gold annotation layer, its standard split kept as the source's.

(One module of about 360 lines, by intent: reading ANERcorp, its repairs, the NewsFANE typing and the
records made are one import, read top to bottom.)

Sources (see ../shared/external/anercorp/ABOUT.md):
- `ANERCorp`, the whole original: `token TAG` per line, no sentence breaks;
- `ANERCorp_CamelLab_test.txt`, the standard test split (CAMeL Lab, Obeid et al. 2020): `token TAG`
  per line, a blank line between sentences.

train = the tokens of `ANERCorp` before the test begins (found by matching the test's first sentence;
the copy has `الصالحية ونايفة` on the line where the test has `الصالحية`), cut into sentences by the
CAMeL rule: a boundary after every run of one or more period tokens. test = the published test file as
it is. There is no validation split. Documents are runs of SENTENCES_PER_DOCUMENT consecutive sentences
in source order (the last of a split may be shorter), kind "sentences": one sentence per line, tokens
joined by single spaces, no title, date or outlet.

Types: PERS and ORG map to themselves; LOC and MISC are typed by NewsFANE's fine class where the two
texts align (`akhbar.importers.newsfane`), else kept in `unmapped_spans` with their source label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from akhbar.corpus import text_sha256
from akhbar.errors import DataError, UsageError
from akhbar.importers import newsfane
from akhbar.importers.common import ImportReport, item, repair, write_files
from akhbar.paths import Project
from akhbar.registry import collection, terms
from akhbar.scheme import load_scheme

COLLECTION = "anercorp"
WHOLE = "ANERCorp"
TEST = "ANERCorp_CamelLab_test.txt"
# Where the files come from (ABOUT.md): the whole copy and the published test split.
WHOLE_COMMIT = "056cbc16483ae7e2a3ff86615cf46ed26af8c743"
TEST_COMMIT = "8c0f4a8b8eb821dca6d947206c3e3cbad9cda693"
SENTENCES_PER_DOCUMENT = 20
ANNOTATOR = "ANERcorp (Benajiba, Rosso and Benedí 2007)"
SOURCE_LABELS = ("PERS", "LOC", "ORG", "MISC")
DIRECT = {"PERS": "PERS", "ORG": "ORG"}  # the same type in the scheme, no evidence needed
# An entity that begins with I- and continues nothing (the test file has 49 I-PERS so, mostly a surname
# after a first name tagged O): its extent is in doubt, so it is kept unmapped with this evidence, never
# guessed; the released B- counts are then the source's (test: B-PERS 858, B-ORG 450, B-LOC 668).
ORPHAN = "anercorp:I-without-B"
MATCH_TOKENS = 10  # tokens of the test's first sentence that must follow the start in ANERCorp

_TAG = re.compile(r"O|[BI]-(?:PERS|LOC|ORG|MISC)")
# Two lines run together in the copy: `. Oالإصابة O` is `. O` and `الإصابة O`.
_MERGED = re.compile(r"(\S+) (O|[BI]-(?:PERS|LOC|ORG|MISC))(\S+) (O|[BI]-(?:PERS|LOC|ORG|MISC))")
MERGED_LINE = "anercorp-merged-line"


def annotated_labels(project: Project) -> list[str]:
    """The scheme types the mapping can give, in the scheme's order."""
    produced = set(DIRECT.values()) | {t for t in newsfane.CLASS_TO_TYPE.values() if t is not None}
    return [name for name in load_scheme(project.schema).entity_names if name in produced]


@dataclass(frozen=True)
class Token:
    text: str
    tag: str
    file: str
    line: int
    fixes: tuple[str, ...] = ()


def _token(text: str, tag: str, file: str, line: int, fixes: tuple[str, ...] = ()) -> Token:
    if not _TAG.fullmatch(tag):
        raise DataError(
            f"{file}:{line}: unknown tag {tag!r} (ANERcorp has O and B-/I- of PERS, LOC, ORG, MISC)"
        )
    fixed, applied = repair(text)
    if not fixed or any(char.isspace() for char in fixed):
        raise DataError(f"{file}:{line}: the token {text!r} does not survive its repair")
    return Token(fixed, tag, file, line, fixes + tuple(applied))


def _raw_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"cannot read {path}: {error}") from None


def read_test(path: Path) -> list[list[Token]]:
    """The published test split: sentences of tokens, exactly as given (single-space `token TAG`)."""
    sentences: list[list[Token]] = []
    current: list[Token] = []
    for number, line in enumerate(_raw_lines(path), start=1):
        if not line.strip():
            if current:
                sentences.append(current)
                current = []
            continue
        fields = line.split(" ")
        if len(fields) != 2:
            raise DataError(f"{path.name}:{number}: not `token TAG`: {line!r}")
        current.append(_token(fields[0], fields[1], path.name, number))
    if current:
        sentences.append(current)
    return sentences


def _line_token(line: str) -> str:
    return line.rsplit(None, 1)[0] if len(line.split()) > 1 else line.strip()


def find_test_start(lines: list[str], test: list[list[Token]]) -> int:
    """The 0-based line of ANERCorp where the test split begins: the one line whose token begins with the
    test's first token and is followed by the test's next MATCH_TOKENS tokens."""
    first = [token.text for sentence in test for token in sentence][: MATCH_TOKENS + 1]
    found = [
        index
        for index, line in enumerate(lines)
        if line.strip()
        and _line_token(line).split()[0] == first[0]
        and [_line_token(other) for other in lines[index + 1 : index + 1 + MATCH_TOKENS]] == first[1:]
    ]
    if len(found) != 1:
        raise DataError(
            f"{WHOLE}: the test split's first sentence is found {len(found)} times, not once; "
            "is this the copy ABOUT.md describes?"
        )
    return found[0]


def read_train(lines: list[str], end: int) -> tuple[list[Token], int]:
    """The tokens of ANERCorp's lines before `end`, and how many empty tokens were left out. Runs of
    spaces inside a line are the copy's layout; a line ` O` is an empty token (no text to keep, and a
    document separates tokens by single spaces); a line where two lines ran together is split in two
    (MERGED_LINE, recorded as a fix)."""
    tokens = []
    empty = 0
    for index, line in enumerate(lines[:end]):
        number = index + 1
        if not line.strip():
            continue
        fields = line.split()
        if len(fields) == 1 and _TAG.fullmatch(fields[0]) and line[:1].isspace():
            empty += 1
            continue
        if len(fields) == 2:
            tokens.append(_token(fields[0], fields[1], WHOLE, number))
            continue
        merged = _MERGED.fullmatch(line.strip())
        if merged is None:
            raise DataError(f"{WHOLE}:{number}: not `token TAG`: {line!r}")
        tokens.append(_token(merged[1], merged[2], WHOLE, number, (MERGED_LINE,)))
        tokens.append(_token(merged[3], merged[4], WHOLE, number, (MERGED_LINE,)))
    return tokens, empty


def _is_period(token: Token) -> bool:
    return set(token.text) == {"."}


def cut_sentences(tokens: list[Token]) -> list[list[Token]]:
    """A boundary after every run of one or more period tokens (the CAMeL rule)."""
    sentences: list[list[Token]] = []
    current: list[Token] = []
    for index, token in enumerate(tokens):
        current.append(token)
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if _is_period(token) and (following is None or not _is_period(following)):
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return sentences


def entities(sentence: list[Token]) -> list[tuple[str, int, int, bool]]:
    """(source label, first, last token index, begins with B-) in a sentence, from IOB2. An I- that
    continues nothing still makes an entity, marked as not begun (see ORPHAN)."""
    found: list[tuple[str, int, int, bool]] = []
    for index, token in enumerate(sentence):
        if token.tag == "O":
            continue
        kind, label = token.tag[0], token.tag[2:]
        if kind == "I" and found and found[-1][0] == label and found[-1][2] == index - 1:
            found[-1] = (label, found[-1][1], index, found[-1][3])
        else:
            found.append((label, index, index, kind == "B"))
    return found


@dataclass
class Document:
    split: str
    number: int
    sentences: list[list[Token]]
    first: int  # index of its first token in the aligned stream (train, then test)


def _documents(split: str, sentences: list[list[Token]], offset: int) -> list[Document]:
    documents = []
    for number, start in enumerate(range(0, len(sentences), SENTENCES_PER_DOCUMENT), start=1):
        chunk = sentences[start : start + SENTENCES_PER_DOCUMENT]
        documents.append(Document(split, number, chunk, offset))
        offset += sum(len(sentence) for sentence in chunk)
    return documents


def _provenance(tokens: list[Token]) -> dict[str, Any]:
    file = tokens[0].file
    return {
        "source_file": file,
        "source_commit": TEST_COMMIT if file == TEST else WHOLE_COMMIT,
        "source_lines": [tokens[0].line, tokens[-1].line],
    }


def _records(
    document: Document,
    own: dict[str, str],
    labels: list[str],
    alignment: newsfane.Alignment,
    fine: list[str | None],
    report: ImportReport,
) -> tuple[dict[str, Any], dict[str, Any]]:
    split = document.split
    article_id = f"anercorp-{split}-{document.number:04d}"
    lines, spans, unmapped = [], [], []
    offset, stream = 0, document.first
    tokens = [token for sentence in document.sentences for token in sentence]
    for sentence in document.sentences:
        starts = []
        for token in sentence:
            starts.append(offset)
            offset += len(token.text) + 1
        for label, first, last, begun in entities(sentence):
            start, end = starts[first], starts[last] + len(sentence[last].text)
            text = " ".join(token.text for token in sentence[first : last + 1])
            report.counts[f"{split} source entities {label}"] += 1
            if not begun:
                decided = newsfane.Evidence(None, ORPHAN, "I-without-B")
            elif label in DIRECT:
                decided = newsfane.Evidence(DIRECT[label], "", "mapped")
            else:
                decided = newsfane.decide(label, stream + first, stream + last, alignment, fine)
            span = {"start": start, "end": end, "text": text, "source_label": label}
            if decided.evidence:
                span["evidence"] = decided.evidence
            if decided.label is None:
                unmapped.append(span)
                report.counts[f"{split} unmapped {label} ({decided.reason})"] += 1
            else:
                spans.append({**span, "label": decided.label})
                report.counts[f"{split} mapped {label} -> {decided.label}"] += 1
        lines.append(" ".join(token.text for token in sentence))
        stream += len(sentence)
    text = "\n".join(lines)
    fixes = sorted({fix for token in tokens for fix in token.fixes})
    for fix in (fix for token in tokens for fix in token.fixes):
        report.counts[f"{split} tokens repaired: {fix}"] += 1
    provenance = _provenance(tokens)
    article = item(
        article_id,
        "sentences",
        own,
        title=None,
        text=text,
        provenance={"adapter": "anercorp", **provenance, **({"fixes": fixes} if fixes else {})},
    )
    annotation = {
        "id": f"{article_id}-entities",
        "layer": "entities",
        **own,
        "article_id": article_id,
        "text_sha256": text_sha256(text),
        "annotator": ANNOTATOR,
        "annotated_labels": labels,
        "ground_truth": True,
        "spans": spans,
        "unmapped_spans": unmapped,
        "provenance": {"tool": "import", **provenance},
    }
    return article, annotation


def _summarise(report: ImportReport) -> None:
    """Totals per split: entities mapped and unmapped, and how many LOC resolved to GPE, LOC or FAC."""
    counts = report.counts
    for split in ("train", "test"):
        mapped = sum(n for key, n in counts.items() if key.startswith(f"{split} mapped "))
        unmapped = sum(n for key, n in counts.items() if key.startswith(f"{split} unmapped "))
        counts[f"{split} entities: mapped to the scheme"] = mapped
        counts[f"{split} entities: unmapped (kept, not released)"] = unmapped
        counts[f"{split} LOC begun with B- resolved to GPE/LOC/FAC"] = sum(
            counts[f"{split} mapped LOC -> {label}"] for label in ("GPE", "LOC", "FAC")
        )


def build(
    project: Project, folder: Path, newsfane_folder: Path
) -> tuple[dict[Path, list[dict[str, Any]]], ImportReport]:
    """Every record of the collection, by file, and the counts; reads only."""
    for path in (folder / WHOLE, folder / TEST, newsfane_folder / newsfane.FILE):
        if not path.is_file():
            raise UsageError(f"no {path.name} in {path.parent}")
    own = terms(collection(project, COLLECTION))
    report = ImportReport()
    test = read_test(folder / TEST)
    lines = _raw_lines(folder / WHOLE)
    start = find_test_start(lines, test)
    train_tokens, empty = read_train(lines, start)
    train = cut_sentences(train_tokens)
    report.counts[f"{WHOLE}: empty tokens left out (lines ` O`)"] = empty
    report.counts[f"{WHOLE}: line where the test split begins"] = start + 1
    stream = [token.text for sentence in train + test for token in sentence]
    fane = newsfane.read(newsfane_folder / newsfane.FILE)
    alignment = newsfane.align(stream, [token.text for token in fane])
    fine = newsfane.entity_classes(fane)
    aligned = sum(t is not None for t in alignment.f_token)
    report.counts["characters aligned with NewsFANE (per mille)"] = round(
        1000 * aligned / max(1, len(alignment.f_token))
    )
    labels = annotated_labels(project)
    articles, annotations, splits = [], [], []
    for split, sentences, offset in (("train", train, 0), ("test", test, len(train_tokens))):
        report.counts[f"{split} sentences"] = len(sentences)
        report.counts[f"{split} tokens"] = sum(len(sentence) for sentence in sentences)
        documents = _documents(split, sentences, offset)
        report.counts[f"{split} documents"] = len(documents)
        for document in documents:
            article, annotation = _records(document, own, labels, alignment, fine, report)
            articles.append(article)
            annotations.append(annotation)
            splits.append(
                {
                    "article_id": article["id"],
                    "split": split,
                    "group": f"{COLLECTION}:{split}",
                    "since": "source",
                }
            )
    _summarise(report)
    files = {
        project.articles / COLLECTION / f"{COLLECTION}.jsonl": sorted(articles, key=lambda r: r["id"]),
        project.annotations / "entities" / f"{COLLECTION}.jsonl": sorted(annotations, key=lambda r: r["id"]),
        project.corpus / "splits" / f"{COLLECTION}.jsonl": sorted(splits, key=lambda r: r["article_id"]),
    }
    return files, report


def import_anercorp(
    project: Project, folder: Path, newsfane_folder: Path, *, dry_run: bool = False
) -> ImportReport:
    files, report = build(project, folder, newsfane_folder)
    if not dry_run:
        write_files(project, files, "import anercorp", report)
    return report
