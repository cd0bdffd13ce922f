import hashlib
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache

from accounts.selectors import unregistered_name_refusal
from forum.lib.keys import FORM_STAMP_MAX_AGE_SECONDS, FORM_STAMP_SALT, form_stamp
from forum.models import AUTHOR_NAME_MAX_LENGTH, COMMENT_MAX_LENGTH, SECTION_MAX_LENGTH, Post, Submission
from forum.params import refuse_control_characters, refuse_control_characters_in_line


class CommentTextForm(forms.Form):
    """The words of a comment: what an author writes and, within the edit window, rewrites."""

    text = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX_LENGTH,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 5}),
        # Crispy renders help text as HTML, so it names the tags without angle brackets.
        help_text="Plain text; a blank line starts a new paragraph and web addresses become links. "
        "The HTML tags b, i, em, strong, a and blockquote work as on Blogger.",
        error_messages={"required": "Write something before posting."},
    )


def _spent_stamp_key(stamp: str) -> str:
    return "forum:spent-form-stamp:" + hashlib.sha256(stamp.encode()).hexdigest()


class CommentForm(CommentTextForm):
    """A comment or reply, posted under the member's handle, a typed name, or as Anonymous.

    Two traps for scripts, each refused with a message a person can act on: a
    field hidden from people (`website`), and a form sent back faster than
    anyone types (the signed `form_stamp`, rendered by the template).
    """

    AS_MEMBER = "member"
    AS_NAME = "name"
    AS_ANONYMOUS = "anonymous"

    identity = forms.ChoiceField(
        label="Post as",
        required=False,
        widget=forms.RadioSelect,
        help_text="An anonymous comment shows a tag such as Anon·K7Q. It stays the same for you "
        "throughout this post’s comments and differs on every other post. A cookie in this browser "
        "keeps it: clear your cookies, or use another browser, and you get a new tag.",
    )
    author_name = forms.CharField(
        label="Name",
        required=False,
        max_length=AUTHOR_NAME_MAX_LENGTH,
        validators=[refuse_control_characters_in_line],
        help_text="Used when you post under a name. It cannot be a member’s handle or look like one.",
    )

    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    field_order = ["identity", "author_name", "text", "website"]
    # What a refused post answers with; posting checks beyond the form (bans, limits) raise it.
    refusal_status = 400

    def __init__(self, *args, user, remembered_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.remembered_name = remembered_name
        choices = [(self.AS_NAME, "A name, without an account"), (self.AS_ANONYMOUS, "Anonymous")]
        if user.is_authenticated:
            choices.insert(0, (self.AS_MEMBER, f"{user.handle}, your handle"))
            initial = self.AS_MEMBER
        else:
            initial = self.AS_NAME if remembered_name else self.AS_ANONYMOUS
        self.fields["identity"].choices = choices
        self.fields["identity"].initial = initial
        self.fields["author_name"].initial = remembered_name

    def clean_identity(self) -> str:
        # A form sent without a choice (an old page, a script) means what its name field says.
        if self.cleaned_data["identity"]:
            return self.cleaned_data["identity"]
        return self.AS_NAME if self.data.get("author_name", "").strip() else self.AS_ANONYMOUS

    def clean_author_name(self) -> str:
        name = self.cleaned_data["author_name"].strip()
        identity = self.cleaned_data.get("identity")
        if identity != self.AS_NAME:
            # A name this browser filled in means nothing; a newly typed one with another
            # choice is a slip either way, so ask rather than guess.
            if name and identity and name != self.remembered_name:
                raise forms.ValidationError(
                    "You typed a name but chose to post another way. Choose “A name, without an account” "
                    "to post under it, or empty the name."
                )
            return ""
        if not name:
            raise forms.ValidationError("Type the name to post under, or choose Anonymous.")
        reason = unregistered_name_refusal(name)
        if reason:
            raise forms.ValidationError(f"{reason} Choose another name, or post as Anonymous.")
        return name

    def clean(self):
        cleaned = super().clean()
        if self.data.get("website"):
            raise forms.ValidationError(
                "The hidden field “Leave this field empty” was filled in, which is what spam scripts do. "
                "If you are a person, empty it and post again."
            )
        self._check_form_stamp()
        return cleaned

    def _check_form_stamp(self) -> None:
        minimum = settings.FORUM_MIN_FORM_SECONDS
        if not minimum:
            return
        stamp = self.data.get("form_stamp", "")
        try:
            shown_at = float(signing.loads(stamp, salt=FORM_STAMP_SALT, max_age=FORM_STAMP_MAX_AGE_SECONDS)["at"])
        except signing.SignatureExpired:
            raise forms.ValidationError(
                f"This form was opened more than {FORM_STAMP_MAX_AGE_SECONDS // 3600} hours ago. "
                "Your text is kept below: please post it again."
            ) from None
        except (signing.BadSignature, TypeError, ValueError, KeyError):
            raise forms.ValidationError(
                "This form was incomplete or out of date. Your text is kept below: please post it again."
            ) from None
        if time.time() - shown_at < minimum:
            raise forms.ValidationError(
                f"That was faster than anyone types: this form was sent back within {minimum} seconds of being "
                "shown, which is what spam scripts do. Your text is kept below: post it again."
            )
        # Spent as it is accepted, atomically, so two sends of one form cannot both pass. A
        # refused post loses nothing by it: the form comes back with a fresh stamp.
        if not cache.add(_spent_stamp_key(stamp), True, FORM_STAMP_MAX_AGE_SECONDS):
            raise forms.ValidationError(
                "This form has already been sent, and each form posts once. "
                "Your text is kept below: post it again if you meant to."
            )

    def fresh_stamp(self) -> str:
        return form_stamp()

    # Moderators' warnings to show above the form, with "I have read this" to tick before it posts.
    warnings = ()

    def refuse(self, message: str, *, status: int, warnings=()) -> None:
        """Turn the post down with a message shown above the form; what was typed stays."""
        self.add_error(None, message)
        self.refusal_status = status
        self.warnings = warnings

    @property
    def newest_warning(self):
        """The newest warning shown: ticking "I have read this" answers it and every one before it."""
        return self.warnings[-1] if self.warnings else None

    @property
    def posts_as_member(self) -> bool:
        return self.cleaned_data["identity"] == self.AS_MEMBER

    @property
    def posts_anonymously(self) -> bool:
        return self.cleaned_data["identity"] == self.AS_ANONYMOUS

    def author_fields(self) -> dict:
        """The author arguments for services.comment_post."""
        if self.posts_as_member:
            return {"author": self.user}
        return {"author_name": self.cleaned_data["author_name"]}


class SubmissionForm(forms.Form):
    """A piece sent to the editors for publication, and how its sender wants to be credited."""

    title = forms.CharField(
        max_length=200,
        validators=[refuse_control_characters_in_line],
        error_messages={"required": "Give the piece a title."},
    )
    text = forms.CharField(
        label="Your piece",
        max_length=SECTION_MAX_LENGTH,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Plain text; a blank line starts a new paragraph. The editors may use it as a section of a post.",
        error_messages={"required": "Write the piece before sending it."},
    )
    credit = forms.ChoiceField(label="Credit me as", widget=forms.RadioSelect)
    credit_name = forms.CharField(
        label="Name to credit",
        required=False,
        max_length=AUTHOR_NAME_MAX_LENGTH,
        validators=[refuse_control_characters_in_line],
        help_text="Used when you choose to be credited under a name. It cannot be a member’s handle or look like one.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        choices = [
            (value, label)
            for value, label in Submission.Credit.choices
            if value != Submission.Credit.HANDLE or user.is_authenticated
        ]
        if user.is_authenticated:
            choices[0] = (Submission.Credit.HANDLE, f"{user.handle}, your handle")
        self.fields["credit"].choices = choices
        self.fields["credit"].initial = Submission.Credit.ANONYMOUS

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("credit") == Submission.Credit.NAME:
            name = (cleaned.get("credit_name") or "").strip()
            refusal = unregistered_name_refusal(name) if name else "Give the name to credit you under."
            if refusal:
                self.add_error("credit_name", refusal)
        return cleaned


class PublishSubmissionForm(forms.Form):
    """Where an editor publishes a piece: a new post, or the end of an existing one."""

    NEW_POST = "new"
    EXISTING_POST = "existing"

    destination = forms.ChoiceField(
        choices=[(NEW_POST, "As a new post, published today"), (EXISTING_POST, "As the last section of a post")],
        initial=NEW_POST,
        widget=forms.RadioSelect,
    )
    new_post_title = forms.CharField(
        label="New post's title",
        required=False,
        max_length=200,
        validators=[refuse_control_characters_in_line],
        help_text="Empty: the piece's own title.",
    )
    post = forms.ModelChoiceField(
        label="Existing post", queryset=Post.objects.newest_first(), required=False, empty_label="Choose a post"
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("destination") == self.EXISTING_POST and not cleaned.get("post"):
            self.add_error("post", "Choose the post to add the piece to.")
        return cleaned

    @property
    def chosen_post(self):
        return self.cleaned_data["post"] if self.cleaned_data["destination"] == self.EXISTING_POST else None
