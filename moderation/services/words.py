"""Moderators' list of watched words: adding and deleting entries, each refused with a reason when it cannot be."""

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from moderation import screening
from moderation.models import WatchedWord


def watched_word_add(*, phrase: str, action: str, moderator) -> WatchedWord:
    """Watch for a plain word or phrase (never a pattern); the list is bounded by FORUM_WATCHED_WORDS_MAX."""
    refusal = screening.phrase_refusal(phrase)
    if refusal:
        raise ValidationError({"phrase": refusal})
    entry = WatchedWord(phrase=phrase.strip(), key=screening.phrase_key(phrase), action=action, created_by=moderator)
    entry.full_clean(exclude=["key"])
    with transaction.atomic():
        if WatchedWord.objects.count() >= settings.FORUM_WATCHED_WORDS_MAX:
            raise ValidationError(
                f"The list holds at most {settings.FORUM_WATCHED_WORDS_MAX} entries: delete one before adding another."
            )
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            existing = WatchedWord.objects.get(key=entry.key)
            raise ValidationError(
                {"phrase": f"“{existing.phrase}” is already on the list, and matches the same words."}
            ) from None
        transaction.on_commit(lambda: cache.delete(screening.CACHE_KEY))
    return entry


def watched_word_delete(*, entry: WatchedWord) -> None:
    with transaction.atomic():
        entry.delete()
        transaction.on_commit(lambda: cache.delete(screening.CACHE_KEY))
