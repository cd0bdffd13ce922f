"""Members following posts, and the published comments waiting to be mailed to them."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from forum.models.comments import Comment
from forum.models.posts import Post


class PostFollow(models.Model):
    """A member who asked to hear about new comments on a post."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_follows")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="forum_postfollow_unique")]


class NotificationQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True)


class Notification(models.Model):
    """A published comment a member asked to hear about, waiting for the next batch email.

    Rows are written when the comment is published and sent by
    `forum.services.notifications.send_pending_notifications`, one email per member per run.
    """

    class Reason(models.TextChoices):
        REPLY = "reply", "replied to your comment"
        FOLLOWED_POST = "followed_post", "commented on a post you follow"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="notifications")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)
    # Taken by a sending run; marked sent only once the mail server has the email (forum.services.notifications).
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "comment"], name="forum_notification_once")]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="forum_notification_waiting")]
