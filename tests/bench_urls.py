"""The site's URLs plus the flat-loop baseline that `make bench` compares the thread page with."""

from django.shortcuts import get_object_or_404
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path

from forum.lib.inputs import page_number
from forum.models import Comment, Post
from forum.urls import urlpatterns as site_urlpatterns

# The naive page: the site's base template, the post's title, and one loop printing each
# comment's stored HTML under who wrote it and when (the least a comment list shows).
BASELINE = engines["django"].from_string(
    '{% extends "base.html" %}{% block content %}<h1>{{ post.title }}</h1><ol>{% for comment in comments %}'
    '<li id="c{{ comment.pk }}"><p><b>{{ comment.author_label }}</b> <a href="#c{{ comment.pk }}">'
    "{{ comment.posted_time_label }} {{ comment.posted_date_label }}</a></p>{{ comment.html|safe }}</li>"
    "{% endfor %}</ol>{% endblock %}"
)


def baseline(request, slug):
    """One SELECT ordered by (tree_id, lft) (with the authors' handles), as many comments as the thread page shows."""
    post = get_object_or_404(Post, slug=slug)
    comments = (Comment.objects.filter(post=post).select_related("author").order_by("tree_id", "lft"))[
        : page_number(request.GET.get("limit"))
    ]
    return TemplateResponse(request, BASELINE, {"post": post, "comments": comments})


urlpatterns = [path("bench/baseline/<slug:slug>/", baseline), *site_urlpatterns]
