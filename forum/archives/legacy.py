"""The old blog's addresses, answered with permanent redirects to the same words here.

Readers bookmarked and shared the blog's addresses for years: a post
(/2020/10/at-odds-with-the-evidence.html), one comment on it
(…html?showComment=1603998720123, the comment's time in milliseconds),
a page (/p/about.html), the feeds (/feeds/posts/default, ?alt=rss too;
/feeds/comments/default; /feeds/<post id>/comments/default; a label's,
/feeds/posts/default/-/HMPPS), a label (/search/label/HMPPS) and a search (/search?q=probation). Imported posts
keep their old address and archive id (Post.legacy_path, Post.legacy_id),
which is what these are looked up by; any other imported address (a
WordPress permalink) is found by its path alone.

Only requests that would otherwise be a 404 are looked at, so an old
address can never shadow a page of this site.
"""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse

from forum.archives.records import path_variants
from forum.lib.inputs import parse_id
from forum.models import Comment, Label, Post
from forum.params import has_control_characters, strip_control_characters

_LABEL_FEED = re.compile(r"^/feeds/posts/(?:default|full|summary)/-/(?P<name>[^/]+)/?$")
_POSTS_FEED = re.compile(r"^/feeds/posts/(?:default|full|summary)/?$")
_COMMENTS_FEED = re.compile(r"^/feeds/comments/(?:default|full|summary)/?$")
_POST_COMMENTS_FEED = re.compile(r"^/feeds/(?P<post_id>[0-9]{1,24})/comments/(?:default|full|summary)/?$")
_LABEL = re.compile(r"^/search/label/(?P<name>[^/]+)/?$")
_SEARCH = re.compile(r"^/search/?$")
MAX_SEARCH_LENGTH = 1000  # the search page answers a long query itself; this only bounds the redirect


def legacy_address(path: str, query) -> str | None:
    """Where an old address's words are now, or None when it names nothing we have."""
    if has_control_characters(path, multiline=False):
        return None  # no stored address has them, and PostgreSQL refuses a NUL in a query
    if match := _LABEL_FEED.match(path):
        label = Label.objects.named(match["name"])
        return reverse("forum:label_feed", args=[label.slug]) if label else None
    if _POSTS_FEED.match(path):
        return reverse("forum:posts_feed")
    if _COMMENTS_FEED.match(path):
        return reverse("forum:comments_feed")
    if match := _POST_COMMENTS_FEED.match(path):
        post = Post.objects.published().filter(legacy_id=f"blogger:{match['post_id']}").first()
        return reverse("forum:post_comments_feed", args=[post.slug]) if post else None
    if match := _LABEL.match(path):
        label = Label.objects.named(match["name"])
        return label.get_absolute_url() if label else None
    if _SEARCH.match(path):
        words = strip_control_characters(query.get("q", ""))[:MAX_SEARCH_LENGTH]
        # Blogger's "older posts" links are searches by date: the home page lists them.
        return f"{reverse('forum:search')}?{urlencode({'q': words})}" if words else reverse("forum:post_list")
    return _imported_page(path, query)


def _imported_page(path: str, query) -> str | None:
    post = Post.objects.published().filter(legacy_path__in=path_variants(path)).order_by("pk").first()
    if post is None:
        return None
    milliseconds = parse_id(query.get("showComment", ""))
    if milliseconds is not None:
        comment = _comment_posted_at(post, milliseconds)
        if comment is not None:
            return comment.get_absolute_url()
    return post.get_absolute_url()


def _comment_posted_at(post: Post, milliseconds: int) -> Comment | None:
    """Blogger names a comment in links by its posting time in milliseconds."""
    try:
        moment = datetime.fromtimestamp(milliseconds / 1000, tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None
    rows = Comment.objects.listed().filter(
        post=post,
        created_at__gte=moment - timedelta(microseconds=500),
        created_at__lt=moment + timedelta(milliseconds=1),
    )
    comment = rows.order_by("created_at", "pk").first()
    if comment is not None:
        comment.post = post
    return comment


class LegacyAddressMiddleware:
    """Turn a 404 for an old blog address into a permanent redirect to where its words are now."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        target = legacy_address(request.path_info, request.GET)
        return HttpResponsePermanentRedirect(target) if target else response
