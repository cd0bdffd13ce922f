"""The site's user: known to readers by a handle, unique whatever its case."""

import re

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from accounts.names import name_refusal_reason, name_skeleton

HANDLE_REGEX = r"^[A-Za-z0-9_-]{3,30}\Z"
HANDLE_PATTERN = re.compile(HANDLE_REGEX)
handle_validator = RegexValidator(
    HANDLE_REGEX,
    "A handle is 3 to 30 letters, digits, underscores or hyphens.",
)


def validate_handle_is_free(handle: str) -> None:
    reason = name_refusal_reason(handle)
    if reason:
        raise ValidationError(reason, code="reserved")


class HandleUserManager(UserManager):
    """Creates users by handle and finds them whatever case the handle is typed in."""

    def get_by_natural_key(self, handle):
        return self.get(handle__iexact=handle)

    def _create_user_object(self, handle, email, password, **extra_fields):
        user = self.model(handle=handle, email=self.normalize_email(email), **extra_fields)
        user.password = ""
        user.set_password(password)
        return user

    def _create_user(self, handle, email, password, **extra_fields):
        user = self._create_user_object(handle, email, password, **extra_fields)
        user.full_clean()
        user.save(using=self._db)
        return user

    def create_user(self, handle, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(handle, email, password, **extra_fields)

    def create_superuser(self, handle, email=None, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(handle, email, password, **extra_fields)


class User(AbstractUser):
    # The handle replaces Django's username: it is what readers see and what people log in with.
    username = None
    first_name = None
    last_name = None
    handle = models.CharField(
        max_length=30,
        unique=True,
        error_messages={"unique": "That handle is already taken."},
        validators=[handle_validator, validate_handle_is_free],
        help_text="3 to 30 letters, digits, underscores or hyphens. Shown beside your comments.",
    )
    # The handle's skeleton (accounts.names): unique, so no two members look
    # alike, and typed names on the comment form are checked against it.
    handle_key = models.CharField(
        max_length=30,
        unique=True,
        blank=True,
        editable=False,
        error_messages={"unique": "That handle is taken, or looks too like one that is."},
    )

    email_on_replies = models.BooleanField(
        "Email me when someone replies to my comments",
        default=False,
        help_text="Replies are gathered into one email now and then, never one email per reply.",
    )
    email_on_decisions = models.BooleanField(
        "Email me when moderators decide something about my comments or my account",
        default=True,
        help_text="With the reason they gave; gathered with reply emails. Your account page shows them too.",
    )

    USERNAME_FIELD = "handle"
    REQUIRED_FIELDS = ["email"]

    objects = HandleUserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("handle"),
                name="accounts_user_handle_unique_ci",
                violation_error_message="That handle is already taken.",
            )
        ]

    def __str__(self) -> str:
        return self.handle

    def clean(self) -> None:
        super().clean()
        self.handle_key = name_skeleton(self.handle)

    def save(self, *args, **kwargs):
        # Also here, for writes that skip clean(): the key must never go stale.
        self.handle_key = name_skeleton(self.handle)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"handle": self.handle})

    def get_full_name(self) -> str:
        return self.handle

    def get_short_name(self) -> str:
        return self.handle
