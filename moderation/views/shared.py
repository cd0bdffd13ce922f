"""What the moderation pages share: the moderators-only check, a safe next= address, posted data, quotes to offer."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.urls import reverse
from django.utils.html import format_html

from forum.lib.inputs import same_site_path
from forum.lib.people import MODERATE_COMMENTS
from moderation.models import QuoteFinding

moderators_only = permission_required(MODERATE_COMMENTS, raise_exception=True)


def next_url(request, *, default: str) -> str:
    return same_site_path(request.POST.get("next", ""), request=request) or default


def submitted(request):
    """The posted data, even when empty, so a blank POST gets the form's errors rather than a blank form."""
    return request.POST if request.method == "POST" else None


def offer_quotes_found(request, *, erased_ids: list[int]) -> None:
    """After an erasure: tell the moderator who erased the words which comments still quote them."""
    found = QuoteFinding.objects.open().filter(erased_id__in=erased_ids).count() if erased_ids else 0
    if found:
        link = reverse("moderation:queue") + "?tab=quotes"
        messages.info(
            request,
            format_html(
                '{} quote{} the removed words: <a href="{}">take the quoted part out</a>.',
                f"{found} comment" if found == 1 else f"{found} comments",
                "s" if found == 1 else "",
                link,
            ),
        )
