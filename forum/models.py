"""Posts, their ordered sections, and the threaded comments under them."""

import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from forum.lib.dates import long_date
from forum.lib.keys import removal_key_matches
from forum.lib.references import count_reference_links, finish_links, minute_of_day, unlinked
from forum.lib.sanitiser import plain_text, post_html_to_html, text_to_html
from forum.params import refuse_control_characters, refuse_control_characters_in_line

COMMENT_MAX_LENGTH = 10_000
SECTION_MAX_LENGTH = 100_000
AUTHOR_NAME_MAX_LENGTH = 50
EXCERPT_WORDS = 12
EXCERPT_CHARACTERS = 90
# A post's opening on the home page.
OPENING_WORDS = 45
OPENING_CHARACTERS = 280
# What readers see where words were taken down at their author's request, as on the blog.
REMOVED_AT_AUTHORS_REQUEST_TEXT = "Removed at author's request."


def opening_of(text: str, *, words: int, characters: int) -> str:
    """The first `words` words of a text, cut between words to at most `characters`, with … if there is more."""
    all_words = text.split()
    short = " ".join(all_words[:words])
    if len(short) > characters:
        short = short[:characters].rsplit(" ", 1)[0]
    return short + ("…" if short != " ".join(all_words) else "")


def opening_lines(sections) -> str:
    """The start of a post's first part still up, as plain text: its excerpt on the home page and
    its page's description for search engines."""
    for section in sections:
        if not section.removed_at_authors_request:
            return opening_of(section.plain_text, words=OPENING_WORDS, characters=OPENING_CHARACTERS)
    return ""


class CommentPolicy(models.TextChoices):
    """What happens to a new comment: the site's default, or a post's own choice."""

    PUBLISH = "publish", "Publish immediately"
    HOLD_UNREGISTERED = "hold_unregistered", "Hold anonymous and unregistered comments for approval"
    HOLD_ALL = "hold_all", "Hold every comment for approval"
    CLOSED = "closed", "Comments closed"


class LabelQuerySet(models.QuerySet):
    def named(self, name: str) -> "Label | None":
        """The label called exactly `name`, else one differing only in case ("hmpps" in an old link)."""
        return self.filter(name=name).first() or self.filter(name__iexact=name).first()


class Label(models.Model):
    """A topic the editors file posts under, as the blog's labels were ("HMPPS")."""

    name = models.CharField(max_length=100, unique=True, validators=[refuse_control_characters_in_line])
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=True)

    objects = LabelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:label_detail", kwargs={"slug": self.slug})


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts and pages whose publication date has come; later dates are scheduled."""
        return self.filter(published_on__lte=timezone.localdate())

    def articles(self):
        """Dated posts, for the home page, labels and the posts feed; not the blog's standing pages."""
        return self.filter(kind=Post.Kind.POST)

    def newest_first(self):
        return self.order_by("-published_on", "-pk")


class Post(models.Model):
    class Kind(models.TextChoices):
        POST = "post", "Post"
        PAGE = "page", "Page (a standing page such as “About”, not listed with the posts)"

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.POST)
    title = models.CharField(max_length=200, validators=[refuse_control_characters_in_line])
    slug = models.SlugField(max_length=200, unique=True)
    published_on = models.DateField(default=timezone.localdate)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="The exact publication time, when known (imported posts)."
    )
    byline = models.CharField(
        max_length=100,
        blank=True,
        validators=[refuse_control_characters_in_line],
        help_text="The author as the old blog named them, for imported posts.",
    )
    labels = models.ManyToManyField(Label, blank=True, related_name="posts")
    # Where an imported post came from: the archive's entry id (prefixed by its format)
    # for idempotent imports, and its old address for permanent redirects (forum.legacy).
    legacy_id = models.CharField(max_length=200, null=True, blank=True, unique=True, editable=False)
    legacy_path = models.CharField(max_length=300, blank=True, db_index=True, editable=False)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="edited_posts",
        help_text="The editor who published the post. Empty for imported posts.",
    )
    comment_policy = models.CharField(
        max_length=20,
        choices=CommentPolicy.choices,
        blank=True,
        help_text="Empty: the site-wide default set under Moderation settings.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Kept current by forum.fragments in the transaction of every change a reader can see:
    # the home page reads the count and the latest comment's time instead of working them out,
    # and cached pages key on the version.
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    latest_comment_at = models.DateTimeField(null=True, blank=True, editable=False)
    thread_version = models.PositiveBigIntegerField(default=1, editable=False)
    # Pages of the thread oldest first (forum.paging): with one, a comment's link needs no lookup.
    page_count = models.PositiveIntegerField(default=1, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:post_detail", kwargs={"slug": self.slug})

    @property
    def opening_lines(self) -> str:
        """The home page's excerpt. Reads `sections` (prefetch it for a list)."""
        return opening_lines(self.sections.all())

    @property
    def is_page(self) -> bool:
        return self.kind == self.Kind.PAGE

    @property
    def comments_closed_by_age(self) -> bool:
        """Comments close by themselves FORUM_CLOSE_COMMENTS_AFTER_DAYS after publication (if set)."""
        days = settings.FORUM_CLOSE_COMMENTS_AFTER_DAYS
        return days is not None and timezone.localdate() > self.published_on + timedelta(days=days)

    def is_followed_by(self, user) -> bool:
        return user.is_authenticated and self.follows.filter(user=user).exists()

    def can_have_policy_set_by(self, user) -> bool:
        """Moderators on every post; an editor on the posts they published."""
        if user.has_perm("moderation.moderate_comments"):
            return True
        return user.is_authenticated and self.editor_id == user.pk and user.has_perm("forum.change_post")


class PostSection(models.Model):
    """One piece of a post's body: the editor's text or a piece a reader sent in."""

    class Format(models.TextChoices):
        TEXT = "text", "Text (paragraphs, and the few tags comments allow)"
        HTML = "html", "HTML (headings, lists, images; sanitised for posts)"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(default=0)
    body = models.TextField(blank=True, validators=[MaxLengthValidator(SECTION_MAX_LENGTH), refuse_control_characters])
    body_format = models.CharField(max_length=8, choices=Format.choices, default=Format.TEXT)
    body_html = models.TextField(blank=True, editable=False)
    removed_at_authors_request = models.BooleanField(
        default=False,
        help_text="The text is erased and readers see “Removed at author's request.”",
    )
    heading = models.CharField(max_length=200, blank=True, validators=[refuse_control_characters_in_line])
    credit = models.CharField(
        max_length=100,
        blank=True,
        validators=[refuse_control_characters_in_line],
        help_text="Who sent the piece in, as they asked to be credited: shown as “Sent in by …”.",
    )
    offers_removal_requests = models.BooleanField(
        default=False,
        verbose_name="offer “Ask to remove”",
        help_text="Let readers ask for this part to be taken down, as a quoted letter's writer might. "
        "A piece credited to a reader offers it anyway.",
    )

    REMOVED_TEXT = REMOVED_AT_AUTHORS_REQUEST_TEXT

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["post", "position"], name="forum_section_position_unique")]

    def __str__(self) -> str:
        return f"{self.name} in “{self.post.title}”"

    @property
    def name(self) -> str:
        """How people name a part of a post: its heading, who sent it in, or the editors' own text."""
        if self.removed_at_authors_request:
            return "A part removed at its author's request"
        if self.heading:
            return f"“{self.heading}”"
        if self.credit:
            return f"The piece sent in by {self.credit}"
        return "The editors' text"

    def get_absolute_url(self) -> str:
        return f"{self.post.get_absolute_url()}#section-{self.position}"

    @property
    def plain_text(self) -> str:
        return plain_text(self.body_html)

    @property
    def takes_removal_requests(self) -> bool:
        """Readers may ask to take down a piece sent in (it is its writer's), or a part the editors chose;
        not the editors' own words, nor what is already gone."""
        return not self.removed_at_authors_request and bool(self.credit or self.offers_removal_requests)

    def set_body(self, body: str) -> None:
        self.body = body
        self.body_html = post_html_to_html(body) if self.body_format == self.Format.HTML else text_to_html(body)

    def remove_at_authors_request(self) -> None:
        """Erase the words, not just hide them; the heading and the credit are the sender's too."""
        self.removed_at_authors_request = True
        self.heading = ""
        self.credit = ""
        self.set_body("")

    def clean(self) -> None:
        if self.removed_at_authors_request and self.body:
            raise ValidationError({"body": "A removed section keeps no text."})
        if not self.removed_at_authors_request and not self.body.strip():
            raise ValidationError({"body": "A section needs some text."})


class CommentQuerySet(TreeQuerySet):
    def in_thread_order(self):
        return self.order_by("tree_id", "lft")

    def listed(self):
        """Comments that have a place in the thread, as text or tombstone: not held, not rejected."""
        return self.exclude(state__in=Comment.UNLISTED_STATES)

    def pending(self):
        return self.filter(state=Comment.State.PENDING)

    def oldest_first(self):
        return self.order_by("created_at", "pk")

    def published(self):
        """Comments whose words readers can read, on posts that are out."""
        return self.filter(state=Comment.State.PUBLISHED, post__published_on__lte=timezone.localdate())

    def newest_first(self):
        return self.order_by("-created_at", "-pk")

    def erase(self, *, state: str) -> int:
        """Take the words and the name they appeared under out of the database, leaving a tombstone."""
        if state not in Comment.GONE_STATES:
            raise ValueError(f"{state!r} is not a state that erases a comment.")
        erased_ids = list(self.values_list("pk", flat=True))
        # Words that are gone point at nothing: their "replied to by" back-links go too.
        Comment.refers_to.through.objects.filter(from_comment_id__in=erased_ids).delete()
        return self.update(
            state=state,
            text="",
            html="",
            author_name="",
            author_url="",
            anon_tag="",
            anon_fingerprint="",
            removal_key_hash="",
        )


class Comment(MPTTModel):
    class State(models.TextChoices):
        PUBLISHED = "published", "Published"
        PENDING = "pending", "Awaiting moderation"
        HIDDEN = "hidden", "Hidden by a moderator"
        REMOVED_BY_AUTHOR = "removed_by_author", "Removed by the author"
        REMOVED_BY_MODERATOR = "removed_by_moderator", "Removed by a moderator"
        REMOVED_AT_AUTHORS_REQUEST = "removed_at_request", "Removed at the author's request"
        REJECTED = "rejected", "Rejected by a moderator"
        # Spam and worse: no tombstone, not counted (one with replies keeps a tombstone over them instead).
        PURGED = "purged", "Purged by a moderator"
        # Deleted on the old blog; the archive does not say by whom.
        REMOVED_BEFORE_IMPORT = "removed_before_import", "Removed before the archive was imported"

    # States whose words are erased from the database.
    GONE_STATES = frozenset(
        {
            State.REMOVED_BY_AUTHOR,
            State.REMOVED_BY_MODERATOR,
            State.REMOVED_AT_AUTHORS_REQUEST,
            State.REJECTED,
            State.PURGED,
            State.REMOVED_BEFORE_IMPORT,
        }
    )
    # States readers never see, not even as a tombstone; replies below them are hidden too.
    UNLISTED_STATES = frozenset({State.PENDING, State.REJECTED, State.PURGED})
    EDITABLE_STATES = frozenset({State.PUBLISHED, State.PENDING})
    # Where the words were, when no decision in the moderation log says more (forum.fragments.tombstone).
    TOMBSTONES = {
        State.HIDDEN: "This comment has been hidden by a moderator.",
        State.REMOVED_BY_AUTHOR: "This comment has been removed by the author.",
        State.REMOVED_BY_MODERATOR: "This comment has been removed by a moderator.",
        State.REMOVED_AT_AUTHORS_REQUEST: REMOVED_AT_AUTHORS_REQUEST_TEXT,
        State.REMOVED_BEFORE_IMPORT: "Removed before this archive was imported.",
    }

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = TreeForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        help_text="Set when a registered user posted under their handle.",
    )
    author_name = models.CharField(
        max_length=AUTHOR_NAME_MAX_LENGTH,
        blank=True,
        validators=[refuse_control_characters_in_line],
        help_text="An unregistered display name. Empty with no author means Anonymous.",
    )
    author_url = models.URLField(
        max_length=300,
        blank=True,
        validators=[refuse_control_characters_in_line],
        help_text="An imported commenter's profile or web address, linked from their name as the old blog did.",
    )
    author_account_deleted = models.BooleanField(
        default=False,
        help_text="The author deleted their account and chose to leave this comment up.",
    )
    # Anonymous comments: a short tag, the same for one browser throughout one
    # thread (forum.identity), and the longer code it is a prefix of, which
    # tells two people apart when their short tags collide.
    anon_tag = models.CharField(max_length=12, blank=True, editable=False)
    anon_fingerprint = models.CharField(max_length=32, blank=True, editable=False)
    # A hash of the secret that lets an unregistered author edit or remove the comment.
    removal_key_hash = models.CharField(max_length=64, blank=True, editable=False)
    text = models.TextField(blank=True, validators=[MaxLengthValidator(COMMENT_MAX_LENGTH), refuse_control_characters])
    # Sanitised once when the text is written; pages never sanitise on read.
    html = models.TextField(blank=True, editable=False)
    # The comment as every reader sees it (forum.fragments), rebuilt by each change
    # that alters it; a version older than FRAGMENT_VERSION is rebuilt when next read.
    fragment = models.TextField(blank=True, editable=False)
    fragment_version = models.PositiveSmallIntegerField(default=0, editable=False)
    # The posting time's minute of the day on the site's clock, for "@anon 19:12" lookups.
    posted_minute = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Empty for comments imported without a known time.",
    )
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Kept for abuse handling and IP bans only, never shown to moderators, and
    # dropped after FORUM_IP_RETENTION_DAYS by `manage.py purge_ip_addresses`.
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    state = models.CharField(max_length=24, choices=State.choices, default=State.PUBLISHED)
    # The archive entry an imported comment came from (prefixed by its format): imports are idempotent.
    legacy_id = models.CharField(max_length=200, null=True, blank=True, unique=True, editable=False)
    # Earlier comments this one mentions by time, tag or handle (forum.references).
    refers_to = models.ManyToManyField(
        "self", symmetrical=False, related_name="referred_by", blank=True, editable=False
    )

    # mptt's TreeManager (rebuild(), tree-aware inserts) with our reads on it.
    objects = TreeManager.from_queryset(CommentQuerySet)()

    class MPTTMeta:
        order_insertion_by: list[str] = []

    class Meta:
        # mptt's own index is not written to migrations; the thread read and
        # every tree update walk (tree_id, lft), so declare them here.
        indexes = [
            models.Index(fields=["tree_id", "lft"], name="forum_comment_tree_lft"),
            models.Index(fields=["post", "tree_id", "lft"], name="forum_comment_thread"),
            models.Index(fields=["post", "posted_minute"], name="forum_comment_minute"),
            models.Index(fields=["post", "anon_tag"], name="forum_comment_anon_tag"),
            # The moderation queue's count, on every moderator's page: the few held among the many.
            models.Index(fields=["state"], condition=models.Q(state="pending"), name="forum_comment_held"),
            # Where a thread's pages begin (forum.paging) reads each conversation's size from its
            # top-level row alone: without this, every row of a 10,000-comment thread is read.
            models.Index(
                fields=["post", "tree_id", "rght"], condition=models.Q(level=0), name="forum_comment_conversations"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} on “{self.post.title}”"

    def get_absolute_url(self) -> str:
        """The comment on its page of the whole thread (forum.paging), so the link lands on it."""
        from forum.lib.paging import thread_url

        return thread_url(self)

    @property
    def anchor(self) -> str:
        return f"c{self.pk}"

    @cached_property
    def posted_at(self) -> datetime | None:
        """The posting time in the site's time zone (None when imported without one).

        Pages format it with plain strftime: Django's date filter, three times
        per comment, was the thread page's largest cost (make bench).
        """
        return timezone.localtime(self.created_at) if self.created_at else None

    @cached_property
    def posted_date_label(self) -> str:
        return long_date(self.posted_at)

    @cached_property
    def posted_time_label(self) -> str:
        return f"{self.posted_at:%H:%M}" if self.posted_at else ""

    @property
    def name(self) -> str:
        """How readers name a comment: who and when ("Anon·K7Q at 19:12, 24 November 2026"). Erased
        words keep only their time; database ids stay in addresses."""
        who = "A removed comment" if self.is_gone else self.author_label
        if not self.posted_at:
            return who if self.is_gone else f"A comment by {who}"
        return f"{who} at {self.posted_time_label}, {self.posted_date_label}"

    @property
    def takes_removal_requests(self) -> bool:
        """Only words readers can read can be asked off the site: not hidden, held or gone ones."""
        return self.state == self.State.PUBLISHED

    @property
    def author_kind(self) -> str:
        """member, name, anonymous or deleted: pages render each differently."""
        if self.author_id:
            return "member"
        if self.author_account_deleted:
            return "deleted"
        if self.author_name:
            return "name"
        return "anonymous"

    @property
    def author_kind_label(self) -> str:
        return {"member": "a member", "name": "a name typed without an account", "deleted": "a deleted account"}.get(
            self.author_kind, "anonymous"
        )

    @property
    def author_label(self) -> str:
        if self.author_id:
            return self.author.handle
        if self.author_account_deleted:
            return "[deleted account]"
        if self.author_name:
            return self.author_name
        return f"Anon·{self.anon_tag}" if self.anon_tag else "Anonymous"

    @property
    def is_gone(self) -> bool:
        return self.state in self.GONE_STATES

    @property
    def shows_text(self) -> bool:
        return self.state in (self.State.PUBLISHED, self.State.PENDING)

    @property
    def tombstone_text(self) -> str:
        return self.TOMBSTONES.get(self.state, "")

    @property
    def has_links(self) -> bool:
        """Links out of the site. The sanitiser turns typed addresses into anchors too,
        so the stored HTML tells; links to earlier comments do not count."""
        return self.html.count("<a ") > count_reference_links(self.html)

    @property
    def first_words(self) -> str:
        """The opening of the comment as plain words (no tags as typed), for tooltips and emails that point at it."""
        return opening_of(plain_text(self.html), words=EXCERPT_WORDS, characters=EXCERPT_CHARACTERS)

    @property
    def html_without_reference_links(self) -> str:
        """The words alone, for pages that quote a comment outside its thread."""
        return finish_links(self.html, unlinked)

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING

    @property
    def accepts_replies(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def editable_until(self) -> datetime | None:
        if self.created_at is None:
            return None
        return self.created_at + timedelta(minutes=settings.FORUM_EDIT_WINDOW_MINUTES)

    def is_in_edit_window(self) -> bool:
        return self.editable_until is not None and timezone.now() <= self.editable_until

    def is_authored_by(self, *, user, removal_key: str = "") -> bool:
        """A member by their session; anyone else by the removal key made when they posted."""
        if self.author_id is not None:
            return user.is_authenticated and user.pk == self.author_id
        return removal_key_matches(removal_key, self.removal_key_hash)

    def can_be_edited_by(self, *, user, removal_key: str = "") -> bool:
        return (
            self.state in self.EDITABLE_STATES
            and self.is_in_edit_window()
            and self.is_authored_by(user=user, removal_key=removal_key)
        )

    def can_be_removed_by(self, *, user, removal_key: str = "") -> bool:
        return not self.is_gone and self.is_authored_by(user=user, removal_key=removal_key)

    def set_text(self, text: str) -> None:
        self.text = text
        self.html = text_to_html(text)

    def save(self, *args, **kwargs):
        self.posted_minute = minute_of_day(self.created_at)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "created_at" in update_fields:
            kwargs["update_fields"] = {*update_fields, "posted_minute"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.author_id and self.author_name:
            errors["author_name"] = "A comment is either under a handle or under a typed name, not both."
        if self.author_url and not self.author_name:
            errors["author_url"] = "Only a comment under a typed name links to its author's address."
        if self.author_url and not self.author_url.lower().startswith(("http://", "https://")):
            errors["author_url"] = "An author's address starts with http:// or https://."
        if self.author_id and self.author_account_deleted:
            errors["author"] = "A comment under a live account cannot be marked as from a deleted one."
        if self.is_gone and self.text:
            errors["text"] = "A removed comment keeps no text."
        if not self.is_gone and not self.text.strip():
            errors["text"] = "Write something before posting."
        if self.parent_id and self.post_id and self.parent.post_id != self.post_id:
            errors["parent"] = "A reply belongs to the same post as its parent."
        if errors:
            raise ValidationError(errors)


class PostFollow(models.Model):
    """A member who asked to hear about new comments on a post."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_follows")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="forum_postfollow_unique")]


class NotificationQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True)


class Notification(models.Model):
    """A published comment a member asked to hear about, waiting for the next batch email.

    Rows are written when the comment is published and sent by
    `forum.services.notifications.send_pending_notifications`, one email per member per run.
    """

    class Reason(models.TextChoices):
        REPLY = "reply", "replied to your comment"
        FOLLOWED_POST = "followed_post", "commented on a post you follow"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="notifications")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "comment"], name="forum_notification_once")]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="forum_notification_waiting")]


class SubmissionQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(state=Submission.State.WAITING)

    def oldest_first(self):
        return self.order_by("submitted_at", "pk")


class Submission(models.Model):
    """A piece a reader sent the editors for publication, until an editor publishes or declines it."""

    class Credit(models.TextChoices):
        HANDLE = "handle", "My handle"
        NAME = "name", "A name I give"
        ANONYMOUS = "anonymous", "Anonymous"

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting for an editor"
        PUBLISHED = "published", "Published"
        DECLINED = "declined", "Declined"

    title = models.CharField(max_length=200, validators=[refuse_control_characters_in_line])
    text = models.TextField(validators=[MaxLengthValidator(SECTION_MAX_LENGTH), refuse_control_characters])
    credit = models.CharField(max_length=12, choices=Credit.choices, default=Credit.ANONYMOUS)
    credit_name = models.CharField(
        max_length=AUTHOR_NAME_MAX_LENGTH, blank=True, validators=[refuse_control_characters_in_line]
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=12, choices=State.choices, default=State.WAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    section = models.OneToOneField(
        PostSection, on_delete=models.SET_NULL, null=True, blank=True, related_name="submission"
    )
    # The piece was published as a post of its own, whose title is the sender's words too.
    created_post = models.BooleanField(default=False, editable=False)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        permissions = [("review_submissions", "Can read pieces sent in and publish or decline them")]

    def __str__(self) -> str:
        return self.title

    @property
    def credit_label(self) -> str:
        """How the published piece names its sender."""
        if self.credit == self.Credit.HANDLE and self.sender_id:
            return self.sender.handle
        if self.credit == self.Credit.NAME and self.credit_name:
            return self.credit_name
        return "Anonymous"

    @property
    def is_waiting(self) -> bool:
        return self.state == self.State.WAITING

    def clean(self) -> None:
        if self.credit == self.Credit.HANDLE and not self.sender_id:
            raise ValidationError({"credit": "Log in to be credited under your handle."})
        if self.credit == self.Credit.NAME and not self.credit_name.strip():
            raise ValidationError({"credit_name": "Give the name to credit you under."})
        if not self.text.strip():
            raise ValidationError({"text": "The piece needs some text."})


class ScheduledJob(models.Model):
    """When a periodic job (forum.jobs) is next due, claimed by one worker at a time; the last run's outcome."""

    name = models.CharField(max_length=50, primary_key=True)
    next_run_at = models.DateTimeField()
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return self.name


class SettingsRow(models.Model):
    """Site-wide choices in one row, edited in the admin and read by every page. Kept in the cache,
    dropped on save, and re-read at least every minute (a per-process cache cannot hear another
    process's save)."""

    CACHE_KEY = ""  # each kind of settings names its own
    CACHE_SECONDS = 60

    class Meta:
        abstract = True

    @classmethod
    def current(cls):
        row = cache.get(cls.CACHE_KEY)
        if row is None:
            row, _ = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, row, cls.CACHE_SECONDS)
        return row

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # At once for this request, and again at commit: another process may cache the old row meanwhile.
        cache.delete(self.CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(self.CACHE_KEY))


class SiteSettings(SettingsRow):
    """The site's name and what it is about, edited in the admin: the header, page titles, feeds,
    emails and search engines' snippets use them."""

    CACHE_KEY = "forum:site-settings"

    name = models.CharField(max_length=80, default="Forum", validators=[refuse_control_characters_in_line])
    description = models.CharField(
        max_length=300,
        default="A moderated discussion forum: readers answer the editors' posts, anonymously or under a handle.",
        validators=[refuse_control_characters_in_line],
        help_text="One or two sentences: shown on the home page, in the feeds and to search engines.",
    )

    class Meta:
        verbose_name = verbose_name_plural = "site settings"

    def __str__(self) -> str:
        return "Site settings"

    @property
    def stamp(self) -> str:
        """Changes when what pages show of the settings changes (cached pages hold it in their stamp);
        the same in every process."""
        return hashlib.sha256(f"{self.name}\n{self.description}".encode()).hexdigest()[:12]
