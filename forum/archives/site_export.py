"""The site's own archive: everything readers can read, as JSON Lines, and back.

`manage.py export_site PATH` writes it; `manage.py import_site PATH` reads
it into an empty site. Exporting, importing into a fresh database and
exporting again gives the same file, byte for byte.

Format "forum-site-export", version 1. UTF-8, one JSON object per line,
keys sorted, times in UTC as ISO 8601 with microseconds (null when unknown).
Every line has a "type"; they come in this order:

- header:  {"type": "header", "format": "forum-site-export", "version": 1}
- member:  {"type": "member", "handle", "joined"} — every member named below
           (an editor or a comment's author), by handle; nothing else about them
- label:   {"type": "label", "name", "slug"}
- post:    {"type": "post", "slug", "kind": "post"|"page", "title", "published_on" (date),
            "published_at", "byline", "editor" (handle or null), "comment_policy",
            "labels": [names], "legacy_id", "legacy_path",
            "sections": [{"position", "heading", "credit", "format": "text"|"html",
                          "body", "removed"}]}
- comment: {"type": "comment", "id": "c<n>", "post" (slug), "parent" (id or null),
            "state", "created_at", "edited_at", "text", "legacy_id",
            "author": {"kind": "anonymous", "tag"} | {"kind": "name", "name", "url"}
                    | {"kind": "member", "handle"} | {"kind": "deleted"}}
  Comments follow their post in thread order, every reply after its parent.
  Removed comments are there as tombstones: their state, time and place, no words.

Never in the file: network addresses, removal keys, anonymous posters' device
codes, passwords, emails, sessions, reports, bans or the moderation log.
Readers' HTML is not stored either: it is made again from the text on import.
"""

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import IO

from accounts.models import User
from forum.archives.records import (
    ArchiveError,
    ImportedComment,
    ImportedLabel,
    ImportedMember,
    ImportedPost,
    ImportedSection,
)
from forum.models import Comment, Label, Post

FORMAT = "forum-site-export"
VERSION = 1


def export_site(out: IO[str]) -> dict[str, int]:
    """Write the whole site to `out`; return how many of each kind were written."""
    counts = {"member": 0, "label": 0, "post": 0, "comment": 0}

    def write(record: dict) -> None:
        out.write(json.dumps(record, sort_keys=True, ensure_ascii=False) + "\n")
        if record["type"] in counts:
            counts[record["type"]] += 1

    write({"type": "header", "format": FORMAT, "version": VERSION})
    # Sorted here, not by the database: SQLite and PostgreSQL collate text differently.
    named = set(Comment.objects.filter(author__isnull=False).values_list("author_id", flat=True))
    named |= set(Post.objects.filter(editor__isnull=False).values_list("editor_id", flat=True))
    for handle, joined in sorted(User.objects.filter(pk__in=named).values_list("handle", "date_joined")):
        write({"type": "member", "handle": handle, "joined": _time(joined)})
    for name, slug in sorted(Label.objects.values_list("name", "slug")):
        write({"type": "label", "name": name, "slug": slug})
    numbers = iter(range(1, 2**62))
    in_order = [pk for _, _, pk in sorted(Post.objects.values_list("published_on", "slug", "pk"))]
    posts = Post.objects.select_related("editor").prefetch_related("sections", "labels")
    for start in range(0, len(in_order), 200):
        chunk = posts.in_bulk(in_order[start : start + 200])
        for pk in in_order[start : start + 200]:
            post = chunk[pk]
            write(_post_record(post))
            _write_comments(post, numbers, write)
    return counts


def _write_comments(post: Post, numbers, write) -> None:
    ids: dict[int, str] = {}
    comments = Comment.objects.filter(post=post).select_related("author").order_by("tree_id", "lft")
    for comment in comments.iterator(chunk_size=2000):
        ids[comment.pk] = f"c{next(numbers)}"
        write(_comment_record(comment, post, ids))


def _time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="microseconds") if value else None


def _post_record(post: Post) -> dict:
    return {
        "type": "post",
        "slug": post.slug,
        "kind": post.kind,
        "title": post.title,
        "published_on": post.published_on.isoformat(),
        "published_at": _time(post.published_at),
        "byline": post.byline,
        "editor": post.editor.handle if post.editor else None,
        "comment_policy": post.comment_policy,
        "labels": sorted(label.name for label in post.labels.all()),
        "legacy_id": post.legacy_id,
        "legacy_path": post.legacy_path,
        "sections": [
            {
                "position": section.position,
                "heading": section.heading,
                "credit": section.credit,
                "format": section.body_format,
                "body": section.body,
                "removed": section.removed_at_authors_request,
            }
            for section in post.sections.all()
        ],
    }


def _comment_record(comment: Comment, post: Post, ids: dict[int, str]) -> dict:
    kind = comment.author_kind
    author = {"kind": kind}
    if kind == "member":
        author["handle"] = comment.author.handle
    elif kind == "name":
        author.update(name=comment.author_name, url=comment.author_url)
    elif kind == "anonymous":
        author["tag"] = comment.anon_tag
    return {
        "type": "comment",
        "id": ids[comment.pk],
        "post": post.slug,
        "parent": ids[comment.parent_id] if comment.parent_id else None,
        "state": comment.state,
        "created_at": _time(comment.created_at),
        "edited_at": _time(comment.edited_at),
        "text": comment.text,
        "legacy_id": comment.legacy_id,
        "author": author,
    }


def read_site_export(lines: IO[str]) -> Iterator:
    """The records of an export file, for forum.archives.writer; ArchiveError names the line that is wrong."""
    header_seen = False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not header_seen:
                _check_header(record)
                header_seen = True
                continue
            converted = _converted(record)
        except ArchiveError as error:
            raise ArchiveError(error.reason, entry=f"line {number}") from None
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            reason = f"missing field {error}" if isinstance(error, KeyError) else str(error)
            raise ArchiveError(f"not a record of this format ({reason})", entry=f"line {number}") from None
        yield converted
    if not header_seen:
        raise ArchiveError(f"the file is empty: a {FORMAT} file starts with its header line")


def _check_header(record) -> None:
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise ArchiveError(f"this is not a {FORMAT} file (its first line should be the header)")
    if record.get("version") != VERSION:
        raise ArchiveError(f"this file is version {record.get('version')!r}; this site reads version {VERSION}")


def _parse_time(value) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"the time {value!r} has no time zone")
    return moment


def _converted(record: dict):
    kind = record["type"]
    if kind == "member":
        return ImportedMember(handle=record["handle"], joined=_parse_time(record["joined"]))
    if kind == "label":
        return ImportedLabel(name=record["name"], slug=record["slug"])
    if kind == "post":
        return _converted_post(record)
    if kind == "comment":
        return _converted_comment(record)
    raise ArchiveError(f"unknown record type {kind!r}")


def _converted_post(record: dict) -> ImportedPost:
    return ImportedPost(
        key=f"site:{record['slug']}",
        slug=record["slug"],
        kind=record["kind"],
        title=record["title"],
        published_at=_parse_time(record["published_at"]),
        published_on=date.fromisoformat(record["published_on"]).isoformat(),
        byline=record["byline"],
        editor_handle=record["editor"] or "",
        comment_policy=record["comment_policy"],
        labels=list(record["labels"]),
        legacy_id=record["legacy_id"],
        legacy_path=record["legacy_path"],
        sections=[
            ImportedSection(
                position=section["position"],
                heading=section["heading"],
                credit=section["credit"],
                format=section["format"],
                body=section["body"],
                removed=section["removed"],
            )
            for section in record["sections"]
        ],
    )


def _converted_comment(record: dict) -> ImportedComment:
    author = record["author"]
    return ImportedComment(
        key=f"site:{record['id']}",
        post_key=f"site:{record['post']}",
        parent_key=f"site:{record['parent']}" if record["parent"] else "",
        state=record["state"],
        created_at=_parse_time(record["created_at"]),
        edited_at=_parse_time(record["edited_at"]),
        text=record["text"],
        legacy_id=record["legacy_id"],
        author_handle=author.get("handle", "") if author["kind"] == "member" else "",
        author_name=author.get("name", "") if author["kind"] == "name" else "",
        author_url=author.get("url", "") if author["kind"] == "name" else "",
        anon_tag=author.get("tag", "") if author["kind"] == "anonymous" else "",
        author_account_deleted=author["kind"] == "deleted",
    )
