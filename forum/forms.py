from django import forms

from .models import AUTHOR_NAME_MAX_LENGTH, COMMENT_MAX_LENGTH

# Names a typed display name may not take, so nobody passes for the site's own labels.
RESERVED_NAMES = frozenset({"anonymous", "admin", "administrator", "moderator", "editor", "deleted", "removed"})


class CommentForm(forms.Form):
    """A comment or reply, anonymous or under a typed display name."""

    author_name = forms.CharField(
        label="Name",
        required=False,
        max_length=AUTHOR_NAME_MAX_LENGTH,
        help_text="Optional. Leave it empty to post as Anonymous.",
    )
    text = forms.CharField(
        label="Comment",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        # Crispy renders help text as HTML, so it names the tags without angle brackets.
        help_text="Plain text; a blank line starts a new paragraph and web addresses become links. "
        "The HTML tags b, i, em, strong, a and blockquote work as on Blogger.",
        error_messages={"required": "Write something before posting."},
    )

    def clean_author_name(self) -> str:
        name = self.cleaned_data["author_name"]
        if any(not character.isprintable() for character in name):
            raise forms.ValidationError("A name cannot contain control characters.")
        if name.casefold() in RESERVED_NAMES:
            raise forms.ValidationError(
                f"“{name}” is reserved. Leave the name empty to post as Anonymous, or pick another name."
            )
        return name
