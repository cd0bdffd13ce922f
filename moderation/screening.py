"""What the posting checks look for in a comment: watched words, and heated conversations that should cool.

Watched words are plain words and phrases, never patterns: each is matched on
whole words of the text readers see (tags, entities and invisible characters
undone: forum.lib.sanitiser.screenable_text), after the name guard's folding
of case, accents and look-alikes (accounts.names.word_skeleton), so "Sp4m",
"SPAM", "sp<b></b>am" and "ѕpam" (Cyrillic ѕ) all match "spam". Nothing a
moderator types is ever run as a regular expression.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from accounts.names import word_skeleton
from forum.lib.sanitiser import screenable_text
from forum.models import Comment
from moderation.models import Report, WatchedWord
from moderation.models.words import WATCHED_KEY_MAX_LENGTH

# A word of a comment, as the matcher reads it; @ and $ stay inside words as the look-alikes they are ("$pam").
_WORD = re.compile(r"[\w@$]+")
# What a watched entry may contain: letters and digits, spaces, apostrophes and hyphens.
_PLAIN_WORDS = re.compile(r"[\w\s'’-]+")
MAX_WORDS_IN_PHRASE = 6
CACHE_KEY = "moderation:watched-words"

Action = WatchedWord.Action


@lru_cache(maxsize=50_000)
def _word_key(word: str) -> str:
    return word_skeleton(word)


def _words(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) for each word of the text that folds to something."""
    found = []
    for match in _WORD.finditer(text):
        key = _word_key(match.group())
        if key:
            found.append((key, match.start(), match.end()))
    return found


def phrase_refusal(phrase: str) -> str | None:
    """Why this cannot be a watched entry, or None."""
    phrase = phrase.strip()
    if not phrase:
        return "Type a word or a phrase to watch for."
    if not _PLAIN_WORDS.fullmatch(phrase):
        odd = "".join(sorted({c for c in phrase if not _PLAIN_WORDS.fullmatch(c)}))
        return (
            f"Use plain words and spaces only; “{odd}” cannot be used. Entries match whole words, with case "
            "and look-alike letters folded: there are no wildcards or regular expressions."
        )
    words = _words(phrase)
    if not words:
        return "Type a word with at least one letter or digit."
    if len(words) > MAX_WORDS_IN_PHRASE:
        return f"A watched phrase has at most {MAX_WORDS_IN_PHRASE} words."
    if len(phrase_key(phrase)) > WATCHED_KEY_MAX_LENGTH:
        return "This phrase is too long once its characters are spelled out: use fewer or plainer words."
    return None


def phrase_key(phrase: str) -> str:
    """The folded words of a watched entry, as stored in WatchedWord.key."""
    return " ".join(key for key, _, _ in _words(phrase))


@dataclass(frozen=True)
class Match:
    """One watched entry found in a text, and where."""

    entry_id: int
    phrase: str
    action: str
    start: int
    end: int

    def get_action_display(self) -> str:
        return WatchedWord.Action(self.action).label


class Matcher:
    """The watched entries, indexed by their first word so a text is read once, whatever the list's length."""

    def __init__(self, entries: list[tuple[int, str, str, str]]):
        self.by_first_word: dict[str, list[tuple[tuple[str, ...], int, str, str]]] = {}
        for pk, key, phrase, action in entries:
            words = tuple(key.split())
            self.by_first_word.setdefault(words[0], []).append((words, pk, phrase, action))

    def matches(self, text: str) -> list[Match]:
        """The entries found in `text`, a comment's screenable_text, with their places in it."""
        if not self.by_first_word or not text:
            return []
        words = _words(text)
        keys = [key for key, _, _ in words]
        found: dict[int, Match] = {}
        for position, key in enumerate(keys):
            for entry_words, pk, phrase, action in self.by_first_word.get(key, ()):
                end = position + len(entry_words)
                if pk not in found and tuple(keys[position:end]) == entry_words:
                    found[pk] = Match(pk, phrase, action, words[position][1], words[end - 1][2])
        return sorted(found.values(), key=lambda match: match.start)


def watched_words() -> Matcher:
    """The current list, from the cache (services that change the list forget it there)."""
    entries = cache.get(CACHE_KEY)
    if entries is None:
        entries = list(WatchedWord.objects.order_by("pk").values_list("pk", "key", "phrase", "action"))
        cache.set(CACHE_KEY, entries, 60 * 60)
    return Matcher(entries)


def refusing(matches: list[Match]) -> Match | None:
    return next((match for match in matches if match.action == Action.REFUSE), None)


def comment_matches(comment: Comment) -> list[Match]:
    """The watched entries in what readers would see of the comment (its sanitised HTML)."""
    return watched_words().matches(screenable_text(comment.html))


def refusal_message(match: Match, text: str) -> str:
    return (
        f"This forum does not accept comments containing “{text[match.start : match.end]}” "
        f"(the moderators watch for “{match.phrase}”). Change it and post again; your text is kept below."
    )


@dataclass(frozen=True)
class Heat:
    """Why a conversation is cooling, and how long this reply waits."""

    why: str
    seconds_left: int

    @property
    def message(self) -> str:
        wait = settings.FORUM_HEATED_WAIT_SECONDS
        return (
            f"This conversation is heated ({self.why}). To let it cool, a reply here can be posted once the "
            f"comment it answers is {_duration(wait)} old: post yours in {_duration(self.seconds_left)}. "
            "Your text is kept below."
        )


def heat_of(parent: Comment | None) -> Heat | None:
    """A reply to a young comment in a sub-thread that drew reports or many replies lately waits (Lobsters' speed limit).

    Read only when the comment answered is younger than the wait, so most replies cost nothing here.
    """
    wait = settings.FORUM_HEATED_WAIT_SECONDS
    if not wait or parent is None or parent.created_at is None:
        return None
    now = timezone.now()
    left = wait - int((now - parent.created_at).total_seconds())
    if left <= 0:
        return None
    since = now - timedelta(minutes=settings.FORUM_HEATED_WINDOW_MINUTES)
    many = settings.FORUM_HEATED_REPLIES
    recent = len(Comment.objects.filter(tree_id=parent.tree_id, created_at__gte=since).values("pk")[:many])
    if recent >= many:
        return Heat(f"{many} or more comments in the last {settings.FORUM_HEATED_WINDOW_MINUTES} minutes", left)
    # Readers' reports only: a watched word's flag (no origin) is for moderators' eyes.
    if Report.objects.open().filter(comment__tree_id=parent.tree_id).exclude(origin_key="").exists():
        return Heat("comments in it have been reported", left)
    return None


def _duration(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} seconds"
    minutes = -(-seconds // 60)
    return f"{minutes} minutes"
