"""The one reading of numbers and addresses that arrive in URLs, forms and cookies.

Python's str.isdigit() accepts "²", "①" and "₀₁₂", which int() then refuses,
and an unbounded number overflows the database's integers: every page number
and id from outside comes through here instead, and every `next=` address.
"""

import re

from django.utils.http import url_has_allowed_host_and_scheme

from forum.params import has_control_characters

_ASCII_DIGITS = re.compile(r"[0-9]{1,18}\Z")


# Page numbers past this are nonsense, and would overflow SQLite's OFFSET.
MAX_PAGE_NUMBER = 999_999


# Ids fit a signed 64-bit column.
MAX_ID = 2**63 - 1


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
