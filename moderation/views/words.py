"""Watched words: the list moderators keep, and a box to test what a text would trigger."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from moderation import screening
from moderation.forms import WatchedWordForm, WatchedWordTestForm
from moderation.models import WatchedWord
from moderation.services import words as words_service
from moderation.views.shared import moderators_only


def _render(request, *, add_form=None, test_form=None, found=None, status=200):
    context = {
        "entries": WatchedWord.objects.select_related("created_by"),
        "add_form": add_form or WatchedWordForm(),
        "test_form": test_form or WatchedWordTestForm(),
        "found": found,
    }
    return render(request, "moderation/watched_words.html", context, status=status)


@require_http_methods(["GET", "POST"])
@moderators_only
def watched_words(request):
    """Moderators: the list, and adding an entry to it."""
    if request.method == "GET":
        return _render(request)
    form = WatchedWordForm(request.POST)
    if form.is_valid():
        try:
            entry = words_service.watched_word_add(moderator=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Watching for “{entry.phrase}”: {entry.get_action_display().lower()}.")
            return redirect("moderation:watched_words")
    return _render(request, add_form=form, status=400)


@require_POST
@moderators_only
def watched_words_test(request):
    """Moderators: what the list would do to a sample text (nothing is posted or kept)."""
    form = WatchedWordTestForm(request.POST)
    if not form.is_valid():
        return _render(request, test_form=form, status=400)
    sample = form.cleaned_data["sample"]
    found = [
        (
            match,
            sample[max(0, match.start - 30) : match.start],
            sample[match.start : match.end],
            sample[match.end : match.end + 30],
        )
        for match in screening.watched_words().matches(sample)
    ]
    return _render(request, test_form=form, found=found)


@require_POST
@moderators_only
def watched_word_delete(request, pk):
    """Moderators: stop watching for an entry."""
    entry = get_object_or_404(WatchedWord, pk=pk)
    words_service.watched_word_delete(entry=entry)
    messages.success(request, f"No longer watching for “{entry.phrase}”.")
    return redirect("moderation:watched_words")
