"""Headers every response carries, and which pages search engines are asked to leave out.

The Content-Security-Policy itself comes from django-csp (settings.CONTENT_SECURITY_POLICY).
"""

from django.conf import settings
from django.http import HttpResponse
from django.views.generic import TemplateView

# No page of the forum needs a camera, a microphone, a location or a payment.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "browsing-topics",
    )
)

# Pages for one person or for the staff: accounts, moderation, the editors' inbox, the admin,
# private edit and removal links. The public moderation log is the exception.
PRIVATE_PATH_PREFIXES = ("/admin/", "/accounts/", "/moderation/", "/editors/", "/unsubscribe/")
PUBLIC_PATHS_UNDER_PRIVATE_PREFIXES = ("/moderation/log/",)
PRIVATE_PATH_SUFFIXES = ("/edit/", "/remove/")


def is_private_page(request) -> bool:
    path = request.path
    if path.startswith(PUBLIC_PATHS_UNDER_PRIVATE_PREFIXES):
        return False
    return path.startswith(PRIVATE_PATH_PREFIXES) or path.endswith(PRIVATE_PATH_SUFFIXES) or "key" in request.GET


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; noindex (header, and a meta tag via `request.is_private_page`) on private pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.is_private_page = is_private_page(request)
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.is_private_page:
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response


robots_txt = TemplateView.as_view(
    template_name="robots.txt",
    content_type="text/plain; charset=utf-8",
    extra_context={"disallowed": PRIVATE_PATH_PREFIXES, "allowed": PUBLIC_PATHS_UNDER_PRIVATE_PREFIXES},
)


class RequestSizeMiddleware:
    """Refuse a request body larger than DATA_UPLOAD_MAX_MEMORY_SIZE, of any encoding, before it is read.

    Django counts only urlencoded bodies and the fields of a multipart one; a multipart file part
    is streamed to disk whatever its size, and no form here takes a file.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("The request's Content-Length is not a number.\n", status=400, content_type=_TEXT)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and size > limit:
            return HttpResponse(
                f"The request is {size:,} bytes; the most this site takes is {limit:,}. Nothing was saved.\n",
                status=413,
                content_type=_TEXT,
            )
        return self.get_response(request)


_TEXT = "text/plain; charset=utf-8"
