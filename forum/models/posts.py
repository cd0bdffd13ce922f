"""Posts and pages, their ordered sections, the labels they are filed under, and where their thread's pages begin."""

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from forum.lib.paging import Plan, plan_pages
from forum.lib.people import can_moderate
from forum.lib.sanitiser import plain_text, post_html_to_html, text_to_html
from forum.params import refuse_control_characters, refuse_control_characters_in_line

SECTION_MAX_LENGTH = 100_000


# A post's opening on the home page.
OPENING_WORDS = 45


OPENING_CHARACTERS = 280


# What readers see where words were taken down at their author's request, as on the blog.
REMOVED_AT_AUTHORS_REQUEST_TEXT = "Removed at author's request."
# A page plan is rebuilt by the change that moves it (Post.replan); this only bounds a forgotten one.
PLAN_CACHE_SECONDS = 24 * 60 * 60


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
    # for idempotent imports, and its old address for permanent redirects (forum.archives.legacy).
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
    # Kept current by forum.threads.fragments in the transaction of every change a reader can see:
    # the home page reads the count and the latest comment's time instead of working them out,
    # and cached pages key on the version.
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    latest_comment_at = models.DateTimeField(null=True, blank=True, editable=False)
    thread_version = models.PositiveBigIntegerField(default=1, editable=False)
    # Pages of the thread oldest first (forum.lib.paging): with one, a comment's link needs no lookup.
    page_count = models.PositiveIntegerField(default=1, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:post_detail", kwargs={"slug": self.slug})

    def page_plan(self, *, newest_first: bool = False) -> Plan:
        """Where the thread's pages begin as it is now (forum.lib.paging), kept in the cache per thread version."""
        key = self._plan_key(self.thread_version, newest_first)
        plan = cache.get(key)
        if plan is None:
            plan = self._planned(newest_first=newest_first)
            cache.set(key, plan, PLAN_CACHE_SECONDS)
        return plan

    def replan(self) -> Plan:
        """The thread just changed (in this transaction, which read this post's new thread_version): its pages
        oldest first, kept for its first reader."""
        plan = self._planned(newest_first=False)
        key = self._plan_key(self.thread_version, False)
        transaction.on_commit(lambda: cache.set(key, plan, PLAN_CACHE_SECONDS))
        return plan

    def page_url(self, pk: int, *, tree_id: int, lft: int) -> str:
        """The address of the thread page (oldest first) that shows the comment at (tree_id, lft)."""
        page = self.page_plan().page_of(tree_id, lft) if self.page_count > 1 else 1
        return f"{self.get_absolute_url()}{f'?page={page}' if page > 1 else ''}#c{pk}"

    def _plan_key(self, thread_version: int, newest_first: bool) -> str:
        return f"forum:pages:{self.pk}:{thread_version}:{int(newest_first)}:{settings.FORUM_COMMENTS_PER_PAGE}"

    def _planned(self, *, newest_first: bool) -> Plan:
        # Each conversation's size from its top-level row alone (a tree of n comments has rght = 2n).
        roots = self.comments.filter(level=0).order_by("-tree_id" if newest_first else "tree_id")
        return plan_pages(
            ((tree_id, rght // 2) for tree_id, rght in roots.values_list("tree_id", "rght")),
            per_page=settings.FORUM_COMMENTS_PER_PAGE,
            newest_first=newest_first,
            comments_in=lambda tree_id: list(
                self.comments.filter(tree_id=tree_id).order_by("lft").values_list("lft", flat=True)
            ),
        )

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
        if can_moderate(user):
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
