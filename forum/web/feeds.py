"""Atom feeds: new posts, recent comments everywhere, and one post's comments. Published words only."""

from datetime import datetime, time

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from forum.models import Comment, Label, Post, SiteSettings
from forum.params import strip_control_characters


def _xml_safe(value):
    return strip_control_characters(value) if isinstance(value, str) else value


class XmlSafeAtom1Feed(Atom1Feed):
    """Atom that never breaks on stored text: XML 1.0 cannot carry control characters, so they are dropped."""

    def __init__(self, *args, **kwargs):
        super().__init__(
            *(_xml_safe(value) for value in args), **{key: _xml_safe(value) for key, value in kwargs.items()}
        )

    def add_item(self, *args, **kwargs):
        super().add_item(
            *(_xml_safe(value) for value in args), **{key: _xml_safe(value) for key, value in kwargs.items()}
        )


class _AtomFeed(Feed):
    feed_type = XmlSafeAtom1Feed
    author_name = "The editors"


class LatestPostsFeed(_AtomFeed):
    def title(self):
        return f"{SiteSettings.current().name}: new posts"

    def subtitle(self):
        return SiteSettings.current().description

    def link(self):
        return reverse("forum:post_list")

    def posts(self):
        return (
            Post.objects.published()
            .articles()
            .newest_first()
            .select_related("editor")
            .prefetch_related("sections", "labels")
        )

    def items(self):
        return self.posts()[: settings.FORUM_FEED_ITEMS]

    def item_title(self, post):
        return post.title

    def item_description(self, post):
        return "".join(
            f"<p><em>{section.REMOVED_TEXT}</em></p>" if section.removed_at_authors_request else section.body_html
            for section in post.sections.all()
        )

    def item_pubdate(self, post):
        if post.published_at:  # imported posts keep the time the old blog gave them
            return post.published_at
        # A post carries a date, not a time: it comes out at the start of that day, in the site's time zone.
        return datetime.combine(post.published_on, time.min, tzinfo=timezone.get_current_timezone())

    def item_updateddate(self, post):
        return self.item_pubdate(post)

    def item_author_name(self, post):
        return post.editor.handle if post.editor else post.byline or self.author_name

    def item_categories(self, post):
        return [label.name for label in post.labels.all()]


class LabelPostsFeed(LatestPostsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Label, slug=slug)

    def title(self, label):
        return f"{SiteSettings.current().name}: posts labelled “{label.name}”"

    def subtitle(self, label):
        return f"New posts under the label “{label.name}”."

    def link(self, label):
        return label.get_absolute_url()

    def items(self, label):
        return self.posts().filter(labels=label)[: settings.FORUM_FEED_ITEMS]


class RecentCommentsFeed(_AtomFeed):
    def title(self):
        return f"{SiteSettings.current().name}: recent comments"

    subtitle = "The newest comments on every post."

    def link(self):
        return reverse("forum:post_list")

    def comments(self):
        # Imported comments without a known time cannot be dated, so they stay out of feeds.
        return (
            Comment.objects.published().filter(created_at__isnull=False).select_related("post", "author").newest_first()
        )

    def items(self):
        return self.comments()[: settings.FORUM_FEED_ITEMS]

    def item_title(self, comment):
        return f"{comment.name} on “{comment.post.title}”"

    def item_link(self, comment):
        return reverse("forum:comment_detail", args=[comment.post.slug, comment.pk]) + f"#{comment.anchor}"

    def item_description(self, comment):
        return comment.html_without_reference_links

    def item_pubdate(self, comment):
        return comment.created_at

    def item_updateddate(self, comment):
        return comment.edited_at or comment.created_at

    def item_author_name(self, comment):
        return comment.author_label


class PostCommentsFeed(RecentCommentsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Post.objects.published(), slug=slug)

    def title(self, post):
        return f"Comments on “{post.title}”"

    def subtitle(self, post):
        return f"{SiteSettings.current().name}: the newest comments on this post."

    def link(self, post):
        return post.get_absolute_url()

    def items(self, post):
        return self.comments().filter(post=post)[: settings.FORUM_FEED_ITEMS]
