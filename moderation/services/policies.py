"""A post's own comment policy, set by moderators or the editor who published it."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from forum.models import CommentPolicy, Post
from forum.threads import changes
from moderation.services.log import log_action
from moderation.transitions import Action


def post_policy_set(*, post: Post, policy: str, moderator, reason: str = "", note: str = "") -> Post:
    """Give a post its own comment policy ("" returns it to the site default)."""
    if policy and policy not in CommentPolicy.values:
        raise ValidationError(f"“{policy}” is not a comment policy.")
    if not post.can_have_policy_set_by(moderator):
        raise PermissionDenied("Only moderators, and the editor who published a post, set its comment policy.")
    with transaction.atomic():
        current = Post.objects.select_for_update().get(pk=post.pk)
        if current.comment_policy == policy:
            return current
        current.comment_policy = policy
        current.save(update_fields=["comment_policy"])
        changes.posts_changed(Post.objects.filter(pk=current.pk))
        detail = CommentPolicy(policy).label if policy else "The site's default"
        log_action(action=Action.SET_POLICY, moderator=moderator, post=current, reason=reason, note=note, detail=detail)
    return current
