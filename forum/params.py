"""The one reading of numbers and text that arrive in addresses, forms and cookies.

Python's str.isdigit() accepts "²", "①" and "₀₁₂", which int() then refuses,
and an unbounded number overflows the database's integers: every page number
and id from outside comes through here instead.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme

_ASCII_DIGITS = re.compile(r"[0-9]{1,18}\Z")
# Page numbers past this are nonsense, and would overflow SQLite's OFFSET.
MAX_PAGE_NUMBER = 999_999
# Ids fit a signed 64-bit column.
MAX_ID = 2**63 - 1
# What text fields refuse: C0 and C1 control characters, bar tab, line feed and carriage return.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONTROL_CHARACTERS_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def parse_id(value) -> int | None:
    """A positive id written in ASCII digits, or None."""
    if not isinstance(value, str) or not _ASCII_DIGITS.match(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def parse_ids(values) -> list[int]:
    """The ids among the values, in order, without repeats; anything else is dropped."""
    ids = []
    for value in values:
        number = parse_id(value)
        if number is not None and number not in ids:
            ids.append(number)
    return ids


def page_number(value) -> int:
    """?page=N: a page number from 1 up, or 1 for anything that is not one."""
    number = parse_id(value)
    return number if number is not None and number <= MAX_PAGE_NUMBER else 1


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


def same_site_path(candidate: str, *, request) -> str | None:
    """A `next=` address if it is a path on this site ("/moderation/"), else None.

    Passed to HttpResponseRedirect, never to redirect(), which would first try
    the text as a view name.
    """
    if (
        not candidate
        or not candidate.startswith("/")
        or candidate.startswith("//")
        or has_control_characters(candidate, multiline=False)
    ):
        return None
    if not url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure()):
        return None
    return candidate
