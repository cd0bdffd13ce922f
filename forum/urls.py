"""Root URLs: the admin, each app under its own namespace."""

from django.contrib import admin
from django.urls import include, path

from . import views

forum_patterns = [
    path("", views.post_list, name="post_list"),
    path("posts/<slug:slug>/", views.post_detail, name="post_detail"),
    path("posts/<slug:slug>/comments/", views.comment_create, name="comment_create"),
    path("posts/<slug:slug>/comments/<int:pk>/reply/", views.comment_reply, name="comment_reply"),
    path("posts/<slug:slug>/comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("posts/<slug:slug>/comments/<int:pk>/remove/", views.comment_remove, name="comment_remove"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include((forum_patterns, "forum"))),
    path("", include("accounts.urls")),
    path("moderation/", include("moderation.urls")),
]
