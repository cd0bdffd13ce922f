import functools

from moderation.authors import open_notices_for
from moderation.selectors import waiting_counts


def moderation_queue(request):
    """The queue's size for the navigation; counted only when a moderator's page shows it, once."""
    # The queue's own page has counted already (request.waiting_counts): not twice.
    return {
        "moderation_waiting": functools.cache(
            lambda: (getattr(request, "waiting_counts", None) or waiting_counts())["total"]
        )
    }


def author_notices(request):
    """The private notices for whoever this request proves to be (moderation.authors), read only if a page shows them."""
    # A callable the template calls only where it shows them; open_notices_for keeps its answer on the request.
    return {"author_notices": lambda: open_notices_for(request)}
