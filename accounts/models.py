"""The site's user: known to readers by a handle, unique whatever its case."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower

handle_validator = RegexValidator(
    r"^[A-Za-z0-9_-]{3,30}\Z",
    "A handle is 3 to 30 letters, digits, underscores or hyphens.",
)


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
        validators=[handle_validator],
        help_text="3 to 30 letters, digits, underscores or hyphens. Shown beside your comments.",
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

    def get_full_name(self) -> str:
        return self.handle

    def get_short_name(self) -> str:
        return self.handle
