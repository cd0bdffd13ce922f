"""Keys, hashes and signatures for people without an account, and the comment form's stamp.

- Anonymous comments carry a tag derived from the device cookie, the post and
  the server's secret (HMAC), so one browser keeps one tag throughout a thread,
  tags cannot be linked across threads, and the cookie cannot be recovered.
- Removal keys are random secrets made when someone posts without an account;
  the database stores only their hash.
- Reader and origin keys say who stands behind a report without keeping an
  account id, a cookie or an address.

The HMAC salts keep their first strings ("forum.identity.…"): changing one would
give every anonymous poster a new tag.
"""

import base64
import hashlib
import secrets
import time

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

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


FORM_STAMP_SALT = "forum.comment-form-stamp"


# A comment form older than this is refused (its text kept): a stamp must not post for ever.
FORM_STAMP_MAX_AGE_SECONDS = 2 * 60 * 60


def form_stamp(issued_at: float | None = None) -> str:
    """A signed time the comment form was shown, sent back with it to tell people from scripts.

    The random part makes each stamp unique, so one can be spent once.
    """
    issued = issued_at if issued_at is not None else time.time()
    return signing.dumps({"at": issued, "once": secrets.token_urlsafe(9)}, salt=FORM_STAMP_SALT)


def device_hash(device: str) -> str:
    """A keyed hash of a browser's device cookie, stored on its comments for moderators only.

    Unlike the per-thread tags it is the same on every post, so moderators can
    see one browser's anonymous comments together; it never reaches a page readers see.
    """
    return salted_hmac("forum.identity.device", device, algorithm="sha256").hexdigest()
