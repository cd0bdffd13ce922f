"""Moderators: answering appeals, and taking quotes of erased words out of comments (two tabs of the queue)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from moderation.forms import AppealAnswerForm
from moderation.models import Appeal, QuoteFinding
from moderation.services import appeals as appeal_service
from moderation.services import quote_edits
from moderation.services import quotes as quote_service
from moderation.views.shared import moderators_only


@require_POST
@moderators_only
def appeal_answer(request, pk):
    """Moderators (not the one who decided, when there is another): uphold or reverse a decision, with a reason."""
    appeal = get_object_or_404(Appeal, pk=pk)
    form = AppealAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
        return redirect(f"{reverse('moderation:queue')}?tab=appeals#item-{pk}")
    try:
        answered = appeal_service.appeal_answer(
            appeal=appeal,
            moderator=request.user,
            reverse=form.cleaned_data["outcome"] == "reversed",
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(request, f"Appeal answered: {answered.get_status_display().lower()}. The author is told.")
    return redirect(f"{reverse('moderation:queue')}?tab=appeals")


@require_POST
@moderators_only
def quote_act(request, pk):
    """Moderators: take the quoted words out of a comment, or keep it as it is."""
    finding = get_object_or_404(QuoteFinding, pk=pk)
    try:
        if request.POST.get("act") == "remove":
            quote_edits.quote_remove(finding=finding, moderator=request.user)
            messages.success(request, "The quoted words are taken out; the rest of the comment stays, marked edited.")
        elif request.POST.get("act") == "keep":
            quote_service.quote_keep(finding=finding, moderator=request.user)
            messages.success(request, "Kept as it is.")
        else:
            messages.error(request, "Choose to take the quote out or to keep the comment as it is.")
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    return redirect(f"{reverse('moderation:queue')}?tab=quotes")
