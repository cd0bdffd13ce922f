from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm

from accounts.models import User
from accounts.names import name_skeleton
from forum.lib.limits import Throttle, client_ip, limit

# Longer than any handle or email, or any password worth hashing: refused before the database or the hasher sees it.
LOGIN_NAME_MAX_LENGTH = 254
PASSWORD_MAX_LENGTH = 4096


def login_throttles() -> tuple[Throttle, Throttle]:
    """Failed logins counted per account from one address, and per address.

    Never per account alone: then anyone could lock any member out by failing
    for their public handle (OWASP ASVS 2.2.1). The one slowed is whoever fails.
    """
    return (
        limit("login-account"),
        limit("login-ip"),
    )


class HandleFormMixin:
    """Refuses a handle that looks like a member's, whatever its case or look-alike letters."""

    def clean_handle(self) -> str:
        handle = self.cleaned_data["handle"]
        others = User.objects.filter(handle_key=name_skeleton(handle))
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("That handle is taken, or looks too like one that is.")
        return handle


class SignupForm(HandleFormMixin, BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("handle", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = "For password resets only; never shown."


class LoginForm(AuthenticationForm):
    """Django's login form, refusing further tries after too many failures from this address (for the account, or
    for any account); the refusal is answered with 429 (accounts.views.LoginView)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": "Too many failed logins from here. Wait %(minutes)s minutes and try again, or reset your password.",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if len(username) > LOGIN_NAME_MAX_LENGTH or len(self.cleaned_data.get("password") or "") > PASSWORD_MAX_LENGTH:
            raise self.get_invalid_login_error()
        address = client_ip(self.request)
        account = f"{name_skeleton(username)} from {address}"
        by_account, by_address = login_throttles()
        # Count the try before checking the password, so a burst of parallel guesses cannot
        # all pass the check before any of them is counted; a good password gives it back.
        if not by_account.attempt(account):
            raise self._throttled(by_account)
        if not by_address.attempt(address):
            by_account.give_back(account)
            raise self._throttled(by_address)
        cleaned_data = super().clean()
        by_address.give_back(address)
        # The owner got in: their earlier slips from here no longer count.
        by_account.reset(account)
        return cleaned_data

    def _throttled(self, throttle) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages["throttled"], code="throttled", params={"minutes": throttle.window_minutes}
        )


class DeleteAccountForm(forms.Form):
    KEEP = "keep"
    REMOVE = "remove"

    comments = forms.ChoiceField(
        label="Your comments",
        widget=forms.RadioSelect,
        choices=[
            (
                REMOVE,
                "Remove them: each becomes “This comment has been removed by the author.” and the replies to it stay.",
            ),
            (
                KEEP,
                "Keep them up under “[deleted account]”. Nobody will be able to remove them "
                "for you afterwards except the moderators, on request.",
            ),
        ],
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To confirm it is you.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password

    @property
    def keeps_comments(self) -> bool:
        return self.cleaned_data["comments"] == self.KEEP


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["email_on_replies", "email_on_decisions"]
