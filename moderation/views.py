from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from forum.models import Comment, Post, PostSection
from forum.throttle import Throttle, client_ip

from . import services
from .forms import RemovalRequestForm


@require_http_methods(["GET", "POST"])
def ask_to_remove_comment(request, pk):
    """Anyone: ask the moderators to take a comment down (for authors who cannot prove it is theirs)."""
    comment = get_object_or_404(
        Comment.objects.not_pending().select_related("post", "author"),
        pk=pk,
        post__in=Post.objects.published(),
    )
    return _ask_to_remove(request, target={"comment": comment}, post=comment.post, gone=comment.is_gone)


@require_http_methods(["GET", "POST"])
def ask_to_remove_section(request, pk):
    """Anyone: ask the moderators to take down a piece of a post, such as a letter quoted in it."""
    section = get_object_or_404(
        PostSection.objects.select_related("post"), pk=pk, post__in=Post.objects.published()
    )
    return _ask_to_remove(
        request, target={"section": section}, post=section.post, gone=section.removed_at_authors_request
    )


def _ask_to_remove(request, *, target: dict, post, gone: bool):
    context = {**target, "post": post, "gone": gone}
    if gone:
        return render(request, "moderation/ask_to_remove.html", context, status=410)
    form = RemovalRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not Throttle("removal-request-ip", settings.FORUM_REMOVAL_REQUESTS_PER_IP, 60 * 60).attempt(
            client_ip(request)
        ):
            form.add_error(None, "Too many requests from here in the last hour. Please try again later.")
            return render(request, "moderation/ask_to_remove.html", {**context, "form": form}, status=429)
        services.removal_request_create(requested_by=request.user, **target, **form.cleaned_data)
        messages.success(request, "Your request is with the moderators. Nothing changes until one of them grants it.")
        return redirect(next(iter(target.values())).get_absolute_url())
    status = 400 if form.errors else 200
    return render(request, "moderation/ask_to_remove.html", {**context, "form": form}, status=status)
