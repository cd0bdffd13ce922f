"""Blogger's two export formats as importer records: Google Takeout's feed.atom (or its .zip) and the classic backup.

Google Takeout (Blogger → Blogs → <blog>/feed.atom), namespace
http://schemas.google.com/blogger/2018. Every <entry> carries blogger:type
(POST, PAGE or COMMENT) and blogger:status. Posts and pages are LIVE
(published), DRAFT or SCHEDULED, or SOFT_TRASHED. A comment names
its post in blogger:parent and the comment it answers in blogger:inReplyTo
(empty: top level); its status is LIVE, PENDING_MODERATION (held),
SPAM_COMMENT, or GHOSTED_COMMENT (deleted: a tombstone keeping its
replies). A post whose blogger:trashed holds a time is in the bin. An
author's blogger:type is BLOGGER (a Blogger profile, linked by <uri>) or
ANONYMOUS, which is Anonymous when the name is empty and a typed name
(with its optional web address) otherwise. blogger:filename is the old
address (/2020/10/slug.html, /p/about.html).

The classic "Back up content" XML (Settings → Manage blog) is an Atom feed
whose entries say what they are in a category of scheme
http://schemas.google.com/g/2005#kind (…/kind#post, #page, #comment, and
#settings / #template, which are skipped). Drafts carry <app:draft>yes.
A comment names its post in <thr:in-reply-to ref>, and the comment it
answers by the last part of its <link rel="related"> address. Deleted
comments carry the extended property blogger.contentRemoved = true and
Blogger's own "This comment has been removed by …" text. Labels are
categories of scheme http://www.blogger.com/atom/ns#; the old address is
the rel="alternate" link. Anonymous comments are by "Anonymous" with no <uri>.

Entry ids look like tag:blogger.com,1999:blog-<blog>.post-<id> (.page-<id>
for Takeout pages); the number at the end is Blogger's id, the one its
feed addresses use (/feeds/<id>/comments/default), and the import's key.
Times keep their offsets; the site shows them in its own time zone.
"""

import html
import re
import zipfile
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from forum.archives.records import (
    ArchiveError,
    ImportedComment,
    ImportedPost,
    ImportedSection,
    comment_text_from_html,
    path_of,
)
from forum.archives.xmlstream import elements, text
from forum.models import Comment

ATOM = "{http://www.w3.org/2005/Atom}"
TAKEOUT = "{http://schemas.google.com/blogger/2018}"
GD = "{http://schemas.google.com/g/2005}"
THR = "{http://purl.org/syndication/thread/1.0}"
APP = "{http://purl.org/atom/app#}"
KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
LABEL_SCHEME = "http://www.blogger.com/atom/ns#"
TAKEOUT_NAMESPACE = "schemas.google.com/blogger/2018"
CLASSIC_MARKERS = ("schemas.google.com/blogger/2008/kind#", "schemas.google.com/g/2005#kind")

OPENING_BYTES = 65536
_ENTRY_NUMBER = re.compile(r"[.-](?:post|page)-(\d+)\s*$")
_REMOVED_TEXTS = {
    "this comment has been removed by the author.": Comment.State.REMOVED_BY_AUTHOR,
    "this comment has been removed by a blog administrator.": Comment.State.REMOVED_BY_MODERATOR,
}
POST_STATUSES = {"LIVE": "", "SCHEDULED": "", "DRAFT": "draft", "SOFT_TRASHED": "trashed", "DELETED": "trashed"}
COMMENT_STATUSES = {
    "LIVE": Comment.State.PUBLISHED,
    "PENDING": Comment.State.PENDING,
    "PENDING_MODERATION": Comment.State.PENDING,
    "SPAM": Comment.State.REJECTED,
    "SPAM_COMMENT": Comment.State.REJECTED,
    # Takeout says a comment was deleted, not by whom.
    "GHOSTED_COMMENT": Comment.State.REMOVED_BEFORE_IMPORT,
    "DELETED": Comment.State.REMOVED_BEFORE_IMPORT,
    "SOFT_TRASHED": Comment.State.REMOVED_BEFORE_IMPORT,
}


def read_blogger(path: Path) -> Iterator:
    """Either format, or a Takeout .zip holding one blog's feed.atom."""
    if zipfile.is_zipfile(path):
        try:
            yield from _read_zip(path)
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise ArchiveError(f"the .zip is damaged ({error}); download it again") from None
        return
    with path.open("rb") as source:
        opening = source.read(OPENING_BYTES)
        source.seek(0)
        yield from _read(source, path.name, opening)


def _read_zip(path: Path) -> Iterator:
    with zipfile.ZipFile(path) as archive:
        # Takeout/Blogger/Blogs/<blog>/feed.atom; Takeout/Blogger/Comments/… are the owner's
        # comments on other people's blogs, not this blog's.
        feeds = [name for name in archive.namelist() if name.endswith("/feed.atom") and "/Blogs/" in f"/{name}"]
        if len(feeds) != 1:
            found = ", ".join(feeds) if feeds else "none"
            raise ArchiveError(
                f"a Takeout .zip should hold one blog's Blogs/<blog>/feed.atom (found: {found}); "
                "unzip it and import the feed.atom of the blog you want"
            )
        with archive.open(feeds[0]) as source:
            opening = source.read(OPENING_BYTES)
        with archive.open(feeds[0]) as source:
            yield from _read(source, feeds[0], opening)


def _read(source, name: str, opening: bytes) -> Iterator:
    """`opening`: the file's first bytes, which say which of the two formats it is."""
    opening = opening.decode("utf-8", "replace")
    if TAKEOUT_NAMESPACE in opening:
        entry = _takeout_entry
    elif any(marker in opening for marker in CLASSIC_MARKERS) or "<feed" in opening:
        entry = _classic_entry
    else:
        raise ArchiveError(f"{name} is not a Blogger export (neither Takeout's feed.atom nor a classic backup)")
    for element in elements(source, {f"{ATOM}entry"}):
        record = entry(element)
        if record is not None:
            yield record


def _key(entry_id: str) -> str:
    match = _ENTRY_NUMBER.search(entry_id)
    if not match:
        raise ArchiveError(
            "the entry's <id> is not a Blogger post, page or comment id", entry=entry_id.strip() or "(no id)"
        )
    return f"blogger:{match[1]}"


def _time(element, tag: str, entry: str, *, required: bool = True) -> datetime | None:
    value = text(element.find(tag)).strip()
    if not value:
        if required:
            raise ArchiveError(f"no <{tag.split('}')[-1]}> time", entry=entry)
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ArchiveError(f"{value!r} is not a time like 2020-10-29T19:12:00.123Z", entry=entry) from None
    if moment.tzinfo is None:
        raise ArchiveError(f"the time {value!r} has no offset", entry=entry)
    return moment


def _slug_hint(address_path: str) -> str:
    return address_path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")


def _post(element, *, key: str, kind: str, skip: str, address: str, labels: list[str]) -> ImportedPost:
    body = text(element.find(f"{ATOM}content"))
    author = element.find(f"{ATOM}author")
    return ImportedPost(
        key=key,
        legacy_id=key,
        kind=kind,
        title=" ".join(html.unescape(text(element.find(f"{ATOM}title"))).split()) or "(untitled)",
        published_at=_time(element, f"{ATOM}published", key, required=not skip),
        slug_hint=_slug_hint(address),
        byline=text(author.find(f"{ATOM}name")).strip() if author is not None else "",
        labels=list(dict.fromkeys(label.strip() for label in labels if label.strip())),
        sections=[ImportedSection(body=body)] if body.strip() else [],
        legacy_path=address if not skip else "",
        skip_reason=skip,
    )


def _comment(element, *, key: str, post_key: str, parent_key: str, state: str, name: str, url: str) -> ImportedComment:
    gone = state in Comment.GONE_STATES
    return ImportedComment(
        key=key,
        legacy_id=key,
        post_key=post_key,
        parent_key=parent_key,
        created_at=_time(element, f"{ATOM}published", key),
        state=state,
        text="" if gone else comment_text_from_html(text(element.find(f"{ATOM}content"))),
        author_name="" if gone else name,
        author_url="" if gone or not name or not url.lower().startswith(("http://", "https://")) else url,
    )


# Google Takeout -----------------------------------------------------------------------------------


def _takeout_entry(element):
    key = _key(text(element.find(f"{ATOM}id")))
    kind = text(element.find(f"{TAKEOUT}type")).strip().upper()
    status = text(element.find(f"{TAKEOUT}status")).strip().upper()
    if kind in {"POST", "PAGE"}:
        if status not in POST_STATUSES:
            raise ArchiveError(f"unknown post status {status!r}", entry=key)
        binned = bool(text(element.find(f"{TAKEOUT}trashed")).strip())
        return _post(
            element,
            key=key,
            kind="page" if kind == "PAGE" else "post",
            skip="trashed" if binned else POST_STATUSES[status],
            address=path_of(text(element.find(f"{TAKEOUT}filename")))
            if text(element.find(f"{TAKEOUT}filename")).strip()
            else "",
            labels=[category.get("term", "") for category in element.findall(f"{ATOM}category")],
        )
    if kind == "COMMENT":
        if status not in COMMENT_STATUSES:
            raise ArchiveError(f"unknown comment status {status!r}", entry=key)
        post_id = text(element.find(f"{TAKEOUT}parent")).strip()
        if not post_id:
            raise ArchiveError("the comment names no post (blogger:parent)", entry=key)
        reply_to = text(element.find(f"{TAKEOUT}inReplyTo")).strip()
        author = element.find(f"{ATOM}author")
        name = text(author.find(f"{ATOM}name")).strip() if author is not None else ""
        url = text(author.find(f"{ATOM}uri")).strip() if author is not None else ""
        return _comment(
            element,
            key=key,
            post_key=_key(post_id),
            parent_key=_key(reply_to) if reply_to else "",
            state=COMMENT_STATUSES[status],
            name=name,
            url=url,
        )
    raise ArchiveError(f"unknown entry type {kind!r} (expected POST, PAGE or COMMENT)", entry=key)


# The classic backup -----------------------------------------------------------------------------


def _classic_entry(element):
    kinds = [c.get("term", "") for c in element.findall(f"{ATOM}category") if c.get("scheme") == KIND_SCHEME]
    kind = kinds[0].rsplit("#", 1)[-1] if kinds else ""
    if kind in {"settings", "template", ""}:
        return None
    key = _key(text(element.find(f"{ATOM}id")))
    if kind in {"post", "page"}:
        return _classic_post(element, key=key, kind=kind)
    if kind == "comment":
        return _classic_comment(element, key=key)
    raise ArchiveError(f"unknown entry kind {kind!r}", entry=key)


def _classic_post(element, *, key: str, kind: str):
    control = element.find(f"{APP}control")
    draft = control is not None and text(control.find(f"{APP}draft")).strip().lower() == "yes"
    alternate = next(
        (link.get("href", "") for link in element.findall(f"{ATOM}link") if link.get("rel") == "alternate"), ""
    )
    return _post(
        element,
        key=key,
        kind=kind,
        skip="draft" if draft else "",
        address=path_of(alternate),
        labels=[c.get("term", "") for c in element.findall(f"{ATOM}category") if c.get("scheme") == LABEL_SCHEME],
    )


def _classic_comment(element, *, key: str):
    in_reply_to = element.find(f"{THR}in-reply-to")
    if in_reply_to is None or not in_reply_to.get("ref"):
        raise ArchiveError("the comment names no post (thr:in-reply-to)", entry=key)
    related = next(
        (link.get("href", "") for link in element.findall(f"{ATOM}link") if link.get("rel") == "related"), ""
    )
    parent_number = related.rstrip("/").rsplit("/", 1)[-1] if related else ""
    if parent_number and not parent_number.isdigit():
        raise ArchiveError(f"the reply's rel=related link {related!r} does not end in a comment id", entry=key)
    author = element.find(f"{ATOM}author")
    name = text(author.find(f"{ATOM}name")).strip() if author is not None else ""
    url = text(author.find(f"{ATOM}uri")).strip() if author is not None else ""
    return _comment(
        element,
        key=key,
        post_key=_key(in_reply_to.get("ref")),
        parent_key=f"blogger:{parent_number}" if parent_number else "",
        state=_classic_state(element),
        name="" if name == "Anonymous" and not url else name,
        url=url,
    )


def _classic_state(element) -> str:
    properties = {p.get("name"): p.get("value", "") for p in element.findall(f"{GD}extendedProperty")}
    if properties.get("blogger.contentRemoved", "").lower() != "true":
        return Comment.State.PUBLISHED
    removed_text = " ".join(text(element.find(f"{ATOM}content")).split()).lower()
    # The backup keeps Blogger's own words, which say who removed it; without them nobody is named.
    return _REMOVED_TEXTS.get(removed_text, Comment.State.REMOVED_BEFORE_IMPORT)
