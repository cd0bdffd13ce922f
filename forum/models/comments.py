"""Threaded comments: each top-level comment roots its own django-mptt tree; states, names and permission questions."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from accounts.names import name_skeleton
from forum.lib.dates import long_date
from forum.lib.keys import removal_key_matches
from forum.lib.references import count_reference_links, finish_links, minute_of_day, unlinked
from forum.lib.sanitiser import plain_text, text_to_html
from forum.models.posts import REMOVED_AT_AUTHORS_REQUEST_TEXT, Post, opening_of
from forum.params import refuse_control_characters, refuse_control_characters_in_line

COMMENT_MAX_LENGTH = 10_000
AUTHOR_NAME_MAX_LENGTH = 50
EXCERPT_WORDS = 12
EXCERPT_CHARACTERS = 90


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
            author_name_key="",
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
    # Where the words were, when no decision in the moderation log says more (forum.threads.markup.tombstone_text).
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
    # thread (forum.lib.cookies), and the longer code it is a prefix of, which
    # tells two people apart when their short tags collide.
    anon_tag = models.CharField(max_length=12, blank=True, editable=False)
    anon_fingerprint = models.CharField(max_length=32, blank=True, editable=False)
    # For moderators only (moderation.identity): the typed name's skeleton, so look-alike spellings of one
    # name are one person, and a keyed hash of the poster's device cookie, so one browser's anonymous
    # comments in different threads are one person. The hash goes with the address, after
    # FORUM_IDENTITY_RETENTION_DAYS; readers' per-thread tags stay unlinkable.
    # Room for folding that spells a character out as many ("ﬃ" is "ffi").
    author_name_key = models.CharField(max_length=1000, blank=True, editable=False)
    device_hash = models.CharField(max_length=64, blank=True, editable=False)
    # A hash of the secret that lets an unregistered author edit or remove the comment.
    removal_key_hash = models.CharField(max_length=64, blank=True, editable=False)
    text = models.TextField(blank=True, validators=[MaxLengthValidator(COMMENT_MAX_LENGTH), refuse_control_characters])
    # Sanitised once when the text is written; pages never sanitise on read.
    html = models.TextField(blank=True, editable=False)
    # The comment as every reader sees it (forum.threads.fragments), rebuilt by each change
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
    # Earlier comments this one mentions by time, tag or handle (forum.lib.references).
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
            # A commenter's page (moderation.people) finds one person's comments by any of these.
            models.Index(
                fields=["author_name_key"], condition=~models.Q(author_name_key=""), name="forum_comment_name_key"
            ),
            models.Index(fields=["device_hash"], condition=~models.Q(device_hash=""), name="forum_comment_device"),
            models.Index(
                fields=["ip_address"], condition=models.Q(ip_address__isnull=False), name="forum_comment_address"
            ),
            # The moderation queue's count, on every moderator's page: the few held among the many.
            models.Index(fields=["state"], condition=models.Q(state="pending"), name="forum_comment_held"),
            # Where a thread's pages begin (forum.lib.paging) reads each conversation's size from its
            # top-level row alone: without this, every row of a 10,000-comment thread is read.
            models.Index(
                fields=["post", "tree_id", "rght"], condition=models.Q(level=0), name="forum_comment_conversations"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} on “{self.post.title}”"

    def get_absolute_url(self) -> str:
        """The comment on its page of the whole thread, oldest first (Post.page_url), so the link lands on it.

        A reply nested deeper than a page shows (FORUM_MAX_REPLY_DEPTH) is on the
        page of its ancestor where "continue this thread" leads.
        """
        depth = settings.FORUM_MAX_REPLY_DEPTH
        if self.level > depth:
            shown_under = (
                Comment.objects.filter(tree_id=self.tree_id, lft__lt=self.lft, rght__gt=self.rght)
                .filter(level=(self.level - 1) // depth * depth)
                .values_list("pk", flat=True)
                .first()
            )
            return f"{reverse('forum:comment_detail', args=[self.post.slug, shown_under])}#c{self.pk}"
        return self.post.page_url(self.pk, tree_id=self.tree_id, lft=self.lft)

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

    def set_author_name(self, name: str) -> None:
        """A typed name, with the skeleton that joins its look-alike spellings for moderators."""
        self.author_name = name
        self.author_name_key = name_skeleton(name) if name else ""

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
