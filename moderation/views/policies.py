"""A post's comment policy, for moderators and the editor who published it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from forum.models import Post
from moderation.forms import PostPolicyForm
from moderation.models import ModerationLogEntry, ModerationSettings
from moderation.policy import rules_for
from moderation.services import policies as policy_service
from moderation.views.shared import submitted


@require_http_methods(["GET", "POST"])
def post_policy(request, slug):
    """Moderators, and the editor who published the post: choose what happens to its new comments."""
    post = get_object_or_404(Post, slug=slug)
    if not post.can_have_policy_set_by(request.user):
        raise PermissionDenied
    form = PostPolicyForm(
        submitted(request),
        initial={"policy": post.comment_policy},
        site_default=ModerationSettings.current().default_policy,
    )
    if request.method == "POST" and form.is_valid():
        policy_service.post_policy_set(post=post, moderator=request.user, **form.cleaned_data)
        messages.success(request, "The comment policy is saved.")
        return redirect("moderation:post_policy", slug=post.slug)
    context = {
        "post": post,
        "form": form,
        "rules": rules_for(post),
        "log_entries": ModerationLogEntry.objects.filter(post=post).select_related("moderator").newest_first()[:20],
    }
    return render(request, "moderation/post_policy.html", context, status=400 if form.errors else 200)
