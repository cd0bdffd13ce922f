from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from forum.lib import cookies, keys
from forum.lib.inputs import page_number
from forum.lib.limits import Throttle, client_ip, limit
from forum.models import Comment, Label, Post
from forum.services import comments as comment_service
from forum.services import notifications
from forum.threads import assemble, marks, pagecache, responses
from forum.threads.reader import Reader
from forum.web import search
from forum.web.forms import CommentForm, CommentTextForm
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


def search_results(request):
    """Anyone: published posts and comments matching the words typed in the header's search box."""
    query = request.GET.get("q", "")
    page = page_number(request.GET.get("page"))
    per_page = settings.FORUM_SEARCH_RESULTS_PER_PAGE
    context = {"query": query, "page_number": page}
    if not query.strip():
        return render(request, "forum/search.html", context)
    try:
        results = search.search(query, comment_offset=(page - 1) * per_page)
    except search.SearchError as error:
        return render(request, "forum/search.html", {**context, "error": str(error)}, status=400)
    context.update(
        results=results,
        has_next=page * per_page < results.comment_total,
        posts=results.posts if page == 1 else [],
    )
    return render(request, "forum/search.html", context)


def post_detail(request, slug):
    """Anyone: a post with its whole thread and the comment form."""
    post = get_object_or_404(Post.objects.published(), slug=slug)
    return _render_post(request, post)


@require_POST
def comment_create(request, slug):
    """Anyone: post a top-level comment under their handle, a typed name, or anonymously."""
    post = get_object_or_404(Post.objects.published(), slug=slug)
    form = _comment_form(request)
    if form.is_valid():
        published = _publish(request, form, post=post)
        if published:
            return published
    return _render_post(request, post, form, status=form.refusal_status)


@require_http_methods(["GET", "POST"])
def comment_reply(request, slug, pk):
    """Anyone: reply to a published comment (the no-JavaScript path, and where inline forms post)."""
    post = get_object_or_404(Post.objects.published(), slug=slug)
    parent = get_object_or_404(Comment.objects.listed().select_related("author"), pk=pk, post=post)
    if not parent.accepts_replies:
        return render(request, "forum/reply_closed.html", {"post": post, "parent": parent}, status=409)
    form = _comment_form(request)
    if request.method == "POST" and form.is_valid():
        published = _publish(request, form, post=post, parent=parent)
        if published:
            return published
    status = form.refusal_status if request.method == "POST" else 200
    context = {"post": post, "parent": parent, "form": form, "rules": rules_for(post)}
    return render(request, "forum/comment_reply.html", context, status=status)


def comment_author_required(view):
    """Let the view run only for the comment's author: a member by session, anyone else by removal key.

    The key comes from the private link (?key=, then a hidden field) or from
    this browser's cookie. A wrong or used key gets the same page as a missing
    comment, and too many of them from one address are refused for a while.
    """

    @wraps(view)
    def wrapper(request, slug, pk):
        offered_key = request.POST.get("key") or request.GET.get("key") or ""
        address = client_ip(request)
        throttle = _removal_key_throttle()
        # Counted before the key is checked, so parallel guesses cannot slip past; a right key gives it back.
        if offered_key and not throttle.attempt(address):
            return render(request, "forum/removal_link_throttled.html", status=429)
        comment = (
            Comment.objects.select_related("post", "author")
            .filter(pk=pk, post__slug=slug, post__in=Post.objects.published())
            .first()
        )
        key = offered_key or cookies.removal_keys_from(request).get(pk, "")
        if comment is not None and comment.is_authored_by(user=request.user, removal_key=key):
            if offered_key:
                throttle.give_back(address)
            response = view(request, comment=comment, removal_key=key, offered_key=offered_key)
        elif offered_key:
            response = render(request, "forum/removal_link_invalid.html", status=404)
        elif comment is None:
            raise Http404("No such comment.")
        else:
            response = render(request, "forum/not_your_comment.html", {"comment": comment}, status=403)
        if offered_key:
            # The key is in this page's address: never send it to another site. (Not
            # "no-referrer": Chromium then sends Origin: null and the form fails CSRF.)
            response["Referrer-Policy"] = "same-origin"
        return response

    return wrapper


@require_http_methods(["GET", "POST"])
@comment_author_required
def comment_edit(request, *, comment, removal_key, offered_key):
    """The comment's author, within the edit window: rewrite it."""
    context = {"comment": comment, "post": comment.post, "offered_key": offered_key}
    if not comment.can_be_edited_by(user=request.user, removal_key=removal_key):
        # Hand back what was typed when the window closed mid-edit, so it is not lost.
        context["unsaved_text"] = request.POST.get("text", "")
        return render(request, "forum/comment_edit_closed.html", context, status=409)
    form = CommentTextForm(request.POST or None, initial={"text": comment.text})
    if request.method == "POST" and form.is_valid():
        try:
            edited = comment_service.comment_edit(comment=comment, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if edited.is_pending:
                messages.info(
                    request,
                    "Your changes are saved. The comment waits for a moderator; until then only you can see it.",
                )
            else:
                messages.success(request, "Your changes are saved.")
            return redirect(edited.get_absolute_url())
    status = 400 if form.errors else 200
    return render(request, "forum/comment_edit.html", {**context, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@comment_author_required
def comment_remove(request, *, comment, removal_key, offered_key):
    """The comment's author, at any time: erase it, leaving a tombstone and the replies."""
    if comment.is_gone:
        messages.info(request, "That comment is already removed.")
        return redirect(comment.get_absolute_url())
    if request.method == "POST":
        comment_service.comment_remove_by_author(comment=comment)
        messages.success(request, "Your comment is removed. Its words are gone from the site.")
        response = redirect(comment.get_absolute_url())
        cookies.forget_removal_key(request, response, comment_id=comment.pk)
        return response
    return render(
        request, "forum/comment_remove.html", {"comment": comment, "post": comment.post, "offered_key": offered_key}
    )


def _comment_form(request) -> CommentForm:
    return CommentForm(request.POST or None, user=request.user, remembered_name=cookies.name_from(request))


def _removal_key_throttle() -> Throttle:
    return limit("removal-key-ip")


def _render_post(request, post, form=None, status=200):
    """The post with a page of its thread: from the shared cache for readers with nothing of their own in it.

    `form` is the comment form as posted (with its errors); None builds an empty one when needed.
    """
    reader = Reader(request)
    sort = request.GET.get("sort") if request.GET.get("sort") in assemble.SORT_CHOICES else assemble.OLDEST_FIRST
    number = page_number(request.GET.get("page"))
    rules = rules_for(post)
    if status != 200 or not pagecache.shares_page(reader, post):
        shown = assemble.thread_page(reader, post, sort=sort, page_number=number)
        html = _post_page_html(request, post, form or _comment_form(request), rules, shown)
        html = marks.mark_new(html, readable_ids=shown.readable_ids, last_seen=reader.seen.get(post.pk))
        response = HttpResponse(html, status=status)
        # Not compressed: this page may reflect what was typed (errors) or carry a secret (the removal link).
        responses.finish(response)
        _after_reading(reader, response, post, shown.newest_comment_id)
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
        form = form or _comment_form(request)
        form.fresh_stamp = lambda: marks.STAMP_SLOT
        html = _post_page_html(request, post, form, rules, shown, csrf_token=marks.CSRF_SLOT)
        page = pagecache.CachedPage.of(
            html, stamp=stamp, readable_ids=shown.readable_ids, newest_comment_id=shown.newest_comment_id
        )
        pagecache.store(key, page)
        etag = responses.etag_for(stamp, request, page_key=key, new_state=_new_state(page, last_seen))
    response = responses.respond(page, key, request, last_seen=last_seen)
    responses.finish(response, etag=etag, last_modified=page.built_at)
    _after_reading(reader, response, post, page.newest_comment_id)
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


@login_required
@require_POST
def post_follow(request, slug):
    """A member: follow a post (emails about its new comments) or stop following it."""
    post = get_object_or_404(Post.objects.published(), slug=slug)
    if request.POST.get("follow") == "off":
        notifications.post_unfollow(user=request.user, post=post)
        messages.success(request, "You no longer follow this post.")
    else:
        notifications.post_follow(user=request.user, post=post)
        if request.user.email:
            messages.success(request, "You follow this post: new comments come to you by email, gathered together.")
        else:
            messages.warning(request, "You follow this post, but your account has no email address to send to.")
    return redirect(f"{post.get_absolute_url()}#comments")


# Mail programs unsubscribe with a one-click POST and no CSRF token (RFC 8058);
# the signed token in the address is what proves the link was ours.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """Whoever holds a member's emailed link: stop every notification email to that member."""
    member = notifications.user_from_unsubscribe_token(token)
    if member is None:
        return render(request, "forum/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        notifications.unsubscribe_everything(user=member)
        return render(request, "forum/unsubscribe.html", {"member": member, "done": True})
    return render(request, "forum/unsubscribe.html", {"member": member})


def comment_detail(request, slug, pk):
    """Anyone: one comment's permalink page, with the comments it answers and its replies."""
    post = get_object_or_404(Post.objects.published(), slug=slug)
    reader = Reader(request)
    shown = assemble.comment_page(reader, post, pk)
    context = {"post": post, "thread": shown, "root": shown.root}
    html = render_to_string("forum/comment_detail.html", context, request=request)
    html = marks.mark_new(html, readable_ids=shown.readable_ids, last_seen=reader.seen.get(post.pk))
    response = HttpResponse(html)
    _after_reading(reader, response, post, shown.newest_comment_id)
    return response


def comment_permalink(request, pk):
    """Anyone: a comment's short, lasting address (its time links here), leading to its own page."""
    comment = get_object_or_404(Comment.objects.select_related("post").filter(post__in=Post.objects.published()), pk=pk)
    return redirect("forum:comment_detail", comment.post.slug, comment.pk)


def _after_reading(reader, response, post, newest_comment_id: int) -> None:
    seen = reader.seen.get(post.pk)
    if newest_comment_id and (seen is None or newest_comment_id > seen):
        cookies.remember_seen(reader.request, response, post_id=post.pk, comment_id=newest_comment_id)
    if reader.just_posted:
        cookies.forget_just_posted(response)


def _publish(request, form, *, post, parent=None):
    """Post the comment, then remember in this browser what lets its author find it again.

    Returns the redirect, or None when the post is refused (a ban, a flood,
    closed comments): the refusal is then on the form, with the text kept.
    """
    removal_key = "" if form.posts_as_member else keys.new_removal_key()
    # Posters without an account are counted per browser, and anonymous ones tagged by it.
    device = "" if form.posts_as_member else cookies.device_for_posting(request)
    try:
        comment = comment_service.comment_post(
            post=post,
            parent=parent,
            text=form.cleaned_data["text"],
            anon_device=device if form.posts_anonymously else "",
            removal_key=removal_key,
            ip_address=client_ip(request),
            poster=request.user,
            device=device,
            **form.author_fields(),
        )
    except ValidationError as error:
        form.refuse(" ".join(error.messages), status=getattr(error, "status", 400))
        return None
    if comment.is_pending:
        messages.info(
            request,
            "Your comment is waiting for a moderator. Until it is approved only you can see it, "
            "marked “awaiting moderation”.",
        )
    else:
        messages.success(request, "Your comment is posted.")
    response = redirect(comment.get_absolute_url())
    _remember_author(request, response, comment, removal_key=removal_key, device=device)
    return response


def _remember_author(request, response, comment, *, removal_key: str, device: str) -> None:
    """What lets a poster without an account find, edit and remove their comment, and be known again."""
    if removal_key:
        cookies.remember_removal_key(request, response, comment_id=comment.pk, key=removal_key)
        cookies.remember_just_posted(response, comment_id=comment.pk)
    if device:
        cookies.remember_device(response, device)
    if comment.author_name:
        cookies.remember_name(response, comment.author_name)
