"""Which text may be stored: control characters are refused by every form field and stored text field.

The validators keep this module's path: the migrations name them by it.
"""

import re

from django.core.exceptions import ValidationError

# What text fields refuse: C0 and C1 control characters, bar tab, line feed and carriage return.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_CHARACTERS_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def has_control_characters(value: str, *, multiline: bool = True) -> bool:
    pattern = _CONTROL_CHARACTERS if multiline else _CONTROL_CHARACTERS_SINGLE_LINE
    return bool(pattern.search(value))


def strip_control_characters(value: str) -> str:
    """For output that must never break on stored text (XML feeds refuse control characters)."""
    return _CONTROL_CHARACTERS.sub("", value)


def refuse_control_characters(value: str) -> None:
    """Validator for text that may span lines (a comment, a piece)."""
    if has_control_characters(value):
        raise ValidationError(
            "This text contains control characters (such as a NUL byte), which cannot be stored. Remove them and try again.",
            code="control_characters",
        )


def refuse_control_characters_in_line(value: str) -> None:
    """Validator for one-line text (a title, a name, a search)."""
    if has_control_characters(value, multiline=False):
        raise ValidationError(
            "This contains control characters or line breaks, which cannot be stored here. Remove them and try again.",
            code="control_characters",
        )
