from forum.lib import primary
from forum.models import SiteSettings


def site(request):
    """The site's name and description (set in the admin) for titles, the header and meta descriptions;
    whether posting is paused because the primary database is away (forum.ops.replicas)."""
    return {
        "site": SiteSettings.current(),
        "posting_paused": getattr(request, "primary_away", False) or primary.is_away(),
    }
