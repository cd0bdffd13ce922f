"""WordPress's export (WXR 1.2, Tools → Export) as importer records.

WXR 1.0 to 1.2 are read alike (the namespace's version is taken from the file).
Each <item> is a post, page, attachment, menu entry…; only posts and pages
come across. wp:status: publish and future are published (a future one on
its day); draft, pending, private and auto-draft are kept out as drafts;
trash is skipped as trashed. Comments are inside their item: wp:comment_parent
names the parent (0: top level), wp:comment_approved is 1 (published), 0
(held: it waits in the moderation queue here), spam (kept, erased and out of
sight, so replies under it stay hidden as they were) or trash (a tombstone,
so its replies keep their place). Times are read from the *_gmt fields,
which are UTC. Pingbacks and trackbacks come across as comments under the
linking site's name. WordPress's default category "Uncategorized" is not a
label anyone chose, so it is left out.
"""

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

from forum.archives.records import (
    ArchiveError,
    ImportedComment,
    ImportedPost,
    ImportedSection,
    comment_text_from_html,
    paragraphs_from_plain_html,
    path_of,
)
from forum.archives.xmlstream import elements, text
from forum.models import Comment

WP_NAMESPACE = re.compile(rb"http://wordpress\.org/export/1\.[0-9]+/")
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"
POST_TYPES = {"post": "post", "page": "page"}
PUBLISHED_STATUSES = {"publish", "future"}
DRAFT_STATUSES = {"draft", "pending", "private", "auto-draft"}
COMMENT_STATES = {
    "1": Comment.State.PUBLISHED,
    "0": Comment.State.PENDING,
    "spam": Comment.State.REJECTED,
    "trash": Comment.State.REMOVED_BY_MODERATOR,
    "post-trashed": Comment.State.REMOVED_BY_MODERATOR,
}
ANONYMOUS_NAMES = {"", "anonymous"}
DEFAULT_CATEGORY = "uncategorized"


def read_wordpress(path: Path) -> Iterator:
    with path.open("rb") as source:
        declared = WP_NAMESPACE.search(source.read(65536))
        if declared is None:
            raise ArchiveError(
                f"{path.name} is not a WordPress export (no WXR namespace http://wordpress.org/export/1.x/)"
            )
        source.seek(0)
        wp = "{" + declared[0].decode() + "}"
        authors: dict[str, str] = {}
        for element in elements(source, {"item", f"{wp}author"}):
            if element.tag == f"{wp}author":
                authors[text(element.find(f"{wp}author_login"))] = text(element.find(f"{wp}author_display_name"))
            else:
                yield from _item(element, authors, wp)


def _item(item, authors: dict[str, str], wp: str) -> Iterator:
    kind = POST_TYPES.get(text(item.find(f"{wp}post_type")))
    if kind is None:
        return  # attachments, menu entries, revisions, blocks
    number = text(item.find(f"{wp}post_id")).strip()
    if not number:
        raise ArchiveError("an item without a wp:post_id", entry=text(item.find("title"))[:80] or "(untitled item)")
    key = f"wordpress:post-{number}"
    status = text(item.find(f"{wp}status"))
    skip = "draft" if status in DRAFT_STATUSES else "trashed" if status not in PUBLISHED_STATUSES else ""
    body = text(item.find(f"{CONTENT}encoded"))
    creator = text(item.find(f"{DC}creator"))
    labels = [
        (category.text or "").strip()
        for category in item.findall("category")
        if category.get("domain") in {"category", "post_tag"} and category.get("nicename") != DEFAULT_CATEGORY
    ]
    yield ImportedPost(
        key=key,
        legacy_id=key,
        kind=kind,
        title=html.unescape(text(item.find("title"))).strip() or "(untitled)",
        published_at=_time(item, f"{wp}post_date_gmt", key, fallback=f"{wp}post_date", required=not skip),
        slug_hint=unquote(text(item.find(f"{wp}post_name"))),
        byline=authors.get(creator, creator),
        labels=list(dict.fromkeys(label for label in labels if label)),
        sections=[ImportedSection(body=paragraphs_from_plain_html(body))] if body.strip() else [],
        legacy_path=path_of(text(item.find("link"))) if not skip else "",
        skip_reason=skip,
    )
    for comment in item.findall(f"{wp}comment"):
        yield _comment(comment, key, wp)


def _comment(element, post_key: str, wp: str) -> ImportedComment:
    number = text(element.find(f"{wp}comment_id")).strip()
    key = f"wordpress:comment-{number}"
    approved = text(element.find(f"{wp}comment_approved")).strip()
    state = COMMENT_STATES.get(approved)
    if state is None:
        raise ArchiveError(f"unknown wp:comment_approved {approved!r}", entry=key)
    parent = text(element.find(f"{wp}comment_parent"), "0").strip()
    name = comment_text_from_html(text(element.find(f"{wp}comment_author")))
    url = text(element.find(f"{wp}comment_author_url")).strip()
    anonymous = name.lower() in ANONYMOUS_NAMES
    gone = state in Comment.GONE_STATES
    return ImportedComment(
        key=key,
        legacy_id=key,
        post_key=post_key,
        parent_key=f"wordpress:comment-{parent}" if parent not in {"", "0"} else "",
        created_at=_time(element, f"{wp}comment_date_gmt", key),
        state=state,
        text="" if gone else comment_text_from_html(text(element.find(f"{wp}comment_content"))),
        author_name="" if anonymous or gone else name,
        author_url="" if anonymous or gone or not url.lower().startswith(("http://", "https://")) else url,
    )


def _time(element, tag: str, entry: str, *, fallback: str = "", required: bool = True) -> datetime | None:
    """A *_gmt time, UTC; "0000-00-00 00:00:00" means none. The fallback, the site's local
    time of a post whose GMT time was never set, is read as UTC too: the export gives no zone."""
    for name in (tag, fallback):
        value = text(element.find(name)).strip() if name else ""
        if not value or value.startswith("0000"):
            continue
        try:
            return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        except ValueError:
            raise ArchiveError(
                f"{name.split('}')[-1]} {value!r} is not a time like 2020-10-29 18:30:00", entry=entry
            ) from None
    if required:
        raise ArchiveError("no publication time", entry=entry)
    return None
