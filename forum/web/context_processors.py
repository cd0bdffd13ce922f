from forum.models import SiteSettings


def site(request):
    """The site's name and description (set in the admin) for titles, the header and meta descriptions."""
    return {"site": SiteSettings.current()}
