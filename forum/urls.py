"""Root URLs: the admin, each app under its own namespace."""

from django.contrib import admin
from django.urls import include, path

from forum.ops import security
from forum.web.views import posts

# A database or cache outage gets a 503 that keeps the typed text; other errors the 500 page.
handler500 = "forum.ops.outage.server_error"

urlpatterns = [
    path("robots.txt", security.robots_txt, name="robots_txt"),
    path("favicon.ico", posts.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("", include("forum.web.urls")),
    path("", include("accounts.urls")),
    path("moderation/", include("moderation.urls")),
]
