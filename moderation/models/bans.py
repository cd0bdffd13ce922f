"""Bans: keeping an account, a typed name or an address from posting."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from forum.params import refuse_control_characters_in_line
from moderation.models.queue import LOG_REASON_MAX_LENGTH


class BanQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(lifted_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class Ban(models.Model):
    """Keeps an account, an unregistered name or an address from posting, until it expires or is lifted."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", "Account"
        NAME = "name", "Unregistered name"
        ADDRESS = "address", "IP address"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # SET_NULL: the ban and its log entry outlive a deleted account ("a deleted account").
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="bans"
    )
    # The name's skeleton (accounts.names), so look-alike spellings are banned too.
    name_key = models.CharField(max_length=100, blank=True)
    name_shown = models.CharField(max_length=50, blank=True)
    # A keyed hash: the address itself is never stored with a ban.
    address_hash = models.CharField(max_length=64, blank=True)
    reason = models.CharField(
        max_length=LOG_REASON_MAX_LENGTH,
        blank=True,
        validators=[refuse_control_characters_in_line],
        help_text="Shown to the banned poster.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: until lifted.")
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = BanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="account", name_key="", address_hash="")
                | Q(kind="name", user__isnull=True, address_hash="") & ~Q(name_key="")
                | Q(kind="address", user__isnull=True, name_key="") & ~Q(address_hash=""),
                name="moderation_ban_one_subject",
                violation_error_message="A ban is on one account, one name or one address.",
            )
        ]

    def __str__(self) -> str:
        return f"Ban {self.pk}: {self.subject_label}"

    @property
    def subject_label(self) -> str:
        if self.kind == self.Kind.ACCOUNT:
            return f"account {self.user.handle}" if self.user_id else "a deleted account"
        if self.kind == self.Kind.NAME:
            return f"the name “{self.name_shown}”"
        return f"an IP address (…{self.address_hash[-6:]})"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None and (self.expires_at is None or self.expires_at > timezone.now())
