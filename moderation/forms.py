from datetime import timedelta

from django import forms
from django.utils import timezone

from forum.models import COMMENT_MAX_LENGTH, CommentPolicy
from forum.params import refuse_control_characters, refuse_control_characters_in_line
from moderation.models import (
    APPEAL_MAX_LENGTH,
    CONTACT_MAX_LENGTH,
    LOG_NOTE_MAX_LENGTH,
    LOG_REASON_MAX_LENGTH,
    NOTE_TO_AUTHOR_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REPORT_DETAILS_MAX_LENGTH,
    Ban,
    Reason,
    Report,
    Sanction,
    WatchedWord,
)
from moderation.models.words import WATCHED_PHRASE_MAX_LENGTH
from moderation.screening import phrase_refusal


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


def reason_choice_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="Reason",
        queryset=Reason.objects.offered(),
        required=False,
        empty_label="(none)",
        help_text="Its wording is public: on the tombstone, the log and the author's notice.",
        error_messages={"invalid_choice": "Choose one of the reasons in the list."},
    )


def note_to_author_field() -> forms.CharField:
    return forms.CharField(
        label="Note to the author (private)",
        required=False,
        max_length=NOTE_TO_AUTHOR_MAX_LENGTH,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only the author reads it, in their notice. Never repeat the removed words here.",
    )


def public_reason(choice: Reason | None, detail: str) -> str:
    """The listed reason's wording, then the moderator's own words if any: what readers and the author see."""
    wording = choice.wording if choice else ""
    joined = f"{wording}: {detail}" if wording and detail else wording or detail
    if len(joined) > LOG_REASON_MAX_LENGTH:
        raise forms.ValidationError(
            f"The reason with its detail is {len(joined)} characters; keep it to {LOG_REASON_MAX_LENGTH}."
        )
    return joined


class DecisionForm(forms.Form):
    """Why a moderator acted: a listed reason and detail (public), a note to the author, a note for moderators."""

    reason_choice = reason_choice_field()
    reason = forms.CharField(
        label="Reason in your words (public)",
        required=False,
        max_length=LOG_REASON_MAX_LENGTH,
        validators=[refuse_control_characters_in_line],
        help_text="Added to the listed reason on the public moderation log. Never repeat the removed words here.",
    )
    note_to_author = note_to_author_field()
    note = forms.CharField(
        label="Note for moderators (private)",
        required=False,
        max_length=LOG_NOTE_MAX_LENGTH,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        if "reason" in cleaned:
            try:
                cleaned["reason"] = public_reason(cleaned.pop("reason_choice", None), cleaned["reason"].strip())
            except forms.ValidationError as error:
                self.add_error("reason", error)
        cleaned.pop("reason_choice", None)
        return cleaned


class BanForm(DecisionForm):
    DURATIONS = [("1", "1 day"), ("7", "7 days"), ("30", "30 days"), ("365", "1 year"), ("", "Until lifted")]

    kind = forms.ChoiceField(label="Ban", widget=forms.RadioSelect)
    days = forms.ChoiceField(label="For", choices=DURATIONS, initial="7", required=False)
    hide_all = forms.BooleanField(
        label="Also hide every published comment of this person",
        required=False,
        help_text="One decision: each comment is hidden and logged, with the reason above.",
    )

    field_order = ["kind", "days", "hide_all", "reason_choice", "reason", "note_to_author", "note"]

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

    field_order = ["policy", "reason_choice", "reason", "note"]

    def __init__(self, *args, site_default: str, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note_to_author"]  # a post's policy concerns no author
        self.fields["policy"].choices = [("", f"The site's default: {CommentPolicy(site_default).label}")] + list(
            CommentPolicy.choices
        )


class PersonNoteForm(forms.Form):
    text = forms.CharField(
        label="A note on this commenter (private)",
        max_length=LOG_NOTE_MAX_LENGTH,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only moderators ever see notes: never on public pages, feeds, search or the public log.",
        error_messages={"required": "Write the note before saving it."},
    )


class SanctionForm(forms.Form):
    """A warning, a hold or a suspension, and for how long."""

    DURATIONS = [
        ("1", "1 hour"),
        ("24", "1 day"),
        ("168", "7 days"),
        ("date", "Until a date…"),
        ("", "Until lifted (a warning: until read)"),
    ]

    kind = forms.ChoiceField(label="Sanction", choices=Sanction.Kind.choices, widget=forms.RadioSelect)
    duration = forms.ChoiceField(label="For", choices=DURATIONS, initial="24", required=False)
    until = forms.DateTimeField(
        label="Until (date and time)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Only with “Until a date…”.",
    )
    reason_choice = reason_choice_field()
    reason = forms.CharField(
        label="Reason (shown to the commenter, never on public pages)",
        max_length=LOG_REASON_MAX_LENGTH,
        validators=[refuse_control_characters_in_line],
        error_messages={"required": "Give the reason: the commenter reads it."},
    )
    note_to_author = note_to_author_field()
    note = forms.CharField(
        label="Note for moderators (private)",
        required=False,
        max_length=LOG_NOTE_MAX_LENGTH,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        # The listed reason leads the reason the commenter reads; like it, never on a public page.
        choice = cleaned.pop("reason_choice", None)
        if choice and cleaned.get("reason"):
            try:
                cleaned["reason"] = public_reason(choice, cleaned["reason"].strip())
            except forms.ValidationError as error:
                self.add_error("reason", error)
        duration, until = cleaned.get("duration"), cleaned.get("until")
        if duration == "date" and not until:
            self.add_error("until", "Choose the date and time the sanction ends.")
        elif duration == "date" and until <= timezone.now():
            self.add_error("until", "That time is already past: choose a later one.")
        if cleaned.get("kind") == Sanction.Kind.SUSPENSION and duration == "":
            self.add_error("duration", "A suspension ends: choose 1 hour, 1 day, 7 days or a date (or ban instead).")
        return cleaned

    @property
    def ends_at(self):
        duration = self.cleaned_data["duration"]
        if duration == "date":
            return self.cleaned_data["until"]
        return timezone.now() + timedelta(hours=int(duration)) if duration else None


class WatchedWordForm(forms.Form):
    phrase = forms.CharField(
        label="Word or phrase",
        max_length=WATCHED_PHRASE_MAX_LENGTH,
        help_text="Plain words: matched as whole words, with case and look-alike letters folded "
        "(“spam” also catches “SPAM” and “sp4m”). No wildcards or regular expressions.",
        error_messages={"required": "Type a word or a phrase to watch for."},
    )
    action = forms.ChoiceField(label="When a comment contains it", choices=WatchedWord.Action.choices)

    def clean_phrase(self) -> str:
        phrase = self.cleaned_data["phrase"].strip()
        refusal = phrase_refusal(phrase)
        if refusal:
            raise forms.ValidationError(refusal)
        return phrase


class WatchedWordTestForm(forms.Form):
    sample = forms.CharField(
        label="Test a text",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shows what the list would do to a comment with these words; nothing is posted or kept.",
        error_messages={"required": "Type a sample text to test."},
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label="Why should the moderators look again?",
        max_length=APPEAL_MAX_LENGTH,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One appeal per decision. A moderator other than the one who decided answers it; "
        "the answer goes on the public log without your words.",
        error_messages={"required": "Write why the decision should be looked at again."},
    )


class AppealAnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Answer",
        choices=[("upheld", "Uphold the decision"), ("reversed", "Reverse it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the decision stands or is reversed."},
    )
    reason = forms.CharField(
        label="Reason (public, and told to the author)",
        max_length=LOG_REASON_MAX_LENGTH,
        validators=[refuse_control_characters_in_line],
        error_messages={"required": "Give the reason for the answer: it goes on the public log."},
    )
