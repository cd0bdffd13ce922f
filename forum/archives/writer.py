"""The importer core: any reader's records, checked whole, then written a post at a time.

Nothing is written until the whole archive has been read and checked, so a
malformed archive is refused with the entry and the reason and leaves no
trace. Each post is then written with its comments in one transaction: a
post is there whole or not at all. Entries already imported (keyed by the
archive's ids) are skipped, so running an import again, or with a newer
archive, adds only what is new.

Comments go through the same rules as comments posted here: the sanitiser
makes their HTML, `forum.lib.references` links their mentions of earlier
comments by time, and removed ones are tombstones without words. Whole
conversations are written in bulk with their tree positions computed here
(one tree per top-level comment, as `forum.services` makes them).
"""

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import User
from forum.archives.records import (
    ArchiveError,
    ImportedComment,
    ImportedLabel,
    ImportedMember,
    ImportedPost,
    path_variants,
    shortened_name,
)
from forum.archives.spool import Spool
from forum.lib import references
from forum.models import Comment, Label, Post, PostSection, QuoteMark
from forum.services import posts as post_service
from forum.services.comments import insert_comment, lock_new_trees
from forum.services.posts import free_slug, label_for_name, label_slug_base
from forum.threads import changes, fragments

BULK_BATCH = 500
_web_address = URLValidator(schemes=["http", "https"])
PROGRESS_SECONDS = 2.0


@dataclass
class ImportSummary:
    posts: int = 0
    pages: int = 0
    posts_already_imported: int = 0
    comments: int = 0
    tombstones: int = 0
    held: int = 0
    rejected: int = 0
    comments_already_imported: int = 0
    drafts_skipped: int = 0
    trashed_skipped: int = 0
    comments_skipped: int = 0
    members: int = 0
    labels: set[str] = field(default_factory=set)
    names_shortened: int = 0
    addresses_dropped: int = 0
    orphans_kept_at_top: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        lines = [
            f"Posts: {self.posts} imported, {self.posts_already_imported} already here.",
            f"Pages: {self.pages} imported.",
            f"Comments: {self.comments + self.tombstones + self.held + self.rejected} imported "
            f"({self.comments} published, {self.tombstones} removed or hidden (shown as tombstones), "
            f"{self.held} held for moderation, {self.rejected} spam kept out of sight), "
            f"{self.comments_already_imported} already here.",
            f"Drafts skipped: {self.drafts_skipped}; trashed or deleted posts skipped: {self.trashed_skipped} "
            f"(with {_count(self.comments_skipped, 'comment')} under them). They are never published.",
            f"Labels: {len(self.labels)}"
            + (
                f" ({', '.join(sorted(self.labels)[:20])}{', …' if len(self.labels) > 20 else ''})"
                if self.labels
                else ""
            )
            + ".",
        ]
        if self.members:
            lines.append(
                f"Members: {self.members} accounts made (no password or email: they cannot log in until an administrator sets an email for a password reset)."
            )
        if self.names_shortened:
            lines.append(f"Names shortened to fit: {self.names_shortened}.")
        if self.addresses_dropped:
            lines.append(
                f"Commenters' web addresses that were not valid addresses, left off: {self.addresses_dropped}."
            )
        if self.orphans_kept_at_top:
            lines.append(
                f"Replies whose comment is missing from the archive, kept as top-level comments: {self.orphans_kept_at_top}."
            )
        lines.append(f"Took {self.seconds:.1f} s.")
        return lines


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


class Progress:
    """A line now and then on long imports; silent on short ones."""

    def __init__(self, write: Callable[[str], None] | None):
        self._write = write
        self._last = time.monotonic()

    def __call__(self, message: Callable[[], str]) -> None:
        if self._write is None:
            return
        now = time.monotonic()
        if now - self._last >= PROGRESS_SECONDS:
            self._last = now
            self._write(message())


def import_records(
    records: Iterable,
    *,
    progress: Callable[[str], None] | None = None,
    keep_order: bool = False,
    allow_empty: bool = False,
) -> ImportSummary:
    """Check every record a reader yields, then write them; raise ArchiveError and write nothing if any is wrong.

    Replies are put in time order under their parent, unless `keep_order`
    (the site's own export, already in thread order). An archive with no
    posts or comments is refused (it is almost always the wrong file),
    unless `allow_empty` (an export of an empty site).
    """
    started = time.monotonic()
    summary = ImportSummary()
    tick = Progress(progress)
    with Spool() as spool:
        members, labels = _read_and_check(records, spool, summary, tick)
        if not (spool.post_count or spool.comment_count or allow_empty):
            raise ArchiveError("the file holds no posts, pages or comments in this format")
        _check_shape(spool, keep_order=keep_order)
        _create_members_and_labels(members, labels, summary)
        written = 0
        for post in spool.posts():
            _write_post(post, spool.comments_of(post.key), summary, keep_order=keep_order)
            written += 1
            tick(lambda: f"… wrote {written:,} of {spool.post_count:,} posts")
    summary.seconds = time.monotonic() - started
    return summary


# Checks before anything is written ---------------------------------------------------------------


def _read_and_check(records: Iterable, spool: Spool, summary: ImportSummary, tick: Progress):
    """Check each record as it is read: members and labels kept aside, posts and comments into the spool."""
    members: list[ImportedMember] = []
    labels: list[ImportedLabel] = []
    for record in records:
        if isinstance(record, ImportedMember):
            _check_member(record)
            members.append(record)
            continue
        if isinstance(record, ImportedLabel):
            _check_label(record.name, f"label {record.name[:80]}", slug=record.slug)
            labels.append(record)
            continue
        if isinstance(record, ImportedPost):
            _check_post(record)
        else:
            _check_comment(record, summary)
        spool.add(record)
        tick(lambda: f"… read {_count(spool.post_count, 'post')} and {_count(spool.comment_count, 'comment')}")
    spool.finish_reading()
    return members, labels


def _check_post(record: ImportedPost) -> None:
    if record.published_at is None and not record.published_on and not record.skip_reason:
        raise ArchiveError("the post has no publication time", entry=record.key)
    post = Post(
        title=record.title,
        slug=record.slug or "x",
        kind=record.kind,
        byline=record.byline,
        comment_policy=record.comment_policy,
        legacy_id=record.legacy_id,
        legacy_path=record.legacy_path,
    )
    _clean(post, record.key, exclude=["editor", "labels"])
    positions = set()
    for number, imported in enumerate(record.sections, start=1):
        position = imported.position if imported.position is not None else number
        if position in positions:
            raise ArchiveError(f"two parts of the post are at position {position}", entry=record.key)
        positions.add(position)
        section = PostSection(
            post=post,
            position=position,
            body=imported.body,
            body_format=imported.format,
            heading=imported.heading,
            credit=imported.credit,
            removed_at_authors_request=imported.removed,
        )
        _clean(section, record.key, exclude=["post"], what=f"part {number} of the post")
    for label in record.labels:
        _check_label(label, record.key)


def _check_label(name: str, entry: str, *, slug: str = "") -> None:
    label = Label(name=name.strip(), slug=slug or label_slug_base(name) or "label")
    if not label.name:
        raise ArchiveError("a label with no name", entry=entry)
    _clean(label, entry, exclude=[], what=f"the label {name[:80]!r}")


def _check_member(record: ImportedMember) -> None:
    user = User(handle=record.handle)
    try:
        user.clean_fields(exclude=["password", "email", "handle_key"])
    except ValidationError as error:
        raise ArchiveError("; ".join(error.messages), entry=f"member {record.handle[:40]}") from None


def _check_comment(record: ImportedComment, summary: ImportSummary) -> None:
    if record.state not in Comment.State.values:
        raise ArchiveError(f"unknown comment state {record.state!r}", entry=record.key)
    if record.created_at is not None and timezone.is_naive(record.created_at):
        raise ArchiveError("the comment's time has no time zone", entry=record.key)
    record.author_name, shortened = shortened_name(record.author_name)
    summary.names_shortened += shortened
    if not record.author_name:
        record.author_url = ""
    elif record.author_url and not _is_web_address(record.author_url):
        # An old blog's odd address ("http://", spaces, an underscore in the host) is dropped, not the archive.
        record.author_url = ""
        summary.addresses_dropped += 1
    # The sanitiser runs once, when the comment is written; here the model checks the fields and the text.
    _clean(
        _unsaved_comment(record), record.key, exclude=["post", "parent", "author", "lft", "rght", "tree_id", "level"]
    )


def _is_web_address(value: str) -> bool:
    try:
        _web_address(value)
    except ValidationError:
        return False
    return len(value) <= Comment._meta.get_field("author_url").max_length


def _clean(instance, entry: str, *, exclude: list[str], what: str = "") -> None:
    """The model's own checks (its fields, then clean()), before anything is written."""
    try:
        instance.clean_fields(exclude=exclude)
        instance.clean()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            reasons = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
        else:
            reasons = "; ".join(error.messages)
        raise ArchiveError(f"{what + ': ' if what else ''}{reasons}", entry=entry) from None


def _check_shape(spool: Spool, *, keep_order: bool) -> None:
    """Every comment belongs to a post in the archive, and replies form trees within their post."""
    orphan = spool.first_comment_without_post()
    if orphan:
        raise ArchiveError(f"the comment belongs to post {orphan[1]}, which is not in the archive", entry=orphan[0])
    for post in spool.posts():
        if post.skip_reason:
            continue
        comments = spool.comments_of(post.key)
        _conversations(comments, _existing_parents(comments, spool), keep_order=keep_order)


def _existing_parents(comments: list[ImportedComment], spool: Spool) -> dict[str, int]:
    """Parents named by these comments that are not among them: already imported ones, by their key."""
    keys = {comment.key for comment in comments}
    outside = {comment.parent_key for comment in comments if comment.parent_key and comment.parent_key not in keys}
    for parent_key in outside:
        elsewhere = spool.comment_post_key(parent_key)
        if elsewhere is not None:
            child = next(c.key for c in comments if c.parent_key == parent_key)
            raise ArchiveError(f"the comment replies to {parent_key}, a comment on another post", entry=child)
    return _imported_comments(outside)


def _imported_comments(legacy_ids, **filters) -> dict[str, int]:
    """The comments already imported under these archive ids: {archive id: pk}, asked in batches."""
    wanted, found = sorted(legacy_ids), {}
    for start in range(0, len(wanted), BULK_BATCH):
        rows = Comment.objects.filter(legacy_id__in=wanted[start : start + BULK_BATCH], **filters)
        found.update(dict(rows.values_list("legacy_id", "pk")))
    return found


@dataclass
class _Conversations:
    roots: list[ImportedComment]
    children: dict[str, list[ImportedComment]]
    under_existing: dict[int, list[ImportedComment]]
    orphans: int


def _conversations(
    comments: list[ImportedComment], existing_parents: dict[str, int], *, keep_order: bool
) -> _Conversations:
    """The comments as trees, oldest first at every level; refuses replies that go round in a circle."""
    keys = {comment.key for comment in comments}
    order = {comment.key: number for number, comment in enumerate(comments)}
    shape = _Conversations(roots=[], children=defaultdict(list), under_existing=defaultdict(list), orphans=0)
    for comment in comments:
        if comment.parent_key in keys:
            shape.children[comment.parent_key].append(comment)
        elif comment.parent_key in existing_parents:
            shape.under_existing[existing_parents[comment.parent_key]].append(comment)
        else:
            shape.orphans += bool(comment.parent_key)
            shape.roots.append(comment)

    def oldest_first(items: list[ImportedComment]) -> None:
        if keep_order:
            return
        items.sort(key=lambda c: (c.created_at is None, c.created_at or timezone.now(), order[c.key]))

    reached = 0
    for siblings in [shape.roots, *shape.children.values(), *shape.under_existing.values()]:
        oldest_first(siblings)
    stack = [*shape.roots, *(c for group in shape.under_existing.values() for c in group)]
    while stack:
        comment = stack.pop()
        reached += 1
        stack.extend(shape.children.get(comment.key, ()))
    if reached != len(comments):
        reachable = _reachable(shape)
        looped = next(c for c in comments if c.key not in reachable)
        raise ArchiveError("the comment's replies go round in a circle (it is its own ancestor)", entry=looped.key)
    return shape


def _reachable(shape: _Conversations) -> set[str]:
    seen, stack = set(), [*shape.roots, *(c for group in shape.under_existing.values() for c in group)]
    while stack:
        comment = stack.pop()
        seen.add(comment.key)
        stack.extend(shape.children.get(comment.key, ()))
    return seen


# Writing ----------------------------------------------------------------------------------------------


def _create_members_and_labels(
    members: list[ImportedMember], labels: list[ImportedLabel], summary: ImportSummary
) -> None:
    with transaction.atomic():
        for imported in labels:
            if Label.objects.filter(name=imported.name).exists():
                continue
            label = Label(name=imported.name, slug=imported.slug)
            try:
                label.full_clean()
            except ValidationError as error:
                raise ArchiveError("; ".join(error.messages), entry=f"label {imported.name}") from None
            label.save()
        for member in members:
            if User.objects.filter(handle__iexact=member.handle).exists():
                continue
            user = User(handle=member.handle, date_joined=member.joined or timezone.now())
            user.set_unusable_password()
            try:
                user.full_clean(exclude=["password", "email"])
            except ValidationError as error:
                raise ArchiveError("; ".join(error.messages), entry=f"member {member.handle}") from None
            user.save()
            summary.members += 1


def _write_post(
    record: ImportedPost, comments: list[ImportedComment], summary: ImportSummary, *, keep_order: bool
) -> None:
    if record.attach_by_path and not comments:
        return  # a comments-only archive's empty thread: nothing to bring
    if record.skip_reason:
        if record.skip_reason == "draft":
            summary.drafts_skipped += 1
        else:
            summary.trashed_skipped += 1
        summary.comments_skipped += len(comments)
        return
    try:
        with transaction.atomic():
            post = _existing_post(record)
            is_new = post is None
            if is_new:
                post = _create_post(record, summary)
            else:
                summary.posts_already_imported += 1
            _write_comments(post, comments, summary, post_is_new=is_new, keep_order=keep_order)
    except (ValidationError, DatabaseError, ValueError) as error:
        messages = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        raise ArchiveError(
            f"the post could not be written ({messages}); the posts before it are imported whole, "
            "and running the import again skips them",
            entry=record.key,
            nothing_written=False,
        ) from error


def _existing_post(record: ImportedPost) -> Post | None:
    """The post this record was imported as before, or (a comments-only archive) the one it attaches to."""
    if record.legacy_id:
        post = Post.objects.filter(legacy_id=record.legacy_id).first()
        if post is not None:
            return post
    if not record.attach_by_path:
        return None
    if record.attach_to_ids:
        post = Post.objects.filter(legacy_id__in=record.attach_to_ids).order_by("pk").first()
        if post is not None:
            return post
    variants = path_variants(record.legacy_path)
    return Post.objects.filter(legacy_path__in=variants).order_by("pk").first() if variants else None


def _create_post(record: ImportedPost, summary: ImportSummary) -> Post:
    published_at = record.published_at
    if record.published_on:  # the date the site showed, kept as it was (the site's own export)
        published_on = date.fromisoformat(record.published_on)
    else:
        published_on = timezone.localdate(published_at)
    post = Post(
        kind=record.kind,
        title=record.title,
        slug=record.slug or free_slug(record.slug_hint or record.title),
        published_on=published_on,
        published_at=published_at,
        byline=record.byline,
        legacy_id=record.legacy_id,
        legacy_path=record.legacy_path,
        comment_policy=record.comment_policy,
        editor=User.objects.filter(handle__iexact=record.editor_handle).first() if record.editor_handle else None,
    )
    post_service.post_save(post=post)
    for position, imported in enumerate(record.sections, start=1):
        section = PostSection(
            post=post,
            position=imported.position if imported.position is not None else position,
            body=imported.body,
            body_format=imported.format,
            heading=imported.heading,
            credit=imported.credit,
            removed_at_authors_request=imported.removed,
        )
        post_service.section_save(section=section, editor=None)
    if record.labels:
        post.labels.set([label_for_name(name) for name in record.labels])
        summary.labels.update(label.name for label in post.labels.all())
    if post.is_page:
        summary.pages += 1
    else:
        summary.posts += 1
    return post


def _write_comments(
    post: Post, records: list[ImportedComment], summary: ImportSummary, *, post_is_new: bool, keep_order: bool
) -> None:
    known = _imported_comments(record.legacy_id for record in records if record.legacy_id)
    summary.comments_already_imported += len(known)
    new = [record for record in records if record.legacy_id not in known]
    if not new:
        return
    new_keys = {record.key for record in new}
    # Replies to comments imported before: only ever under this post's own comments.
    existing_parents = _imported_comments(
        {r.parent_key for r in new if r.parent_key and r.parent_key not in new_keys}, post=post
    )
    shape = _conversations(new, existing_parents, keep_order=keep_order)
    summary.orphans_kept_at_top += shape.orphans
    handles = {r.author_handle.lower() for r in new if r.author_handle}
    members = {}
    if handles:
        for user in User.objects.annotate(lowered=Lower("handle")).filter(lowered__in=handles):
            members[user.handle.lower()] = user
    written = _write_new_trees(post, shape, members) + _write_under_existing(post, shape, members)
    _link_mentions(post, written, had_comments=not post_is_new)
    QuoteMark.objects.write_for(written, new=True)
    changes.refresh(fragments.affected_by(comment.pk for comment in written))
    for comment in written:
        if comment.state == Comment.State.PUBLISHED:
            summary.comments += 1
        elif comment.state == Comment.State.PENDING:
            summary.held += 1
        elif comment.state == Comment.State.REJECTED:
            summary.rejected += 1
        else:
            summary.tombstones += 1


def _comment(post: Post, record: ImportedComment, members: dict) -> Comment:
    author = None
    if record.author_handle:
        author = members.get(record.author_handle.lower())
        if author is None:
            raise ValidationError(
                f"comment {record.key} names the member {record.author_handle}, who has no account here"
            )
    comment = _unsaved_comment(record, post=post, author=author)
    comment.set_text(record.text)
    return comment


def _unsaved_comment(record: ImportedComment, *, post: Post | None = None, author=None) -> Comment:
    """The comment a record describes, without its tree position or HTML."""
    comment = Comment(
        post=post,
        author=author,
        author_url=record.author_url,
        author_account_deleted=record.author_account_deleted,
        anon_tag=record.anon_tag,
        created_at=record.created_at,
        posted_minute=references.minute_of_day(record.created_at),
        edited_at=record.edited_at,
        state=record.state,
        legacy_id=record.legacy_id,
        text=record.text,
    )
    comment.set_author_name(record.author_name)
    return comment


def _write_new_trees(post: Post, shape: _Conversations, members: dict) -> list[Comment]:
    """Whole conversations in bulk: tree positions computed here, one INSERT per level and batch."""
    if not shape.roots:
        return []
    lock_new_trees()
    next_tree = (Comment.objects.aggregate(last=Max("tree_id"))["last"] or 0) + 1
    by_level: dict[int, list[tuple[Comment, str]]] = defaultdict(list)
    written: dict[str, Comment] = {}
    for tree_id, root in enumerate(shape.roots, start=next_tree):
        counter = 0
        # Depth-first, without recursion: a chain of replies can be thousands deep.
        stack = [(root, 0, False)]
        while stack:
            record, level, done = stack.pop()
            if done:
                counter += 1
                written[record.key].rght = counter
                continue
            counter += 1
            comment = _comment(post, record, members)
            comment.tree_id, comment.level, comment.lft = tree_id, level, counter
            written[record.key] = comment
            by_level[level].append((comment, record.parent_key if level else ""))
            stack.append((record, level, True))
            stack.extend((child, level + 1, False) for child in reversed(shape.children.get(record.key, ())))
    if not connection.features.can_return_rows_from_bulk_insert:
        raise DatabaseError("this database cannot return the ids of rows written in bulk")
    for level in sorted(by_level):
        rows = by_level[level]
        for comment, parent_key in rows:
            if parent_key:
                comment.parent_id = written[parent_key].pk
        Comment.objects.bulk_create([comment for comment, _ in rows], batch_size=BULK_BATCH)
    return list(written.values())


def _write_under_existing(post: Post, shape: _Conversations, members: dict) -> list[Comment]:
    """New replies to comments imported before (a newer archive): inserted one by one into their trees."""
    written = []
    for parent_pk, replies in shape.under_existing.items():
        stack = [(reply, parent_pk) for reply in reversed(replies)]
        while stack:
            record, parent_id = stack.pop()
            comment = _comment(post, record, members)
            comment.parent = Comment.objects.get(pk=parent_id)
            insert_comment(comment, refers_to=[])
            written.append(comment)
            stack.extend((child, comment.pk) for child in reversed(shape.children.get(record.key, ())))
    return written


def _link_mentions(post: Post, written: list[Comment], *, had_comments: bool) -> None:
    """Link "@anon 19:12" and the like to the earlier comment they name, as `comment_post` does."""
    rows = [
        (c.pk, c.created_at, c.author.handle if c.author_id else None, c.anon_tag)
        for c in written
        if c.created_at is not None and c.state not in Comment.UNLISTED_STATES
    ]
    if had_comments:
        new_ids = {c.pk for c in written}
        rows += [
            row
            for row in Comment.objects.filter(post=post, created_at__isnull=False)
            .listed()
            .values_list("pk", "created_at", "author__handle", "anon_tag")
            if row[0] not in new_ids
        ]
    rows.sort(key=lambda row: (row[1], row[0]))
    earlier = references.EarlierComments()
    cursor = 0
    changed, links = [], []
    Through = Comment.refers_to.through
    for comment in sorted((c for c in written if c.created_at is not None), key=lambda c: (c.created_at, c.pk)):
        while cursor < len(rows) and rows[cursor][1] < comment.created_at:
            earlier.add(*rows[cursor])
            cursor += 1
        if not references.may_mention(comment.html):
            continue
        comment.html, targets = references.link_references(comment.html, earlier)
        if targets:
            changed.append(comment)
            links.extend(Through(from_comment_id=comment.pk, to_comment_id=target) for target in targets)
    Comment.objects.bulk_update(changed, ["html"], batch_size=BULK_BATCH)
    Through.objects.bulk_create(links, batch_size=BULK_BATCH)
