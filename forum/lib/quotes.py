"""Finding words of one comment quoted in another: runs of QUOTE_RUN words or more, ignoring case and spacing.

Every comment keeps a few fingerprints of its words (forum.models.QuoteMark),
chosen by winnowing (Schleimer, Wilkerson and Aiken, "Winnowing: local
algorithms for document fingerprinting", 2003): hash each run of GRAM words,
and keep the smallest hash of every WINDOW consecutive ones. Two texts that
share QUOTE_RUN = GRAM + WINDOW - 1 words in a row share a window, so they
share its fingerprint: looking the erased comment's fingerprints up in an index
finds every comment that may quote it without reading anyone's text. About two
in five of a comment's words leave a fingerprint. Runs of five words (GRAM) are
rare enough that few comments share one by chance (with four, stock phrases
made erasing a comment in a 10,000-comment thread cost 55 ms instead of 18:
tests/bench_quotes.py).
"""

import hashlib
import re
from typing import NamedTuple

QUOTE_RUN = 8
GRAM = 5
WINDOW = QUOTE_RUN - GRAM + 1
_WORD = re.compile(r"\w+")
_SIGNED_63_BITS = (1 << 63) - 1


class Word(NamedTuple):
    folded: str
    start: int
    end: int


def words_of(text: str) -> list[Word]:
    """The text's words, case folded, with where each stands in the text."""
    return [Word(match.group().casefold(), match.start(), match.end()) for match in _WORD.finditer(text)]


def _gram_hashes(words: list[Word]) -> list[int]:
    hashes = []
    for index in range(len(words) - GRAM + 1):
        gram = " ".join(word.folded for word in words[index : index + GRAM]).encode()
        hashes.append(int.from_bytes(hashlib.blake2b(gram, digest_size=8).digest(), "big") & _SIGNED_63_BITS)
    return hashes


def fingerprints(text: str) -> set[int]:
    """The winnowed fingerprints of a text; none for a text shorter than a quotable run."""
    hashes = _gram_hashes(words_of(text))
    if len(hashes) < WINDOW:
        return set()
    return {min(hashes[index : index + WINDOW]) for index in range(len(hashes) - WINDOW + 1)}


def runs_of(text: str) -> set[tuple[str, ...]]:
    """Every run of QUOTE_RUN words in a row in the text, folded: what a quote of it would repeat."""
    folded = [word.folded for word in words_of(text)]
    return {tuple(folded[index : index + QUOTE_RUN]) for index in range(len(folded) - QUOTE_RUN + 1)}


def repeats_a_run(runs: set[tuple[str, ...]], other: str) -> bool:
    """Does `other` repeat any of these runs? The quick test, before where is worked out."""
    folded = _WORD.findall(other.casefold())
    return any(tuple(folded[index : index + QUOTE_RUN]) in runs for index in range(len(folded) - QUOTE_RUN + 1))


def quoted_spans(source: str, other: str, *, runs: set[tuple[str, ...]] | None = None) -> list[tuple[int, int]]:
    """(start, end) of each run of QUOTE_RUN or more of `source`'s words in a row that `other` repeats, in `other`."""
    runs = runs_of(source) if runs is None else runs
    other_words = words_of(other)
    if not runs:
        return []
    covered = [False] * len(other_words)
    for index in range(len(other_words) - QUOTE_RUN + 1):
        if tuple(w.folded for w in other_words[index : index + QUOTE_RUN]) in runs:
            covered[index : index + QUOTE_RUN] = [True] * QUOTE_RUN
    spans, start = [], None
    for index, is_covered in enumerate([*covered, False]):
        if is_covered and start is None:
            start = index
        elif not is_covered and start is not None:
            spans.append((other_words[start].start, other_words[index - 1].end))
            start = None
    return spans


REMOVED_QUOTE_MARK = "[quoted words removed by a moderator]"


def without_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with each span replaced by a visible mark, so readers see where words were taken out."""
    pieces, last = [], 0
    for start, end in _merged(spans):
        pieces += [text[last:start], REMOVED_QUOTE_MARK]
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


def _merged(spans) -> list[tuple[int, int]]:
    """Overlapping or touching spans (two quotes of one passage) as one."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]
