from django import forms

from accounts.models import User
from accounts.names import name_refusal_reason, name_skeleton

from .models import AUTHOR_NAME_MAX_LENGTH, COMMENT_MAX_LENGTH


class CommentTextForm(forms.Form):
    """The words of a comment: what an author writes and, within the edit window, rewrites."""

    text = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        # Crispy renders help text as HTML, so it names the tags without angle brackets.
        help_text="Plain text; a blank line starts a new paragraph and web addresses become links. "
        "The HTML tags b, i, em, strong, a and blockquote work as on Blogger.",
        error_messages={"required": "Write something before posting."},
    )


class CommentForm(CommentTextForm):
    """A comment or reply, posted under the member's handle, a typed name, or as Anonymous."""

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
        help_text="Used when you post under a name. It cannot be a member’s handle or look like one.",
    )

    field_order = ["identity", "author_name", "text"]

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
        if any(not character.isprintable() for character in name):
            raise forms.ValidationError("A name cannot contain control characters.")
        reason = name_refusal_reason(name)
        if reason:
            raise forms.ValidationError(f"{reason} Choose another name, or post as Anonymous.")
        if User.objects.filter(handle_key=name_skeleton(name)).exists():
            raise forms.ValidationError(
                f"“{name}” is a member’s handle, or looks like one. "
                "If it is yours, log in to post under it; otherwise choose another name."
            )
        return name

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
