from django import forms

from forum.models import CommentPolicy
from forum.params import refuse_control_characters, refuse_control_characters_in_line
from moderation.models import (
    CONTACT_MAX_LENGTH,
    LOG_NOTE_MAX_LENGTH,
    LOG_REASON_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REPORT_DETAILS_MAX_LENGTH,
    Ban,
    Report,
)


class RemovalRequestForm(forms.Form):
    reason = forms.CharField(
        label="What should be removed, and why?",
        max_length=REASON_MAX_LENGTH,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For example: “I wrote this from another browser and have lost the link”, "
        "or “the letter quoted in this post is mine”. Only the moderators read this.",
        error_messages={"required": "Tell the moderators what to remove and why."},
    )
    contact = forms.CharField(
        label="How can the moderators reach you?",
        required=False,
        max_length=CONTACT_MAX_LENGTH,
        validators=[refuse_control_characters_in_line],
        help_text="Optional: an email address or other contact. Only the moderators see it.",
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with this comment?",
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the reason closest to what is wrong."},
    )
    details = forms.CharField(
        label="Anything the moderators should know?",
        required=False,
        max_length=REPORT_DETAILS_MAX_LENGTH,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional. Only the moderators read this.",
    )


class DecisionForm(forms.Form):
    """Why a moderator acted: a reason for the public log and a note for the other moderators."""

    reason = forms.CharField(
        label="Reason (public)",
        required=False,
        max_length=LOG_REASON_MAX_LENGTH,
        validators=[refuse_control_characters_in_line],
        help_text="Shown on the public moderation log. Never repeat the removed words here.",
    )
    note = forms.CharField(
        label="Note for moderators (private)",
        required=False,
        max_length=LOG_NOTE_MAX_LENGTH,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BanForm(DecisionForm):
    DURATIONS = [("1", "1 day"), ("7", "7 days"), ("30", "30 days"), ("365", "1 year"), ("", "Until lifted")]

    kind = forms.ChoiceField(label="Ban", widget=forms.RadioSelect)
    days = forms.ChoiceField(label="For", choices=DURATIONS, initial="7", required=False)

    field_order = ["kind", "days", "reason", "note"]

    def __init__(self, *args, comment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "Reason (shown to the banned poster)"
        self.fields["reason"].help_text = ""
        choices = []
        if comment.author_id:
            choices.append((Ban.Kind.ACCOUNT, f"The account {comment.author.handle}"))
        if comment.author_name:
            choices.append((Ban.Kind.NAME, f"The name “{comment.author_name}” and names that look like it"))
        if comment.ip_address:
            choices.append((Ban.Kind.ADDRESS, "The IP address it was posted from (you will not see it)"))
        self.fields["kind"].choices = choices
        if choices:
            self.fields["kind"].initial = choices[0][0]

    @property
    def has_subjects(self) -> bool:
        return bool(self.fields["kind"].choices)

    def clean_days(self) -> int | None:
        return int(self.cleaned_data["days"]) if self.cleaned_data["days"] else None


class PostPolicyForm(DecisionForm):
    policy = forms.ChoiceField(label="Comments on this post", required=False)

    field_order = ["policy", "reason", "note"]

    def __init__(self, *args, site_default: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy"].choices = [("", f"The site's default: {CommentPolicy(site_default).label}")] + list(
            CommentPolicy.choices
        )
