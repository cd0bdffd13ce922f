"""What authors use: their standing page (comments and decisions), appealing a decision, dismissing a notice."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from forum.lib.inputs import same_site_path
from forum.lib.limits import client_ip, limit
from moderation.authors import author_of, author_of_key, key_opens_anything, notices_of, standing_of
from moderation.forms import AppealForm
from moderation.models import AuthorNotice, ModerationLogEntry
from moderation.services import appeals as appeal_service
from moderation.services import notices as notice_service


def _author_or_refusal(request):
    """(author, key, refusal page): from a key offered in a link (throttled like removal links), else this browser."""
    key = request.POST.get("key") or request.GET.get("key") or ""
    if not key:
        return author_of(request), "", None
    throttle = limit("removal-key-ip")
    if not throttle.attempt(client_ip(request)):
        return None, key, render(request, "forum/removal_link_throttled.html", status=429)
    if not key_opens_anything(key):
        return None, key, render(request, "forum/removal_link_invalid.html", status=404)
    throttle.give_back(client_ip(request))
    return author_of_key(key), key, None


def _private(response, key: str):
    if key:
        # The key is in the address: never send it to another site.
        response["Referrer-Policy"] = "same-origin"
    return response


@require_http_methods(["GET"])
def standing(request):
    """The author (by account, by this browser's keys, or by one key from a link): their comments and decisions."""
    author, key, refusal = _author_or_refusal(request)
    if refusal is not None:
        return _private(refusal, key)
    if key:
        request.checked_removal_keys = [key]  # the notices at the top of the page are this key's too
    context = {"standing": None if author.is_nobody else standing_of(author), "key": key, "form": AppealForm()}
    return _private(render(request, "moderation/standing.html", context), key)


@require_POST
def appeal(request, entry_pk):
    """Whoever was told of a decision: ask for a second look, once."""
    author, key, refusal = _author_or_refusal(request)
    if refusal is not None:
        return _private(refusal, key)
    entry = get_object_or_404(ModerationLogEntry, pk=entry_pk)
    if author.is_nobody or not notices_of(author).filter(entry=entry).exists():
        raise Http404("No decision of yours with that number.")
    form = AppealForm(request.POST)
    back = reverse("moderation:standing") + (f"?key={key}" if key else "")
    if form.is_valid():
        try:
            appeal_service.appeal_file(entry=entry, text=form.cleaned_data["text"])
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
        else:
            messages.success(request, "Your appeal is with the moderators. You will be told their answer here.")
        return _private(HttpResponseRedirect(f"{back}#decision-{entry.pk}"), key)
    request.checked_removal_keys = [key] if key else []
    context = {"standing": standing_of(author), "key": key, "form": form, "appealing": entry.pk}
    return _private(render(request, "moderation/standing.html", context, status=400), key)


@require_POST
def notice_dismiss(request, pk):
    """The author a notice is for: stop showing it at the top of every page (it stays on the standing page)."""
    author, key, refusal = _author_or_refusal(request)
    if refusal is not None:
        return _private(refusal, key)
    if key:
        # The page showed this browser's notices beside the key's: either may be dismissed from it.
        request.checked_removal_keys = [key]
        author = author_of(request)
    notice = get_object_or_404(notices_of(author) if not author.is_nobody else AuthorNotice.objects.none(), pk=pk)
    notice_service.notice_dismiss(notice=notice)
    back = same_site_path(request.POST.get("next", ""), request=request) or reverse("moderation:standing")
    return _private(HttpResponseRedirect(back), key)
