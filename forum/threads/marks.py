"""What differs per reader on a page every reader shares: the slots a cached page keeps for the CSRF
token, the form stamp and the "new since your last visit" line, and the "new" marks themselves."""

import re

# Slots are named between two record separators: no stored text can hold one (every text field
# refuses control characters), and str.split finds them far faster than a pattern would.
SLOT_MARK = "\x1e"


CSRF_SLOT = f"{SLOT_MARK}csrf{SLOT_MARK}"


STAMP_SLOT = f"{SLOT_MARK}stamp{SLOT_MARK}"


NEW_SINCE_VISIT_SLOT = f"{SLOT_MARK}new-since-visit{SLOT_MARK}"


# Empty, unless no database answers and the kept copy is all a reader can have: "posting is paused".
PAUSED_SLOT = f"{SLOT_MARK}paused{SLOT_MARK}"


_COMMENT_START = re.compile(r"<li id=c(\d+)><article([^>]*)><header>")


def mark_new(html: str, *, readable_ids: list[int], last_seen: int | None) -> str:
    """Mark what arrived since this browser last saw the thread, each new comment linking to the next.

    A first visit marks nothing: everything would be new.
    """
    new = [pk for pk in readable_ids if last_seen is not None and pk > last_seen]
    if not new:
        return html.replace(NEW_SINCE_VISIT_SLOT, "", 1)
    following = dict(zip(new, new[1:]))
    marked = set(new)

    def mark(match: re.Match) -> str:
        pk = int(match[1])
        if pk not in marked:
            return match[0]
        link = f"<a class=next-new-link href=#c{following[pk]}>next new ↓</a>" if pk in following else ""
        return f'<li id=c{pk} class=comment-new><article{match[2]}><header><span class="badge nb">new</span>{link}'

    summary = (
        f'<span class="new-since-visit">{len(new)} new since your last visit · '
        f'<a class="first-new-link" href="#c{new[0]}">first new ↓</a></span>'
    )
    return _COMMENT_START.sub(mark, html.replace(NEW_SINCE_VISIT_SLOT, summary, 1))
