"""Posts, their ordered sections, and the threaded comments under them."""

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils.functional import cached_property
from django.urls import reverse
from django.utils import timezone
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

from .sanitiser import text_to_html

COMMENT_MAX_LENGTH = 10_000
SECTION_MAX_LENGTH = 100_000
AUTHOR_NAME_MAX_LENGTH = 50

no_nul_bytes = ProhibitNullCharactersValidator()


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts whose publication date has come; later dates are scheduled."""
        return self.filter(published_on__lte=timezone.localdate())

    def newest_first(self):
        return self.order_by("-published_on", "-pk")

    def with_comment_counts(self):
        """Annotate `comment_count`: what readers see in the thread, tombstones included."""
        return self.annotate(
            comment_count=Count("comments", filter=~Q(comments__state=Comment.State.PENDING))
        )


class Post(models.Model):
    title = models.CharField(max_length=200, validators=[no_nul_bytes])
    slug = models.SlugField(max_length=200, unique=True)
    published_on = models.DateField(default=timezone.localdate)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="edited_posts",
        help_text="The editor who published the post. Empty for imported posts.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:post_detail", kwargs={"slug": self.slug})


class PostSection(models.Model):
    """One piece of a post's body: the editor's text or a piece a reader sent in."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(default=0)
    body = models.TextField(
        blank=True, validators=[MaxLengthValidator(SECTION_MAX_LENGTH), no_nul_bytes]
    )
    body_html = models.TextField(blank=True, editable=False)
    removed_at_authors_request = models.BooleanField(
        default=False,
        help_text="The text is erased and readers see “Removed at author's request.”",
    )

    REMOVED_TEXT = "Removed at author's request."

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["post", "position"], name="forum_section_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.post} § {self.position}"

    def set_body(self, body: str) -> None:
        self.body = body
        self.body_html = text_to_html(body)

    def remove_at_authors_request(self) -> None:
        """Erase the words, not just hide them."""
        self.removed_at_authors_request = True
        self.set_body("")

    def clean(self) -> None:
        if self.removed_at_authors_request and self.body:
            raise ValidationError({"body": "A removed section keeps no text."})
        if not self.removed_at_authors_request and not self.body.strip():
            raise ValidationError({"body": "A section needs some text."})


class CommentQuerySet(TreeQuerySet):
    def in_thread_order(self):
        return self.order_by("tree_id", "lft")

    def not_pending(self):
        return self.exclude(state=Comment.State.PENDING)


class Comment(MPTTModel):
    class State(models.TextChoices):
        PUBLISHED = "published", "Published"
        PENDING = "pending", "Awaiting moderation"
        HIDDEN = "hidden", "Hidden by a moderator"
        REMOVED_BY_AUTHOR = "removed_by_author", "Removed by the author"
        REMOVED_BY_MODERATOR = "removed_by_moderator", "Removed by a moderator"

    GONE_STATES = frozenset({State.REMOVED_BY_AUTHOR, State.REMOVED_BY_MODERATOR})
    TOMBSTONES = {
        State.HIDDEN: "This comment has been hidden by a moderator.",
        State.REMOVED_BY_AUTHOR: "This comment has been removed by the author.",
        State.REMOVED_BY_MODERATOR: "This comment has been removed by a moderator.",
    }

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = TreeForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
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
        validators=[no_nul_bytes],
        help_text="An unregistered display name. Empty with no author means Anonymous.",
    )
    text = models.TextField(
        blank=True, validators=[MaxLengthValidator(COMMENT_MAX_LENGTH), no_nul_bytes]
    )
    # Sanitised once when the text is written; pages never sanitise on read.
    html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Empty for comments imported without a known time.",
    )
    state = models.CharField(max_length=24, choices=State.choices, default=State.PUBLISHED)

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
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.post_id}"

    def get_absolute_url(self) -> str:
        return f"{self.post.get_absolute_url()}#c{self.pk}"

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

    @property
    def posted_date_label(self) -> str:
        return f"{self.posted_at.day} {self.posted_at:%B %Y}" if self.posted_at else ""

    @property
    def posted_time_label(self) -> str:
        return f"{self.posted_at:%H:%M}" if self.posted_at else ""

    @property
    def author_label(self) -> str:
        if self.author_id:
            return self.author.handle
        return self.author_name or "Anonymous"

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
    def accepts_replies(self) -> bool:
        return self.state == self.State.PUBLISHED

    def set_text(self, text: str) -> None:
        self.text = text
        self.html = text_to_html(text)

    def clean(self) -> None:
        errors = {}
        if self.author_id and self.author_name:
            errors["author_name"] = "A comment is either under a handle or under a typed name, not both."
        if self.is_gone and self.text:
            errors["text"] = "A removed comment keeps no text."
        if not self.is_gone and not self.text.strip():
            errors["text"] = "Write something before posting."
        if self.parent_id and self.post_id and self.parent.post_id != self.post_id:
            errors["parent"] = "A reply belongs to the same post as its parent."
        if errors:
            raise ValidationError(errors)
