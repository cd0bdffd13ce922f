"""One reader's view of a thread: which comments, in what order, and what each offers this reader.

The thread page and the comment permalink page both come through here, so a
comment looks and behaves the same on both. Every attribute a template reads
is set on every comment: reversing URLs per comment, and the template's
lookups of missing attributes, were half the page's time (make bench).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.http import Http404
from django.urls import reverse

from moderation.models import Report
from moderation.services import actions_allowed

from . import identity, references
from .models import Comment, Post
from .selectors import conversation_tree_ids, thread_for_readers

OLDEST_FIRST = "oldest"
NEWEST_FIRST = "newest"
SORT_CHOICES = {OLDEST_FIRST: "Oldest first", NEWEST_FIRST: "Newest first"}


@dataclass
class Thread:
    """What a thread or permalink page shows one reader."""

    comments: list[Comment]
    comment_count: int
    root_level: int = 0
    sort: str = OLDEST_FIRST
    page_number: int = 1
    page_count: int = 1
    ancestors: list[Comment] = field(default_factory=list)
    root: Comment | None = None
    new_comments: list[Comment] = field(default_factory=list)
    newest_comment_id: int = 0

    @property
    def is_partial(self) -> bool:
        return self.page_count > 1 or self.root is not None

    @property
    def next_page_number(self) -> int | None:
        return self.page_number + 1 if self.page_number < self.page_count else None

    @property
    def previous_page_number(self) -> int | None:
        return self.page_number - 1 if self.page_number > 1 else None

    @property
    def first_new_anchor(self) -> str:
        return self.new_comments[0].anchor if self.new_comments else ""


class Reader:
    """Who is looking: what they may see and which comments are theirs."""

    def __init__(self, request):
        self.request = request
        self.user = request.user
        self.keys = identity.removal_keys_from(request)
        self.is_moderator = request.user.has_perm("moderation.moderate_comments")
        self.just_posted = identity.just_posted_from(request)
        self.seen = identity.seen_from(request)

    def removal_key_for(self, comment: Comment) -> str:
        return self.keys.get(comment.pk, "")

    def sees_held(self, comment: Comment) -> bool:
        return self.is_moderator or comment.is_authored_by(user=self.user, removal_key=self.removal_key_for(comment))

    def wrote(self, comment: Comment) -> bool:
        key = self.removal_key_for(comment)
        return bool(comment.author_id is not None or key) and comment.is_authored_by(user=self.user, removal_key=key)


def thread_page(reader: Reader, post: Post, *, sort: str, page_number: int) -> Thread:
    """A page of the thread: up to FORUM_CONVERSATIONS_PER_PAGE top-level comments with all their replies."""
    newest_first = sort == NEWEST_FIRST
    tree_ids = conversation_tree_ids(post, newest_first=newest_first)
    per_page = settings.FORUM_CONVERSATIONS_PER_PAGE
    page_count = max(1, -(-len(tree_ids) // per_page))
    if not 1 <= page_number <= page_count:
        raise Http404("No such page of comments.")
    if page_count == 1:
        comments = thread_for_readers(post, sees_held=reader.sees_held, newest_first=newest_first)
        comment_count = len(comments)
    else:
        page_trees = tree_ids[(page_number - 1) * per_page : page_number * per_page]
        comments = thread_for_readers(post, sees_held=reader.sees_held, tree_ids=page_trees, newest_first=newest_first)
        comment_count = post.comments.listed().count()
    thread = Thread(
        comments=_within_depth(comments, root_level=0),
        comment_count=comment_count,
        sort=sort,
        page_number=page_number,
        page_count=page_count,
    )
    _prepare_for_reader(reader, post, thread)
    return thread


def comment_page(reader: Reader, post: Post, comment_id: int) -> Thread:
    """One comment with the comments it answers and all the replies below it."""
    its_tree = Comment.objects.filter(pk=comment_id, post=post).values("tree_id")
    rows = thread_for_readers(post, sees_held=reader.sees_held, tree_ids=its_tree)
    root = next((comment for comment in rows if comment.pk == comment_id), None)
    if root is None:
        raise Http404("No such comment, or it is not shown to readers.")
    ancestors = [comment for comment in rows if comment.lft < root.lft and comment.rght > root.rght]
    subtree = [comment for comment in rows if root.lft <= comment.lft < root.rght]
    thread = Thread(
        comments=_within_depth(subtree, root_level=root.level),
        comment_count=len(subtree),
        root_level=root.level,
        ancestors=ancestors,
        root=root,
    )
    _prepare_for_reader(reader, post, thread)
    return thread


def _within_depth(comments: list[Comment], *, root_level: int) -> list[Comment]:
    """Leave out replies deeper than FORUM_MAX_REPLY_DEPTH below the page's root.

    The deepest comment shown then offers "continue this thread", a page rooted at it.
    """
    deepest = root_level + settings.FORUM_MAX_REPLY_DEPTH
    shown = []
    for comment in comments:
        comment.continues_elsewhere = False
        if comment.level > deepest:
            # In tree order the last comment shown is this one's ancestor at the deepest level.
            shown[-1].continues_elsewhere = True
            continue
        shown.append(comment)
    return shown


def _prepare_for_reader(reader: Reader, post: Post, thread: Thread) -> None:
    """Give each comment what this reader gets: its actions, links to and from other comments, new marks."""
    comments = [*thread.ancestors, *thread.comments]
    on_page = {comment.pk: comment for comment in comments}
    _set_actions(reader, post, comments)
    _set_reference_links(reader, post, thread, on_page)
    _set_folds(thread.comments)
    _set_new_marks(reader, post, thread)


def _set_actions(reader: Reader, post: Post, comments: list[Comment]) -> None:
    user = reader.user
    reply_url = url_for_each_pk("forum:comment_reply", post.slug)
    edit_url = url_for_each_pk("forum:comment_edit", post.slug)
    remove_url = url_for_each_pk("forum:comment_remove", post.slug)
    permalink_url = url_for_each_pk("forum:comment_detail", post.slug)
    ask_to_remove_url = url_for_each_pk("moderation:ask_to_remove_comment")
    report_url = url_for_each_pk("moderation:report_comment")
    moderate_url = url_for_each_pk("moderation:comment")
    reported = _open_report_counts(post) if reader.is_moderator else {}
    for comment in comments:
        key = reader.removal_key_for(comment)
        mine = reader.wrote(comment)
        comment.is_mine = mine
        comment.permalink_url = permalink_url(comment.pk)
        comment.reply_url = reply_url(comment.pk)
        comment.ask_to_remove_url = ask_to_remove_url(comment.pk)
        # Only words readers can see are theirs to report.
        comment.report_url = report_url(comment.pk) if comment.state == Comment.State.PUBLISHED and not mine else ""
        comment.edit_url = edit_url(comment.pk) if mine and comment.can_be_edited_by(user=user, removal_key=key) else ""
        comment.remove_url = remove_url(comment.pk) if mine and not comment.is_gone else ""
        comment.removal_link = ""
        if mine and key and comment.pk == reader.just_posted:
            comment.removal_link = reader.request.build_absolute_uri(f"{comment.remove_url}?key={key}")
        comment.text_visible = comment.shows_text or (reader.is_moderator and comment.state == Comment.State.HIDDEN)
        comment.open_report_count = reported.get(comment.pk, 0)
        comment.moderation_actions = ()
        comment.moderate_url = ""
        if reader.is_moderator:
            comment.moderate_url = moderate_url(comment.pk)
            comment.moderation_actions = actions_allowed(comment, has_open_reports=bool(comment.open_report_count))


def _set_reference_links(reader: Reader, post: Post, thread: Thread, on_page: dict[int, Comment]) -> None:
    """Finish the links to earlier comments, and list under each comment who replied to it.

    Two queries at most, however long the thread: the thread's references, and
    (on a partial page only) the comments at their other ends.
    """
    pairs = list(
        Comment.refers_to.through.objects.filter(from_comment__post=post).values_list("from_comment_id", "to_comment_id")
    )
    elsewhere = {}
    if thread.is_partial:
        wanted = {pk for pair in pairs for pk in pair if pk not in on_page and (pair[0] in on_page or pair[1] in on_page)}
        if wanted:
            elsewhere = {
                comment.pk: comment
                for comment in Comment.objects.filter(pk__in=wanted).listed().select_related("author")
            }
            permalink_url = url_for_each_pk("forum:comment_detail", post.slug)
            for comment in elsewhere.values():
                comment.permalink_url = permalink_url(comment.pk)
                comment.text_visible = comment.shows_text

    def visible(pk: int) -> Comment | None:
        return on_page.get(pk) or elsewhere.get(pk)

    def href(comment: Comment) -> str:
        return f"#{comment.anchor}" if comment.pk in on_page else f"{comment.permalink_url}#{comment.anchor}"

    def describe(pk: int, candidates: int):
        target = visible(pk)
        if target is None:
            return None
        return href(target), reference_title(target, candidates)

    replied_by: dict[int, dict[int, Comment]] = {}
    for comment in thread.comments:
        if comment.parent_id in on_page and comment.text_visible:
            replied_by.setdefault(comment.parent_id, {})[comment.pk] = comment
    for source_id, target_id in pairs:
        source = visible(source_id)
        if target_id in on_page and source is not None and source.text_visible:
            replied_by.setdefault(target_id, {})[source_id] = source

    for comment in on_page.values():
        comment.display_html = references.finish_links(comment.html, describe)
        comment.replied_by = [
            (href(reply), backlink_label(reply)) for _, reply in sorted(replied_by.get(comment.pk, {}).items())
        ]


def reference_title(target: Comment, candidates: int) -> str:
    """The tooltip of a link to a comment: who, when and the first words, never words readers cannot see."""
    when = f" at {target.posted_time_label}" if target.posted_at else ""
    if target.shows_text and not target.is_pending:
        summary = f"{target.author_label}{when}: “{target.first_words}”"
    else:
        summary = f"A comment{when}: {target.tombstone_text}"
    if candidates > 1:
        return f"The latest of {candidates} earlier comments posted{when}. {summary}"
    return summary


def backlink_label(comment: Comment) -> str:
    return f"{comment.author_label} {comment.posted_time_label}".strip()


def _set_folds(comments: list[Comment]) -> None:
    """Count the replies shown below each comment, for the <details> that folds them away.

    The count goes on the first reply, where the flat pass opens the fold.
    """
    open_ancestors: list[Comment] = []
    for comment in comments:
        comment.reply_count = 0
        comment.fold_label = ""
        while open_ancestors and open_ancestors[-1].level >= comment.level:
            open_ancestors.pop()
        for ancestor in open_ancestors:
            ancestor.reply_count += 1
        open_ancestors.append(comment)
    previous = None
    for comment in comments:
        if previous is not None and comment.level > previous.level:
            comment.fold_label = f"{previous.reply_count} {'reply' if previous.reply_count == 1 else 'replies'}"
        previous = comment


def _set_new_marks(reader: Reader, post: Post, thread: Thread) -> None:
    """Mark what arrived since this browser last saw the thread, each new comment linking to the next.

    A first visit marks nothing: everything would be new.
    """
    last_seen = reader.seen.get(post.pk)
    thread.newest_comment_id = max((comment.pk for comment in thread.comments), default=0)
    new_comments = []
    for comment in thread.comments:
        comment.is_new = bool(
            last_seen is not None and comment.pk > last_seen and comment.shows_text and not comment.is_mine
        )
        comment.next_new_anchor = ""
        if comment.is_new:
            new_comments.append(comment)
    for current, following in zip(new_comments, new_comments[1:]):
        current.next_new_anchor = following.anchor
    thread.new_comments = new_comments


def _open_report_counts(post) -> Counter:
    return Counter(Report.objects.open().filter(comment__post=post).values_list("comment_id", flat=True))


def url_for_each_pk(viewname: str, *args):
    """reverse() once and fill in each comment's pk, which ends every comment route."""
    prefix, suffix = reverse(viewname, args=[*args, 0]).rsplit("/0/", 1)
    return lambda pk: f"{prefix}/{pk}/{suffix}"
