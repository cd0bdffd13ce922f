from collections import Counter
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from moderation import defence
from moderation.models import Report
from moderation.policy import rules_for
from moderation.services import actions_allowed

from . import identity, services
from .forms import CommentForm, CommentTextForm
from .models import Comment, Post
from .selectors import thread_for_readers
from .throttle import Throttle, client_ip, storable_ip


def post_list(request):
    """Anyone: published posts, newest first, a page at a time."""
    posts = Post.objects.published().with_comment_counts().newest_first()
    page = Paginator(posts, settings.FORUM_POSTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "forum/post_list.html", {"page": page})


def post_detail(request, slug):
    """Anyone: a post with its whole thread and the comment form."""
    post = get_object_or_404(Post.objects.published(), slug=slug)
    return _render_post(request, post, _comment_form(request))


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
        if offered_key and throttle.is_exceeded(address):
            return render(request, "forum/removal_link_throttled.html", status=429)
        comment = (
            Comment.objects.select_related("post", "author")
            .filter(pk=pk, post__slug=slug, post__in=Post.objects.published())
            .first()
        )
        key = offered_key or identity.removal_keys_from(request).get(pk, "")
        if comment is not None and comment.is_authored_by(user=request.user, removal_key=key):
            response = view(request, comment=comment, removal_key=key, offered_key=offered_key)
        elif offered_key:
            throttle.record(address)
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
            edited = services.comment_edit(comment=comment, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if edited.is_pending:
                messages.info(request, "Your changes are saved. The comment waits for a moderator; until then only you can see it.")
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
        services.comment_remove_by_author(comment=comment)
        messages.success(request, "Your comment is removed. Its words are gone from the site.")
        response = redirect(comment.get_absolute_url())
        identity.forget_removal_key(request, response, comment_id=comment.pk)
        return response
    return render(
        request, "forum/comment_remove.html", {"comment": comment, "post": comment.post, "offered_key": offered_key}
    )


def _comment_form(request) -> CommentForm:
    return CommentForm(request.POST or None, user=request.user, remembered_name=identity.name_from(request))


def _removal_key_throttle() -> Throttle:
    return Throttle("removal-key-ip", settings.FORUM_REMOVAL_KEY_FAILURES_PER_IP, 15 * 60)


def _render_post(request, post, form, status=200):
    keys = identity.removal_keys_from(request)
    is_moderator = request.user.has_perm("moderation.moderate_comments")

    def sees_held(comment):
        return is_moderator or comment.is_authored_by(user=request.user, removal_key=keys.get(comment.pk, ""))

    comments = thread_for_readers(post, sees_held=sees_held)
    just_posted = identity.just_posted_from(request)
    _prepare_for_reader(request, post, comments, keys=keys, just_posted=just_posted, is_moderator=is_moderator)
    context = {
        "post": post,
        "sections": list(post.sections.all()),
        "comments": comments,
        "form": form,
        "rules": rules_for(post),
        "can_set_policy": post.can_have_policy_set_by(request.user),
    }
    response = render(request, "forum/post_detail.html", context, status=status)
    if just_posted:
        identity.forget_just_posted(response)
    return response


def _prepare_for_reader(
    request, post, comments: list[Comment], *, keys: dict, just_posted: int | None, is_moderator: bool
) -> None:
    """Give each comment what this reader gets: reply, report, ask to remove, edit and remove their own,
    and for moderators the text of hidden comments and the moderation actions.

    Every attribute is set on every comment: reversing URLs per comment, and
    the template's lookups of missing attributes, were half the page's time (make bench).
    """
    user = request.user
    reply_url = _url_for_each_pk("forum:comment_reply", post.slug)
    edit_url = _url_for_each_pk("forum:comment_edit", post.slug)
    remove_url = _url_for_each_pk("forum:comment_remove", post.slug)
    ask_to_remove_url = _url_for_each_pk("moderation:ask_to_remove_comment")
    report_url = _url_for_each_pk("moderation:report_comment")
    moderate_url = _url_for_each_pk("moderation:comment")
    reported = _open_report_counts(post) if is_moderator else {}
    for comment in comments:
        key = keys.get(comment.pk, "")
        mine = (comment.author_id is not None or key) and comment.is_authored_by(user=user, removal_key=key)
        comment.reply_url = reply_url(comment.pk)
        comment.ask_to_remove_url = ask_to_remove_url(comment.pk)
        # Only words readers can see are theirs to report.
        comment.report_url = report_url(comment.pk) if comment.state == Comment.State.PUBLISHED and not mine else ""
        comment.edit_url = edit_url(comment.pk) if mine and comment.can_be_edited_by(user=user, removal_key=key) else ""
        comment.remove_url = remove_url(comment.pk) if mine and not comment.is_gone else ""
        comment.removal_link = ""
        if mine and key and comment.pk == just_posted:
            comment.removal_link = request.build_absolute_uri(f"{comment.remove_url}?key={key}")
        comment.text_visible = comment.shows_text or (is_moderator and comment.state == Comment.State.HIDDEN)
        comment.open_report_count = reported.get(comment.pk, 0)
        comment.moderation_actions = ()
        comment.moderate_url = ""
        if is_moderator:
            comment.moderate_url = moderate_url(comment.pk)
            comment.moderation_actions = actions_allowed(comment, has_open_reports=bool(comment.open_report_count))


def _open_report_counts(post) -> Counter:
    return Counter(Report.objects.open().filter(comment__post=post).values_list("comment_id", flat=True))


def _url_for_each_pk(viewname: str, *args):
    """reverse() once and fill in each comment's pk, which ends every comment route."""
    prefix, suffix = reverse(viewname, args=[*args, 0]).rsplit("/0/", 1)
    return lambda pk: f"{prefix}/{pk}/{suffix}"


def _publish(request, form, *, post, parent=None):
    """Post the comment, then remember in this browser what lets its author find it again.

    Returns the redirect, or None when the post is refused (a ban, a flood,
    closed comments): the refusal is then on the form, with the text kept.
    """
    removal_key = "" if form.posts_as_member else identity.new_removal_key()
    # Posters without an account are counted per browser, and anonymous ones tagged by it.
    device = "" if form.posts_as_member else identity.device_for_posting(request)
    address = client_ip(request)
    refusal = defence.posting_refusal(
        user=request.user, author_name=form.cleaned_data["author_name"], address=address, device=device
    )
    if refusal:
        form.refuse(refusal.message, status=refusal.status)
        return None
    try:
        comment = services.comment_post(
            post=post,
            parent=parent,
            text=form.cleaned_data["text"],
            anon_device=device if form.posts_anonymously else "",
            removal_key=removal_key,
            ip_address=storable_ip(address),
            **form.author_fields(),
        )
    except ValidationError as error:
        form.refuse(" ".join(error.messages), status=403)
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
    if removal_key:
        identity.remember_removal_key(request, response, comment_id=comment.pk, key=removal_key)
        identity.remember_just_posted(response, comment_id=comment.pk)
    if device:
        identity.remember_device(response, device)
    if comment.author_name:
        identity.remember_name(response, comment.author_name)
    return response
