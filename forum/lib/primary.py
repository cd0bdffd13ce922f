"""Whether this process has found the primary database away: reads then go to a replica, posting pauses.

Process-local, like a replica found unreachable (forum.ops.replicas): set when a
connection to the primary fails, and forgotten after AWAY_SECONDS, when the next
request tries the primary again, so the site returns to normal by itself.
"""

import time

AWAY_SECONDS = 5.0
_away_until = 0.0


def is_away() -> bool:
    return time.monotonic() < _away_until


def note_away() -> None:
    global _away_until
    _away_until = time.monotonic() + AWAY_SECONDS


def note_back() -> None:
    global _away_until
    _away_until = 0.0
