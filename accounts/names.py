"""What names people may appear under, and when two names look the same.

One place answers both questions for handles (at sign-up) and for the
unregistered names typed on the comment form, so neither can pass for a
registered member or for the site's own labels.
"""

import json
import unicodedata
from functools import cache
from pathlib import Path

import confusable_homoglyphs

# Digits and signs that readers take for letters in a name ("Adm1n", "M0derator").
# Look-alikes from other scripts come from Unicode's own data, below.
_ASCII_LOOK_ALIKES = str.maketrans(
    {
        "0": "o",
        "1": "l",
        "i": "l",
        "|": "l",
        "!": "l",
        "3": "e",
        "4": "a",
        "@": "a",
        "5": "s",
        "$": "s",
        "7": "t",
        "8": "b",
        "9": "g",
    }
)
_LETTER_PAIRS = (("rn", "m"), ("vv", "w"), ("cl", "d"))

# Compared by skeleton, so "Adm1n" and "MODERATOR" are refused as well.
RESERVED_NAMES = frozenset(
    {
        "anonymous",
        "admin",
        "administrator",
        "moderator",
        "moderators",
        "mod",
        "editor",
        "editors",
        "deleted",
        "deleted account",
        "removed",
        "staff",
        "system",
        "root",
        "forum",
        "support",
        "unknown",
        "null",
        "none",
    }
)
# Anonymous comments show tags such as "Anon·K7Q"; no chosen name may look like one.
ANONYMOUS_PREFIX = "anon"


@cache
def _prototypes() -> dict[str, str]:
    """Character -> the character Unicode says it is confused with (UTS #39 confusables, every script).

    The data (confusable_homoglyphs' copy of confusables.txt) lists, for each
    character that has a prototype, just that prototype ("օ" -> "o", "ɑ" -> "a",
    "Ꭺ" -> "A", "ꓟ" -> "M", "m" -> "rn"); a prototype itself lists everything
    confused with it, and keeps its own place.
    """
    path = Path(confusable_homoglyphs.__file__).with_name("confusables.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    prototypes = {}
    for character, entries in data.items():
        character = character.replace("\u200e", "")  # the data wraps right-to-left letters in marks
        targets = {entry["c"].replace("\u200e", "") for entry in entries}
        if len(character) == 1 and len(targets) == 1:
            prototypes[character] = targets.pop()
    return prototypes


def _to_prototypes(text: str) -> str:
    prototypes = _prototypes()
    return "".join(prototypes.get(character, character) for character in text)


def name_skeleton(name: str) -> str:
    """The shape of a name as a reader sees it: Getafix, GetafiX, Getaf1x, Gétafix and Gеtafix (Cyrillic е) agree.

    Unicode NFKC folds compatibility forms (full-width letters, ligatures);
    each character becomes its prototype from Unicode's confusables data (the
    TR39 skeleton), before and after case folding; accents and separators go;
    digits and signs used as letters become those letters.
    """
    folded = _to_prototypes(_to_prototypes(unicodedata.normalize("NFKC", name)).casefold())
    decomposed = unicodedata.normalize("NFKD", folded)
    letters = "".join(character for character in decomposed.translate(_ASCII_LOOK_ALIKES) if character.isalnum())
    for pair, single in _LETTER_PAIRS:
        letters = letters.replace(pair, single)
    return letters


# Words in running text read digits and signs as the letters they stand for ("sp4m", "$pam", "k1ll").
_WORD_LOOK_ALIKES = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "!": "i",
        "|": "i",
        "3": "e",
        "4": "a",
        "@": "a",
        "5": "s",
        "$": "s",
        "7": "t",
        "8": "b",
        "9": "g",
    }
)


@cache
def _single_prototypes() -> dict[str, str]:
    return {character: target for character, target in _prototypes().items() if len(target) == 1}


def word_skeleton(word: str) -> str:
    """A word of running text as the watched words compare it: "SPAM", "sp4m", "$pam" and "ѕpam" (Cyrillic ѕ) agree.

    The name guard's folding (NFKC, case, accents, look-alike characters from
    Unicode's confusables data, digits used as letters) without what only suits
    names: no letter pairs ("rn" is not "m") and no "i" read as "l", so ordinary
    words stay apart ("burn" is not "bum", "hell" is not "heil").
    """
    folded = unicodedata.normalize("NFKC", word).casefold().translate(_WORD_LOOK_ALIKES)
    prototypes = _single_prototypes()
    folded = "".join(prototypes.get(character, character) for character in folded).casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(character for character in decomposed if character.isalnum())


_RESERVED_SKELETONS = frozenset(name_skeleton(name) for name in RESERVED_NAMES)
_ANONYMOUS_SKELETON = name_skeleton(ANONYMOUS_PREFIX)


def name_refusal_reason(name: str) -> str | None:
    """Why nobody may appear under this name, or None when it is free to choose."""
    skeleton = name_skeleton(name)
    if not skeleton:
        return "A name needs at least one letter or digit."
    if skeleton in _RESERVED_SKELETONS:
        return f"“{name}” is reserved for the site’s own labels."
    if skeleton.startswith(_ANONYMOUS_SKELETON):
        return "Names beginning with “Anon” are kept for anonymous comments."
    return None
