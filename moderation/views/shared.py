"""What the moderation pages share: the moderators-only check, a safe next= address, posted data."""

from django.contrib.auth.decorators import permission_required

from forum.lib.inputs import same_site_path
from forum.lib.people import MODERATE_COMMENTS

moderators_only = permission_required(MODERATE_COMMENTS, raise_exception=True)


def next_url(request, *, default: str) -> str:
    return same_site_path(request.POST.get("next", ""), request=request) or default


def submitted(request):
    """The posted data, even when empty, so a blank POST gets the form's errors rather than a blank form."""
    return request.POST if request.method == "POST" else None
