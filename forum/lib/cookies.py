"""The cookies that recognise people who post without an account: reading and setting them.

- The device cookie is a long-lived random value (forum.lib.keys derives tags from it).
- Removal keys live in a signed, HttpOnly cookie as well as in private links.
- The name cookie remembers the last unregistered name typed, to fill the form.
- The just-posted cookie lets the thread show a new comment's private link beside it, once.
- The seen cookie remembers, per thread, the newest comment this browser was
  shown, so the next visit can mark what is new. No account needed.
"""

import json
import secrets
from urllib.parse import quote, unquote

from django.conf import settings

from forum.lib.inputs import parse_id

DEVICE_COOKIE = "forum_device"
REMOVAL_KEYS_COOKIE = "forum_removal_keys"
NAME_COOKIE = "forum_name"
# Which comment this browser just posted, so the thread shows its private link there, once.
JUST_POSTED_COOKIE = "forum_just_posted"
JUST_POSTED_MAX_AGE = 10 * 60

# Which comments this browser has seen: "post_id.comment_id" pairs, most recent thread first.
SEEN_COOKIE = "forum_seen"
SEEN_THREADS_KEPT = 100

COOKIE_MAX_AGE = 2 * 365 * 24 * 60 * 60
# A browser cookie holds about 4 KB: the keys of this many recent comments
# fit. Older comments can still be removed through their saved links.
REMOVAL_KEYS_KEPT = 50


def device_from(request) -> str:
    return request.COOKIES.get(DEVICE_COOKIE, "")


def device_for_posting(request) -> str:
    """The browser's device value, or a new one the response must then remember."""
    return device_from(request) or secrets.token_urlsafe(16)


def remember_device(response, device: str) -> None:
    response.set_cookie(DEVICE_COOKIE, device, **_cookie_options())


def removal_keys_from(request) -> dict[int, str]:
    """Comment id -> removal key, from this browser's signed cookie (empty if missing or forged)."""
    raw = request.get_signed_cookie(REMOVAL_KEYS_COOKIE, default=None)
    if not raw:
        return {}
    try:
        pairs = json.loads(raw)
        return {int(comment_id): str(key) for comment_id, key in pairs}
    except (ValueError, TypeError):
        return {}


def remember_removal_key(request, response, *, comment_id: int, key: str) -> None:
    keys = removal_keys_from(request)
    keys[comment_id] = key
    _write_removal_keys(response, keys)


def forget_removal_key(request, response, *, comment_id: int) -> None:
    keys = removal_keys_from(request)
    if keys.pop(comment_id, None) is not None:
        _write_removal_keys(response, keys)


def _write_removal_keys(response, keys: dict[int, str]) -> None:
    newest = sorted(keys.items())[-REMOVAL_KEYS_KEPT:]
    response.set_signed_cookie(REMOVAL_KEYS_COOKIE, json.dumps(newest, separators=(",", ":")), **_cookie_options())


def remember_just_posted(response, *, comment_id: int) -> None:
    response.set_signed_cookie(
        JUST_POSTED_COOKIE, str(comment_id), **{**_cookie_options(), "max_age": JUST_POSTED_MAX_AGE}
    )


def just_posted_from(request) -> int | None:
    return parse_id(request.get_signed_cookie(JUST_POSTED_COOKIE, default=None, max_age=JUST_POSTED_MAX_AGE))


def forget_just_posted(response) -> None:
    response.delete_cookie(JUST_POSTED_COOKIE, samesite="Lax")


def seen_from(request) -> dict[int, int]:
    """Post id -> the newest comment id this browser was shown there (a damaged cookie counts as none)."""
    seen = {}
    for pair in request.COOKIES.get(SEEN_COOKIE, "").split("-"):
        post_id, _, comment_id = (parse_id(part) for part in pair.partition("."))
        if post_id is not None and comment_id is not None:
            seen.setdefault(post_id, comment_id)
    return seen


def remember_seen(request, response, *, post_id: int, comment_id: int) -> None:
    seen = seen_from(request)
    newest = max(comment_id, seen.pop(post_id, 0))
    pairs = [(post_id, newest), *seen.items()][:SEEN_THREADS_KEPT]
    response.set_cookie(SEEN_COOKIE, "-".join(f"{post}.{comment}" for post, comment in pairs), **_cookie_options())


def name_from(request) -> str:
    return unquote(request.COOKIES.get(NAME_COOKIE, ""))


def remember_name(response, name: str) -> None:
    # Quoted: cookie values are ASCII, names need not be.
    response.set_cookie(NAME_COOKIE, quote(name), **_cookie_options())


def _cookie_options() -> dict:
    # Secure whenever the session cookie is: over HTTPS in production.
    return {
        "max_age": COOKIE_MAX_AGE,
        "httponly": True,
        "samesite": "Lax",
        "secure": settings.SESSION_COOKIE_SECURE,
    }
