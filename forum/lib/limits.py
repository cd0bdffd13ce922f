"""Counting attempts in Django's cache, so limits hold across server processes that share it.

A throttle counts events per subject (an IP address, an account) in fixed
windows. Subjects are keyed by HMAC, so the cache never holds a raw address.
"""

import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from forum.lib.forgiving_cache import is_cache_outage

MINUTE, HOUR = 60, 60 * 60
# Every limit the site counts, in one place: scope -> (the setting that says how many, the window).
# The numbers live in settings (forum/settings.py, some from the environment); the windows here.
LIMITS = {
    "comments-ip": ("FORUM_COMMENTS_PER_IP", 10 * MINUTE),
    "comments-poster": ("FORUM_COMMENTS_PER_POSTER", 10 * MINUTE),
    "login-account": ("FORUM_LOGIN_FAILURES_PER_ACCOUNT", 15 * MINUTE),
    "login-ip": ("FORUM_LOGIN_FAILURES_PER_IP", 15 * MINUTE),
    "removal-key-ip": ("FORUM_REMOVAL_KEY_FAILURES_PER_IP", 15 * MINUTE),
    "signup-ip": ("FORUM_SIGNUPS_PER_IP", HOUR),
    "password-reset-ip": ("FORUM_PASSWORD_RESETS_PER_IP", HOUR),
    "report-ip": ("FORUM_REPORTS_PER_IP", HOUR),
    "report-person": ("FORUM_REPORTS_PER_PERSON", HOUR),
    "removal-request-ip": ("FORUM_REMOVAL_REQUESTS_PER_IP", HOUR),
    "submission-ip": ("FORUM_SUBMISSIONS_PER_IP", HOUR),
}


# While the cache is away a limit cannot count. Posting then waits (the request fails closed:
# forum.ops.outage answers 503 "posting is paused", with the typed text given back); only these,
# on reading, let the request through uncounted: a removal key is 128 random bits, so guessing
# gains nothing from an hour without the limit.
FAIL_OPEN_SCOPES = frozenset({"removal-key-ip"})


def limit(scope: str) -> "Throttle":
    """The throttle for one of LIMITS, with the number its setting holds now."""
    setting, window_seconds = LIMITS[scope]
    return Throttle(scope, getattr(settings, setting), window_seconds)


@dataclass(frozen=True)
class Throttle:
    scope: str
    limit: int
    window_seconds: int

    def _count(self, subject: str) -> int:
        """Count one event; returns the count in this window, including it."""
        key = self._key(subject)
        # add() is a no-op when the key exists, so concurrent first hits do not reset the count.
        cache.add(key, 0, self.window_seconds)
        try:
            return cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, self.window_seconds)
            return 1

    def attempt(self, subject: str) -> bool:
        """Count one attempt; False, and nothing counted, when it would pass the limit.

        Increment first, then compare: two requests at once each see their own
        count, so a burst cannot slip past the limit between a check and a count.
        """
        try:
            count = self._count(subject)
        except Exception as error:
            if is_cache_outage(error) and self.scope in FAIL_OPEN_SCOPES:
                return True
            raise  # posting waits for the cache (forum.ops.outage)
        if count <= self.limit:
            return True
        self.give_back(subject)
        return False

    def give_back(self, subject: str) -> None:
        """Uncount one attempt: refused after all, or a success where only failures count (logins, keys)."""
        try:
            cache.decr(self._key(subject))
        except ValueError:  # the window ended meanwhile: nothing left to give back
            pass
        except Exception as error:
            if not is_cache_outage(error):  # away: the count is lost with it
                raise

    def reset(self, subject: str) -> None:
        cache.delete(self._key(subject))

    @property
    def window_minutes(self) -> int:
        return max(1, self.window_seconds // 60)

    def _key(self, subject: str) -> str:
        hashed = salted_hmac(f"forum.lib.limits.{self.scope}", subject, algorithm="sha256").hexdigest()[:32]
        window = int(time.time() // self.window_seconds)
        return f"throttle:{self.scope}:{hashed}:{window}"


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the header a trusted proxy sets (DJANGO_CLIENT_IP_HEADER)."""
    header = settings.CLIENT_IP_HEADER
    if header:
        forwarded = request.META.get(header, "")
        # X-Forwarded-For lists hops; the proxy appends the address it saw last.
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def storable_ip(address: str) -> str | None:
    """The address if it is one (a misconfigured proxy header may send anything), else None."""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
