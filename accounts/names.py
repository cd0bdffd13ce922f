"""What names people may appear under, and when two names look the same.

One place answers both questions for handles (at sign-up) and for the
unregistered names typed on the comment form, so neither can pass for a
registered member or for the site's own labels.
"""

import unicodedata

# Letters and digits that readers take for one another, and look-alikes from
# other scripts, each mapped to one representative.
_LOOK_ALIKES = str.maketrans(
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
        # Cyrillic
        "а": "a",
        "в": "b",
        "е": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "l",
        "ј": "j",
        "ѕ": "s",
        # Greek
        "α": "a",
        "β": "b",
        "ε": "e",
        "ι": "l",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
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


def name_skeleton(name: str) -> str:
    """The shape of a name as a reader sees it: Getafix, GetafiX, Getaf1x and Gétafix agree.

    Unicode NFKC folds compatibility forms (full-width letters, ligatures),
    casefold drops case, accents and separators go, and look-alike letters and
    digits become one letter.
    """
    folded = unicodedata.normalize("NFKC", name).casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    letters = "".join(
        character for character in decomposed.translate(_LOOK_ALIKES) if character.isalnum()
    )
    for pair, single in _LETTER_PAIRS:
        letters = letters.replace(pair, single)
    return letters


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
