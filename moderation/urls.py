from django.urls import path

from moderation.views import comments, policies, public, queue

app_name = "moderation"

urlpatterns = [
    path("", queue.queue, name="queue"),
    path("act/", queue.queue_act, name="queue_act"),
    path("comments/act/", comments.comment_act, name="comment_act"),
    path("comments/<int:pk>/", comments.comment, name="comment"),
    path("comments/<int:pk>/ban/", comments.comment_ban, name="comment_ban"),
    path("bans/", comments.bans, name="bans"),
    path("bans/<int:pk>/lift/", comments.ban_lift, name="ban_lift"),
    path("posts/<slug:slug>/", policies.post_policy, name="post_policy"),
    path("log/", public.moderation_log, name="log"),
    path("log/<int:pk>/", public.log_entry, name="log_entry"),
    path("report/comments/<int:pk>/", public.report_comment, name="report_comment"),
    path("ask-to-remove/comments/<int:pk>/", public.ask_to_remove_comment, name="ask_to_remove_comment"),
    path("ask-to-remove/sections/<int:pk>/", public.ask_to_remove_section, name="ask_to_remove_section"),
]
