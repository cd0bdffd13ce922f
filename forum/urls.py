"""Root URLs: the admin, each app under its own namespace."""

from django.contrib import admin
from django.urls import include, path

from . import views

forum_patterns = [
    path("", views.post_list, name="post_list"),
    path("posts/<slug:slug>/", views.post_detail, name="post_detail"),
    path("posts/<slug:slug>/comments/", views.comment_create, name="comment_create"),
    path("posts/<slug:slug>/comments/<int:pk>/reply/", views.comment_reply, name="comment_reply"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include((forum_patterns, "forum"))),
]
