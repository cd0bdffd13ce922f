from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("act/", views.queue_act, name="queue_act"),
    path("comments/act/", views.comment_act, name="comment_act"),
    path("comments/<int:pk>/", views.comment, name="comment"),
    path("comments/<int:pk>/ban/", views.comment_ban, name="comment_ban"),
    path("bans/", views.bans, name="bans"),
    path("bans/<int:pk>/lift/", views.ban_lift, name="ban_lift"),
    path("posts/<slug:slug>/", views.post_policy, name="post_policy"),
    path("log/", views.moderation_log, name="log"),
    path("log/<int:pk>/", views.log_entry, name="log_entry"),
    path("report/comments/<int:pk>/", views.report_comment, name="report_comment"),
    path("ask-to-remove/comments/<int:pk>/", views.ask_to_remove_comment, name="ask_to_remove_comment"),
    path("ask-to-remove/sections/<int:pk>/", views.ask_to_remove_section, name="ask_to_remove_section"),
]
