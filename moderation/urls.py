from django.urls import path

from moderation.views import comments, people, policies, public, queue, second_looks, standing, words

app_name = "moderation"

urlpatterns = [
    path("", queue.queue, name="queue"),
    path("act/", queue.queue_act, name="queue_act"),
    path("comments/act/", comments.comment_act, name="comment_act"),
    path("comments/<int:pk>/", comments.comment, name="comment"),
    path("comments/<int:pk>/ban/", comments.comment_ban, name="comment_ban"),
    path("comments/<int:pk>/commenter/", people.commenter, name="commenter"),
    path("comments/<int:pk>/commenter/notes/", people.note_add, name="note_add"),
    path("comments/<int:pk>/commenter/sanctions/", people.sanction_add, name="sanction_add"),
    path("notes/<int:note_pk>/delete/", people.note_delete, name="note_delete"),
    path("sanctions/<int:sanction_pk>/lift/", people.sanction_lift, name="sanction_lift"),
    path("watched-words/", words.watched_words, name="watched_words"),
    path("watched-words/test/", words.watched_words_test, name="watched_words_test"),
    path("watched-words/<int:pk>/delete/", words.watched_word_delete, name="watched_word_delete"),
    path("bans/", comments.bans, name="bans"),
    path("bans/<int:pk>/lift/", comments.ban_lift, name="ban_lift"),
    path("posts/<slug:slug>/", policies.post_policy, name="post_policy"),
    path("appeals/<int:pk>/answer/", second_looks.appeal_answer, name="appeal_answer"),
    path("quotes/<int:pk>/", second_looks.quote_act, name="quote_act"),
    path("standing/", standing.standing, name="standing"),
    path("standing/appeal/<int:entry_pk>/", standing.appeal, name="appeal"),
    path("notices/<int:pk>/dismiss/", standing.notice_dismiss, name="notice_dismiss"),
    path("log/", public.moderation_log, name="log"),
    path("log/<int:pk>/", public.log_entry, name="log_entry"),
    path("report/comments/<int:pk>/", public.report_comment, name="report_comment"),
    path("ask-to-remove/comments/<int:pk>/", public.ask_to_remove_comment, name="ask_to_remove_comment"),
    path("ask-to-remove/sections/<int:pk>/", public.ask_to_remove_section, name="ask_to_remove_section"),
]
