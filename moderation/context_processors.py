import functools

from moderation.selectors import waiting_counts


def moderation_queue(request):
    """The queue's size for the navigation; counted only when a moderator's page shows it, once."""
    return {"moderation_waiting": functools.cache(lambda: waiting_counts()["total"])}
