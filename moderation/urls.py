from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("ask-to-remove/comments/<int:pk>/", views.ask_to_remove_comment, name="ask_to_remove_comment"),
    path("ask-to-remove/sections/<int:pk>/", views.ask_to_remove_section, name="ask_to_remove_section"),
]
