"""Root URLs: the admin, each app under its own namespace."""

from django.contrib import admin
from django.urls import include, path, re_path

from forum.ops import security
from forum.web import feeds
from forum.web.views import posts as views
from forum.web.views import submissions as submission_views

forum_patterns = [
    path("", views.post_list, name="post_list"),
    path("search/", views.search_results, name="search"),
    path("send-a-piece/", submission_views.submission_create, name="submission_create"),
    path("editors/pieces/", submission_views.submission_inbox, name="submission_inbox"),
    path("editors/pieces/<int:pk>/", submission_views.submission_detail, name="submission_detail"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("posts/<slug:slug>/follow/", views.post_follow, name="post_follow"),
    path("posts/<slug:slug>/", views.post_detail, name="post_detail"),
    path("posts/<slug:slug>/comments/", views.comment_create, name="comment_create"),
    path("posts/<slug:slug>/comments/feed/", feeds.PostCommentsFeed(), name="post_comments_feed"),
    path("feeds/posts/", feeds.LatestPostsFeed(), name="posts_feed"),
    path("feeds/comments/", feeds.RecentCommentsFeed(), name="comments_feed"),
    re_path(r"^labels/(?P<slug>[-\w]+)/$", views.label_detail, name="label_detail"),
    re_path(r"^labels/(?P<slug>[-\w]+)/feed/$", feeds.LabelPostsFeed(), name="label_feed"),
    path("posts/<slug:slug>/comments/<int:pk>/", views.comment_detail, name="comment_detail"),
    path("c/<int:pk>/", views.comment_permalink, name="comment_permalink"),
    path("posts/<slug:slug>/comments/<int:pk>/reply/", views.comment_reply, name="comment_reply"),
    path("posts/<slug:slug>/comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("posts/<slug:slug>/comments/<int:pk>/remove/", views.comment_remove, name="comment_remove"),
]

# A database or cache outage gets a 503 that keeps the typed text; other errors the 500 page.
handler500 = "forum.ops.outage.server_error"

urlpatterns = [
    path("robots.txt", security.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("", include((forum_patterns, "forum"))),
    path("", include("accounts.urls")),
    path("moderation/", include("moderation.urls")),
]
