"""The forum app's pages, under the "forum" namespace: the same paths and names as ever."""

from django.urls import path, re_path

from forum.web import feeds
from forum.web.views import comments, follows, posts, search, submissions

app_name = "forum"

urlpatterns = [
    path("", posts.post_list, name="post_list"),
    path("search/", search.search_results, name="search"),
    path("send-a-piece/", submissions.submission_create, name="submission_create"),
    path("editors/pieces/", submissions.submission_inbox, name="submission_inbox"),
    path("editors/pieces/<int:pk>/", submissions.submission_detail, name="submission_detail"),
    path("unsubscribe/<str:token>/", follows.unsubscribe, name="unsubscribe"),
    path("posts/<slug:slug>/follow/", follows.post_follow, name="post_follow"),
    path("posts/<slug:slug>/", posts.post_detail, name="post_detail"),
    path("posts/<slug:slug>/comments/", comments.comment_create, name="comment_create"),
    path("posts/<slug:slug>/comments/feed/", feeds.PostCommentsFeed(), name="post_comments_feed"),
    path("feeds/posts/", feeds.LatestPostsFeed(), name="posts_feed"),
    path("feeds/comments/", feeds.RecentCommentsFeed(), name="comments_feed"),
    re_path(r"^labels/(?P<slug>[-\w]+)/$", posts.label_detail, name="label_detail"),
    re_path(r"^labels/(?P<slug>[-\w]+)/feed/$", feeds.LabelPostsFeed(), name="label_feed"),
    path("posts/<slug:slug>/comments/<int:pk>/", comments.comment_detail, name="comment_detail"),
    path("c/<int:pk>/", comments.comment_permalink, name="comment_permalink"),
    path("posts/<slug:slug>/comments/<int:pk>/reply/", comments.comment_reply, name="comment_reply"),
    path("posts/<slug:slug>/comments/<int:pk>/edit/", comments.comment_edit, name="comment_edit"),
    path("posts/<slug:slug>/comments/<int:pk>/remove/", comments.comment_remove, name="comment_remove"),
]
