from django import forms

from .models import CONTACT_MAX_LENGTH, REASON_MAX_LENGTH


class RemovalRequestForm(forms.Form):
    reason = forms.CharField(
        label="What should be removed, and why?",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For example: “I wrote this from another browser and have lost the link”, "
        "or “the letter quoted in this post is mine”. Only the moderators read this.",
        error_messages={"required": "Tell the moderators what to remove and why."},
    )
    contact = forms.CharField(
        label="How can the moderators reach you?",
        required=False,
        max_length=CONTACT_MAX_LENGTH,
        help_text="Optional: an email address or other contact. Only the moderators see it.",
    )
