"""One reader's view of a thread: which comments, in what order, and what each offers this reader.

The page is put together from each comment's stored fragment (forum.threads.fragments)
in one pass over one query's rows, adding only what depends on the reader:
Reply, their own Edit and Remove, moderators' buttons (one shared form per
page), the private removal link once. "New" marks are added afterwards by
`mark_new`, the same way for a page built now and one from the cache
(forum.threads.pagecache). Report and "Ask to remove" are on each comment's own page
(the ¶ link) and added beside Reply by thread.js.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from html import escape

from django.conf import settings
from django.db.models import BooleanField, Case, ExpressionWrapper, Q, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from forum.lib import references
from forum.models import Comment, Post
from forum.threads import fragments, markup
from forum.threads.reader import ROW_FIELDS, Reader, Row
from moderation.models import Report
from moderation.transitions import actions_for_state

OLDEST_FIRST = "oldest"
NEWEST_FIRST = "newest"
SORT_CHOICES = {OLDEST_FIRST: "Oldest first", NEWEST_FIRST: "Newest first"}


@dataclass
class Thread:
    """What a thread or permalink page shows one reader."""

    html: SafeString
    comment_count: int
    sort: str = OLDEST_FIRST
    page_number: int = 1
    page_count: int = 1
    # Comments whose words this page shows, in page order (pk, not the reader's own): candidates for "new".
    readable_ids: list[int] = field(default_factory=list)
    newest_comment_id: int = 0
    root: Comment | None = None
    ancestors_html: SafeString = mark_safe("")
    starts_mid_conversation: bool = False
    more_in_thread_url: str = ""

    @property
    def next_page_number(self) -> int | None:
        return self.page_number + 1 if self.page_number < self.page_count else None

    @property
    def previous_page_number(self) -> int | None:
        return self.page_number - 1 if self.page_number > 1 else None


def thread_page(reader: Reader, post: Post, *, sort: str, page_number: int) -> Thread:
    """A page of the thread: at most FORUM_COMMENTS_PER_PAGE comments (forum.lib.paging)."""
    plan = post.page_plan(newest_first=sort == NEWEST_FIRST)
    if not 1 <= page_number <= plan.page_count:
        raise Http404("No such page of comments.")
    rows = Comment.objects.filter(post=post).filter(plan.rows_on(page_number))
    rows = rows.order_by("-tree_id" if sort == NEWEST_FIRST else "tree_id", "lft")
    shown = _visible(reader, _rows(rows, reader))
    builder = _Builder(reader, post, link_prefix="comments/", on_thread_page=True)
    html = builder.build(shown, root_level=0)
    if plan.page_count > 1:
        html = _links_off_page(html, {row.pk for row in shown}, builder.link_prefix)
    return Thread(
        html=mark_safe(html),
        comment_count=post.comment_count,
        sort=sort,
        page_number=page_number,
        page_count=plan.page_count,
        readable_ids=builder.readable_ids,
        newest_comment_id=max((row.pk for row in shown), default=0),
        starts_mid_conversation=plan.starts_mid_conversation(page_number),
    )


def comment_page(reader: Reader, post: Post, comment_id: int) -> Thread:
    """One comment with the comments it answers and the replies below it (as many as a thread page holds)."""
    root = Comment.objects.filter(pk=comment_id, post=post).select_related("author").first()
    if root is None:
        raise Http404("No such comment, or it is not shown to readers.")
    in_tree = Comment.objects.filter(post=post, tree_id=root.tree_id)
    ancestors = _rows(in_tree.filter(lft__lt=root.lft, rght__gt=root.rght).order_by("lft"), reader)
    # As many as a thread page holds, and one more to tell whether the conversation goes on.
    limit = settings.FORUM_COMMENTS_PER_PAGE
    subtree_rows = _rows(in_tree.filter(lft__gte=root.lft, lft__lt=root.rght).order_by("lft"), reader, limit=limit + 1)
    more_url = ""
    if len(subtree_rows) > limit:
        following = subtree_rows.pop()
        more_url = post.page_url(following.pk, tree_id=root.tree_id, lft=following.lft)
    # Held ancestors hide the comment from readers, as on the thread page.
    shown = _visible(reader, [*ancestors, *subtree_rows])
    if not any(row.pk == comment_id for row in shown):
        raise Http404("No such comment, or it is not shown to readers.")
    subtree = [row for row in shown if row.lft >= root.lft]
    ancestors = [row for row in shown if row.lft < root.lft]
    builder = _Builder(reader, post, link_prefix="../", on_thread_page=False)
    html = builder.build(subtree, root_level=root.level)
    on_page = {row.pk for row in shown}
    return Thread(
        html=mark_safe(_links_off_page(html, on_page, "../")),
        comment_count=len(subtree),
        readable_ids=builder.readable_ids,
        newest_comment_id=max((row.pk for row in subtree), default=0),
        root=root,
        ancestors_html=mark_safe(_links_off_page(builder.quoted(ancestors), on_page, "../")),
        more_in_thread_url=more_url,
    )


def _rows(queryset, reader: Reader, *, limit: int | None = None) -> list[Row]:
    """The rows in one query, with whether each is still editable by this reader (its author, if so)."""
    editable = Value(False)
    if reader.user_id is not None or reader.keys:
        theirs = Q(pk__in=list(reader.keys))
        if reader.user_id is not None:
            theirs |= Q(author_id=reader.user_id)
        since = timezone.now() - timedelta(minutes=settings.FORUM_EDIT_WINDOW_MINUTES)
        editable = Case(When(theirs & Q(created_at__gte=since), then=Value(True)), default=Value(False))
    values = queryset.annotate(still_editable=ExpressionWrapper(editable, output_field=BooleanField()))
    values = values.values_list(*ROW_FIELDS)
    rows = list(map(Row._make, values[:limit] if limit is not None else values))
    stale = [number for number, row in enumerate(rows) if row.fragment_version != markup.FRAGMENT_VERSION]
    if stale:
        # Written before this release's markup (`manage.py rebuild_fragments` does it ahead): now, for the next reader too.
        fresh = fragments.rebuild_stale([rows[number].pk for number in stale])
        for number in stale:
            rows[number] = rows[number]._replace(fragment=fresh.get(rows[number].pk, rows[number].fragment))
    return rows


def _visible(reader: Reader, rows: list[Row]) -> list[Row]:
    """Leave out held comments with their subtrees (a reply under one would dangle), except those
    this reader may see (moderators all, authors their own), and rejected ones for everyone.
    Hidden and removed comments stay, as tombstones, so their replies keep their place."""
    shown = []
    skip_below_level = None
    for row in rows:
        if skip_below_level is not None:
            if row.level > skip_below_level:
                continue
            skip_below_level = None
        if row.state in Comment.UNLISTED_STATES and not (row.state == Comment.State.PENDING and reader.sees_held(row)):
            skip_below_level = row.level
            continue
        shown.append(row)
    return shown


class _Builder:
    """Joins fragments into nested lists with folds, adding what this reader may do with each comment."""

    def __init__(self, reader: Reader, post: Post, *, link_prefix: str, on_thread_page: bool):
        self.reader = reader
        self.post = post
        self.link_prefix = link_prefix
        # On a thread page Report and "Ask to remove" come from thread.js; a comment's own page has them all.
        self.all_actions = not on_thread_page
        self.readable_ids: list[int] = []
        # A reader with nothing of their own here and no moderator's tools, on a thread page.
        self.plain = on_thread_page and not (reader.is_moderator or reader.user.is_authenticated or reader.keys)
        self.ask_to_remove_url = _url_for_each_pk("moderation:ask_to_remove_comment")
        self.report_url = _url_for_each_pk("moderation:report_comment")
        self.moderator_extras = _ModeratorExtras(post) if reader.is_moderator else None

    def build(self, rows: list[Row], *, root_level: int) -> str:
        if not rows:
            return ""
        # Replies deeper than FORUM_MAX_REPLY_DEPTH below the page's root are left out; the
        # deepest comment shown then offers "continue this thread", a page rooted at it.
        deepest = root_level + settings.FORUM_MAX_REPLY_DEPTH
        rows = [row for row in rows if row.level <= deepest]
        if not rows:
            return ""
        if self.moderator_extras is not None:
            self.moderator_extras.prepare(rows)
        reply_counts = _reply_counts(rows)
        out = ["<ol class=comment-list>"]
        open_levels = _continue_from_page_before(out, root_level=root_level, first_level=rows[0].level)
        previous = None
        for row in rows:
            if previous is not None and row.level > previous.level:
                count = reply_counts[previous.pk]
                out.append(f"<details open><summary>{count} {'reply' if count == 1 else 'replies'}</summary><ol>")
            else:
                while open_levels and open_levels[-1] >= row.level:
                    closed = open_levels.pop()
                    out.append("</li>")
                    if row.level < closed:
                        out.append("</ol></details>")
            out.append(f"<li id=c{row.pk}>")
            out.append(self._comment(row, continues=row.level == deepest and row.rght > row.lft + 1))
            open_levels.append(row.level)
            previous = row
        while open_levels:
            closed = open_levels.pop()
            out.append("</li>")
            if closed > root_level:
                out.append("</ol></details>")
        out.append("</ol>")
        return "".join(out)

    def quoted(self, rows: list[Row]) -> str:
        """Comments shown for context, without actions (the ones a comment page's comment answers)."""
        if not rows:
            return ""
        if self.moderator_extras is not None:
            self.moderator_extras.prepare(rows)
        items = "".join(f"<li id=c{row.pk} class=anc>{self._fragment(row)}</article></li>" for row in rows)
        return f"<ol class=ancestor-list>{items}</ol>"

    def _fragment(self, row: Row) -> str:
        if self.moderator_extras is not None:
            return self.moderator_extras.fragment(row)
        return row.fragment

    def _comment(self, row: Row, *, continues: bool) -> str:
        if self.plain and not continues:
            # Most comments for most readers: the stored fragment as it is.
            if row.state == Comment.State.PUBLISHED:
                self.readable_ids.append(row.pk)
            return row.fragment + "</article>"
        prefix = self.link_prefix
        mine = self.reader.wrote(row)
        gone = row.state in Comment.GONE_STATES
        if row.state == Comment.State.PUBLISHED and not mine:
            self.readable_ids.append(row.pk)
        parts = [self._fragment(row)]
        if self.moderator_extras is not None:
            parts[0] = self.moderator_extras.with_badge(row, parts[0])
        if mine and row.pk == self.reader.just_posted and row.pk in self.reader.keys:
            parts.append(self._removal_link_notice(row))
        if continues:
            parts.append(f"<p class=ct><a href={prefix}{row.pk}/>Continue this thread →</a></p>")
        # Reply, Report and "Ask to remove" come from thread.js on a thread page (the time links
        # to the comment's own page, which has them all without JavaScript); the author's own
        # Edit and Remove are here, as every action is on a comment's own page.
        actions = []
        if not gone and self.all_actions and row.state == Comment.State.PUBLISHED:
            actions.append(f"<a class=reply-link href={prefix}{row.pk}/reply/>Reply</a>")
        if mine and not gone:
            if row.state in Comment.EDITABLE_STATES and row.still_editable:
                actions.append(f"<a class=edit-link href={prefix}{row.pk}/edit/>Edit</a>")
            actions.append(f"<a class=remove-link href={prefix}{row.pk}/remove/>Remove</a>")
        elif self.all_actions and row.state == Comment.State.PUBLISHED:
            # Only what readers can read can be asked off the site or reported.
            actions.append(
                f"<a class=ask-to-remove-link href={self.ask_to_remove_url(row.pk)} rel=nofollow>Ask to remove</a>"
            )
            actions.append(f"<a class=report-link href={self.report_url(row.pk)} rel=nofollow>Report</a>")
        if actions:
            parts.append(f"<footer>{''.join(actions)}</footer>")
        if self.moderator_extras is not None:
            parts.append(self.moderator_extras.controls(row))
        parts.append("</article>")
        return "".join(parts)

    def _removal_link_notice(self, row: Row) -> str:
        url = self.reader.request.build_absolute_uri(
            f"{reverse('forum:comment_remove', args=[self.post.slug, row.pk])}?key={self.reader.keys[row.pk]}"
        )
        return (
            '<div class="alert alert-warning removal-link-notice mt-2 mb-0" role="status">'
            '<p class="mb-2"><strong>Keep this link to remove your comment later.</strong> It is shown only this once, '
            "and anyone who has it can remove the comment. This browser also remembers it until you clear its cookies.</p>"
            f'<textarea class="form-control removal-link" rows="2" readonly aria-label="Your private removal link">{escape(url)}</textarea>'
            "</div>"
        )


class _ModeratorExtras:
    """What moderators see beyond readers: hidden words, open reports, and buttons for the page's one form."""

    def __init__(self, post: Post):
        self.reported = Counter(Report.objects.open().filter(comment__post=post).values_list("comment_id", flat=True))
        self.hidden: dict[int, str] = {}
        self.details_url = _url_for_each_pk("moderation:comment")
        self.commenter_url = _url_for_each_pk("moderation:commenter")
        self.control_templates: dict[tuple[str, bool], str] = {}

    def prepare(self, rows: list[Row]) -> None:
        """Render the hidden comments among these rows with their words (one query, only when there are some)."""
        wanted = [row.pk for row in rows if row.state == Comment.State.HIDDEN and row.pk not in self.hidden]
        if wanted:
            for comment in Comment.objects.filter(pk__in=wanted).select_related("author"):
                self.hidden[comment.pk] = markup.render(
                    comment, describe=references.unlinked, replied_by=[], for_moderator=True
                )

    def fragment(self, row: Row) -> str:
        if row.state != Comment.State.HIDDEN:
            return row.fragment
        return self.hidden.get(row.pk, row.fragment)

    def with_badge(self, row: Row, fragment: str) -> str:
        count = self.reported.get(row.pk, 0)
        if not count:
            return fragment
        badge = f' <span class="badge text-bg-danger">{count} open report{"" if count == 1 else "s"}</span>'
        return fragment.replace("</header>", f"{badge}</header>", 1)

    def controls(self, row: Row) -> str:
        """The buttons that apply to the comment's state, for the page's one form (_moderation_form.html)."""
        reported = bool(self.reported.get(row.pk))
        template = self.control_templates.get((row.state, reported))
        if template is None:
            buttons = "".join(
                f"<button form=moderate name=act value={action}:%(pk)s>{verb}</button>"
                for action, verb in actions_for_state(row.state, has_open_reports=reported)
            )
            details = self.details_url(0).replace("/0/", "/%(pk)s/")
            commenter = self.commenter_url(0).replace("/0/", "/%(pk)s/")
            template = (
                f"<p class=mod>Moderate: {buttons}<a href={details}>Details, reasons, bans</a> "
                f"<a class=commenter-link href={commenter}>Commenter</a></p>"
            )
            self.control_templates[(row.state, reported)] = template
        return template % {"pk": row.pk}


def _url_for_each_pk(viewname: str):
    """reverse() once and fill in each comment's pk, which ends these routes."""
    prefix, suffix = reverse(viewname, args=[0]).rsplit("/0/", 1)
    return lambda pk: f"{prefix}/{pk}/{suffix}"


def _continue_from_page_before(out: list[str], *, root_level: int, first_level: int) -> list[int]:
    """A page that starts inside a conversation opens the levels above its first comment; returns them."""
    levels = list(range(root_level, first_level))
    out.extend("<li class=cont><details open><summary>continued from the page before</summary><ol>" for _ in levels)
    return levels


def _reply_counts(rows: list[Row]) -> dict[int, int]:
    """The replies shown below each comment, for the fold that opens under it."""
    counts = dict.fromkeys((row.pk for row in rows), 0)
    open_ancestors: list[Row] = []
    for row in rows:
        while open_ancestors and open_ancestors[-1].level >= row.level:
            open_ancestors.pop()
        for ancestor in open_ancestors:
            counts[ancestor.pk] += 1
        open_ancestors.append(row)
    return counts


_IN_PAGE_LINK = "href=#c"  # how fragments link to another comment (back-links, references)


def _links_off_page(html: str, on_page: set[int], prefix: str) -> str:
    """Links to comments on another page of the thread go to those comments' own pages."""
    pieces = html.split(_IN_PAGE_LINK)
    for number in range(1, len(pieces)):
        piece = pieces[number]
        digits = len(piece) - len(piece.lstrip("0123456789"))
        pk = int(piece[:digits]) if digits else None
        if pk is not None and pk not in on_page:
            pieces[number] = f"{prefix}{pk}/#c{piece}"
        else:
            pieces[number] = f"#c{piece}"
    return "href=".join(pieces)
