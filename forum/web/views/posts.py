"""Reading: the home page, labels, a post with a page of its thread (shared and cached for most readers)."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.safestring import mark_safe

from forum.lib import cookies
from forum.lib.inputs import page_number
from forum.models import Label, Post
from forum.threads import assemble, marks, pagecache, responses
from forum.threads.reader import Reader
from forum.web.forms import CommentForm
from moderation.policy import rules_for


def post_list(request):
    """Anyone: published posts, newest first, a page at a time."""
    posts = Post.objects.published().articles().newest_first().prefetch_related("sections")
    return render(request, "forum/post_list.html", {"page": _page_of_posts(request, posts)})


def favicon(request):
    """Anyone: the icon, for feed readers and browsers that ask /favicon.ico before reading a page's <link rel=icon>."""
    return HttpResponsePermanentRedirect(static("forum/favicon.svg"))


def label_detail(request, slug):
    """Anyone: the published posts filed under a label, newest first, a page at a time."""
    label = get_object_or_404(Label, slug=slug)
    posts = label.posts.published().articles().newest_first().prefetch_related("sections")
    return render(request, "forum/label_detail.html", {"label": label, "page": _page_of_posts(request, posts)})


def _page_of_posts(request, posts):
    return Paginator(posts, settings.FORUM_POSTS_PER_PAGE).get_page(page_number(request.GET.get("page")))


def post_detail(request, slug):
    """Anyone: a post with its whole thread and the comment form."""
    post = get_object_or_404(Post.objects.published(), slug=slug)
    return render_post(request, post)


def comment_form(request) -> CommentForm:
    return CommentForm(request.POST or None, user=request.user, remembered_name=cookies.name_from(request))


def render_post(request, post, form=None, status=200):
    """The post with a page of its thread: from the shared cache for readers with nothing of their own in it.

    `form` is the comment form as posted (with its errors); None builds an empty one when needed.
    """
    reader = Reader(request)
    sort = request.GET.get("sort") if request.GET.get("sort") in assemble.SORT_CHOICES else assemble.OLDEST_FIRST
    number = page_number(request.GET.get("page"))
    rules = rules_for(post)
    if status != 200 or not pagecache.shares_page(reader, post):
        shown = assemble.thread_page(reader, post, sort=sort, page_number=number)
        html = _post_page_html(request, post, form or comment_form(request), rules, shown)
        html = marks.mark_new(html, readable_ids=shown.readable_ids, last_seen=reader.seen.get(post.pk))
        response = HttpResponse(html, status=status)
        # Not compressed: this page may reflect what was typed (errors) or carry a secret (the removal link).
        responses.finish(response)
        after_reading(reader, response, post, shown.newest_comment_id)
        return response
    return _shared_post_page(request, reader, post, form, rules=rules, sort=sort, number=number)


def _shared_post_page(request, reader, post, form, *, rules, sort: str, number: int):
    """The page every reader without anything of their own gets: a 304, the cached copy, or one built and kept."""
    key = pagecache.key_for(post.pk, sort=sort, page=number)
    stamp = pagecache.stamp_for(post, rules=rules)
    last_seen = reader.seen.get(post.pk)
    page = None
    head = pagecache.get_head(key, stamp=stamp)
    if head is not None:
        etag = responses.etag_for(stamp, request, page_key=key, new_state=_new_state(head, last_seen))
        not_modified = responses.not_modified(request, etag=etag, last_modified=head.built_at)
        if not_modified is not None:
            return not_modified
        page = pagecache.get(key, stamp=stamp)
    if page is None:
        shown = assemble.thread_page(reader, post, sort=sort, page_number=number)
        form = form or comment_form(request)
        form.fresh_stamp = lambda: marks.STAMP_SLOT
        html = _post_page_html(
            request, post, form, rules, shown, csrf_token=marks.CSRF_SLOT, paused_slot=mark_safe(marks.PAUSED_SLOT)
        )
        page = pagecache.CachedPage.of(
            html, stamp=stamp, readable_ids=shown.readable_ids, newest_comment_id=shown.newest_comment_id
        )
        pagecache.store(key, page, address=(post.slug, sort, number))
        etag = responses.etag_for(stamp, request, page_key=key, new_state=_new_state(page, last_seen))
    response = responses.respond(page, key, request, last_seen=last_seen)
    responses.finish(response, etag=etag, last_modified=page.built_at)
    after_reading(reader, response, post, page.newest_comment_id)
    return response


def _new_state(page, last_seen) -> str:  # page: the CachedPage or its PageHead
    """What the "new" marks depend on: none on a first visit, nor once the browser has seen everything."""
    return str(last_seen) if page.has_new_for(last_seen) else ""


def _post_page_html(request, post, form, rules, shown, **extra) -> str:
    context = {
        "post": post,
        "post_head": pagecache.post_head(post),  # .html and .description
        "thread": shown,
        "sort_choices": assemble.SORT_CHOICES,
        "form": form,
        "rules": rules,
        "can_set_policy": post.can_have_policy_set_by(request.user),
        "is_following": post.is_followed_by(request.user),
        "new_since_visit_slot": mark_safe(marks.NEW_SINCE_VISIT_SLOT),
        **extra,
    }
    return render_to_string("forum/post_detail.html", context, request=request)


def after_reading(reader, response, post, newest_comment_id: int) -> None:
    seen = reader.seen.get(post.pk)
    if newest_comment_id and (seen is None or newest_comment_id > seen):
        cookies.remember_seen(reader.request, response, post_id=post.pk, comment_id=newest_comment_id)
    if reader.just_posted:
        cookies.forget_just_posted(response)
