"""How the site recognises people who post without an account, using cookies it sets.

- The device cookie is a long-lived random value. Anonymous comments carry a
  tag derived from it, the post and the server's secret (HMAC), so one
  browser keeps one tag throughout a thread, tags cannot be linked across
  threads, and the cookie cannot be recovered from a tag.
- Removal keys are random secrets made when someone posts without an account.
  The database stores only their hash; the author keeps the key in a signed,
  HttpOnly cookie and as a private link.
- The name cookie remembers the last unregistered name typed, to fill the form.
- The just-posted cookie lets the thread show a new comment's private link beside it, once.
- The seen cookie remembers, per thread, the newest comment this browser was
  shown, so the next visit can mark what is new. No account needed.
"""

import base64
import hashlib
import json
import secrets
from urllib.parse import quote, unquote

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from forum.params import parse_id

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
ANON_TAG_LENGTH = 3
ANON_FINGERPRINT_LENGTH = 16

# Crockford's base 32: no I, L, O or U, so tags read aloud without confusion.
_TAG_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_STANDARD_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def new_removal_key() -> str:
    return secrets.token_urlsafe(16)


def hash_removal_key(key: str) -> str:
    # The key is 128 random bits, so a plain hash cannot be reversed by guessing.
    return hashlib.sha256(key.encode()).hexdigest()


def removal_key_matches(key: str, key_hash: str) -> bool:
    """Is this the key a comment's stored hash was made from? (Compared in constant time.)"""
    return bool(key and key_hash) and constant_time_compare(hash_removal_key(key), key_hash)


def anon_fingerprint(*, post_id: int, device: str) -> str:
    """The per-thread code for one browser; its first letters are the visible tag."""
    digest = salted_hmac("forum.identity.anon-tag", f"{post_id}:{device}", algorithm="sha256").digest()
    standard = base64.b32encode(digest).decode().rstrip("=")
    return standard.translate(str.maketrans(_STANDARD_BASE32, _TAG_ALPHABET))[:ANON_FINGERPRINT_LENGTH]


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


def reader_key(*, user, device: str) -> str:
    """Who a reader is, for one-per-reader records such as reports: their account, else this browser."""
    subject = f"user:{user.pk}" if user.is_authenticated else f"device:{device}"
    return salted_hmac("forum.identity.reader", subject, algorithm="sha256").hexdigest()


def origin_key(*, user, address: str) -> str:
    """Who stands behind an action, for counting people: their account, else their network address.

    A browser can shed its cookies at will; an address cannot be changed as
    cheaply, so counts of people (reports that hide a comment) use this.
    """
    subject = f"user:{user.pk}" if user.is_authenticated else f"address:{address}"
    return salted_hmac("forum.identity.origin", subject, algorithm="sha256").hexdigest()
