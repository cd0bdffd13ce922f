"""Disqus's comments export (XML) as importer records.

The file lists categories, then threads (one per page the comments were on),
then posts (the comments), side by side. A post names its thread and parent
by their dsq:id attributes. Disqus holds no article text: a thread's comments
go under the post already imported from the same address (a Blogger or
WordPress import run first; WordPress's plugin also names the post's id in
the thread's <id>), or else under a new post carrying the thread's
title; threads without comments are left out. isDeleted comments become
tombstones that keep their replies; isSpam ones are kept erased and out of
sight; a deleted thread is skipped with all its comments. Times are UTC.
"""

import html
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from forum.archives.records import ArchiveError, ImportedComment, ImportedPost, comment_text_from_html, path_of
from forum.archives.xmlstream import elements, text
from forum.models import Comment

NS = "{http://disqus.com}"
DSQ_ID = "{http://disqus.com/disqus-internals}id"
GUEST_NAMES = {"", "anonymous", "guest"}


def read_disqus(path: Path) -> Iterator:
    with path.open("rb") as source:
        for element in elements(source, {f"{NS}thread", f"{NS}post"}):
            if element.tag == f"{NS}thread":
                yield _thread(element)
            else:
                yield _post(element)


def _id(element, what: str) -> str:
    value = (element.get(DSQ_ID) or "").strip() if element is not None else ""
    if not value:
        raise ArchiveError(f"a {what} without a dsq:id")
    return value


def _thread(element) -> ImportedPost:
    key = f"disqus:thread-{_id(element, 'thread')}"
    # WordPress's Disqus plugin names a thread "<post id> <shortlink>": the post imported from WordPress.
    identifier = text(element.find(f"{NS}id")).split()
    wordpress = [f"wordpress:post-{identifier[0]}"] if len(identifier) == 2 and identifier[0].isdigit() else []
    return ImportedPost(
        key=key,
        legacy_id=key,
        title=html.unescape(text(element.find(f"{NS}title"))).strip() or "(untitled)",
        published_at=_time(element, key),
        legacy_path=path_of(text(element.find(f"{NS}link"))),
        attach_by_path=True,
        attach_to_ids=wordpress,
        skip_reason="trashed" if _flag(element, "isDeleted", key) else "",
    )


def _post(element) -> ImportedComment:
    key = f"disqus:{_id(element, 'post')}"
    thread = element.find(f"{NS}thread")
    parent = element.find(f"{NS}parent")
    if _flag(element, "isSpam", key):
        state = Comment.State.REJECTED
    elif _flag(element, "isDeleted", key):
        state = Comment.State.REMOVED_BEFORE_IMPORT  # by its author or a moderator: Disqus does not say
    else:
        state = Comment.State.PUBLISHED
    gone = state in Comment.GONE_STATES
    author = element.find(f"{NS}author")
    name = text(author.find(f"{NS}name")).strip() if author is not None else ""
    username = text(author.find(f"{NS}username")).strip() if author is not None else ""
    anonymous = name.lower() in GUEST_NAMES
    return ImportedComment(
        key=key,
        legacy_id=key,
        post_key=f"disqus:thread-{_id(thread, 'post thread reference')}",
        parent_key=f"disqus:{_id(parent, 'parent')}" if parent is not None else "",
        created_at=_time(element, key),
        state=state,
        text="" if gone else comment_text_from_html(text(element.find(f"{NS}message"))),
        author_name="" if anonymous or gone else name,
        # Registered Disqus users have a public profile; guests only typed a name.
        author_url=f"https://disqus.com/by/{username}/" if username and not anonymous and not gone else "",
    )


def _flag(element, name: str, entry: str) -> bool:
    value = text(element.find(f"{NS}{name}"), "false").strip().lower()
    if value not in {"true", "false"}:
        raise ArchiveError(f"<{name}> should be true or false, not {value!r}", entry=entry)
    return value == "true"


def _time(element, entry: str) -> datetime:
    value = text(element.find(f"{NS}createdAt")).strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ArchiveError(f"createdAt {value!r} is not a time like 2012-05-14T11:38:18Z", entry=entry) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
