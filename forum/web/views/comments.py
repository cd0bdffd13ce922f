"""Comment pages: posting and replying, a comment's own page and short link, and its author's edit and removal."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from forum.lib import cookies, keys
from forum.lib.inputs import parse_id
from forum.lib.limits import Throttle, client_ip, limit
from forum.models import Comment, Post
from forum.services import comments as comment_service
from forum.threads import assemble, marks
from forum.threads.reader import Reader
from forum.web.forms import CommentTextForm
from forum.web.views.posts import after_reading, comment_form, render_post
from moderation.authors import key_was_told_about
from moderation.policy import rules_for


@require_POST
def comment_create(request, slug):
    """Anyone: post a top-level comment under their handle, a typed name, or anonymously."""
    post = get_object_or_404(Post.objects.published(), slug=slug)
    form = comment_form(request)
    if form.is_valid():
        published = _publish(request, form, post=post)
        if published:
            return published
    return render_post(request, post, form, status=form.refusal_status)


@require_http_methods(["GET", "POST"])
def comment_reply(request, slug, pk):
    """Anyone: reply to a published comment (the no-JavaScript path, and where inline forms post)."""
    post = get_object_or_404(Post.objects.published(), slug=slug)
    parent = get_object_or_404(Comment.objects.listed().select_related("author"), pk=pk, post=post)
    if not parent.accepts_replies:
        return render(request, "forum/reply_closed.html", {"post": post, "parent": parent}, status=409)
    form = comment_form(request)
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
                request.checked_removal_keys = [offered_key]  # its author's notices show on the page
            response = view(request, comment=comment, removal_key=key, offered_key=offered_key)
        else:
            response = _not_the_author(request, comment, offered_key=offered_key, throttle=throttle, address=address)
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


def _not_the_author(request, comment, *, offered_key: str, throttle: Throttle, address: str):
    """The page for a key or a session that does not prove authorship: the same for every wrong key."""
    if offered_key and comment is not None and key_was_told_about(offered_key, comment_id=comment.pk):
        # A moderator erased the comment, and its key with it: what was decided is on the standing page.
        throttle.give_back(address)
        return redirect(f"{reverse('moderation:standing')}?key={offered_key}")
    if offered_key:
        return render(request, "forum/removal_link_invalid.html", status=404)
    if comment is None:
        raise Http404("No such comment.")
    return render(request, "forum/not_your_comment.html", {"comment": comment}, status=403)


def _removal_key_throttle() -> Throttle:
    return limit("removal-key-ip")


def comment_detail(request, slug, pk):
    """Anyone: one comment's permalink page, with the comments it answers and its replies."""
    post = get_object_or_404(Post.objects.published(), slug=slug)
    reader = Reader(request)
    shown = assemble.comment_page(reader, post, pk)
    context = {"post": post, "thread": shown, "root": shown.root}
    html = render_to_string("forum/comment_detail.html", context, request=request)
    html = marks.mark_new(html, readable_ids=shown.readable_ids, last_seen=reader.seen.get(post.pk))
    response = HttpResponse(html)
    after_reading(reader, response, post, shown.newest_comment_id)
    return response


def comment_permalink(request, pk):
    """Anyone: a comment's short, lasting address (its time links here), leading to its own page."""
    comment = get_object_or_404(Comment.objects.select_related("post").filter(post__in=Post.objects.published()), pk=pk)
    return redirect("forum:comment_detail", comment.post.slug, comment.pk)


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
            # The warning the poster ticked as read, when their last try showed them one.
            acknowledged_warning=parse_id(request.POST.get("acknowledged_warning")),
            **form.author_fields(),
        )
    except ValidationError as error:
        form.refuse(
            " ".join(error.messages), status=getattr(error, "status", 400), warnings=getattr(error, "warnings", ())
        )
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
