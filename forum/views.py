from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .forms import CommentForm
from .models import Comment, Post
from .selectors import thread_for_readers


def post_list(request):
    """Anyone: published posts, newest first, a page at a time."""
    posts = Post.objects.published().with_comment_counts().newest_first()
    page = Paginator(posts, settings.FORUM_POSTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "forum/post_list.html", {"page": page})


def post_detail(request, slug):
    """Anyone: a post with its whole thread and the comment form."""
    post = get_object_or_404(Post.objects.published(), slug=slug)
    return _render_post(request, post, CommentForm())


@require_POST
def comment_create(request, slug):
    """Anyone: post a top-level comment, anonymously or under a typed name."""
    post = get_object_or_404(Post.objects.published(), slug=slug)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _render_post(request, post, form, status=400)
    comment = services.comment_post(post=post, **form.cleaned_data)
    return _posted(request, comment)


@require_http_methods(["GET", "POST"])
def comment_reply(request, slug, pk):
    """Anyone: reply to a published comment (the no-JavaScript path, and where inline forms post)."""
    post = get_object_or_404(Post.objects.published(), slug=slug)
    parent = get_object_or_404(Comment.objects.not_pending().select_related("author"), pk=pk, post=post)
    if not parent.accepts_replies:
        return render(request, "forum/reply_closed.html", {"post": post, "parent": parent}, status=409)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        comment = services.comment_post(post=post, parent=parent, **form.cleaned_data)
        return _posted(request, comment)
    status = 400 if request.method == "POST" else 200
    return render(request, "forum/comment_reply.html", {"post": post, "parent": parent, "form": form}, status=status)


def _render_post(request, post, form, status=200):
    context = {
        "post": post,
        "sections": list(post.sections.all()),
        "comments": thread_for_readers(post),
        "form": form,
    }
    return render(request, "forum/post_detail.html", context, status=status)


def _posted(request, comment):
    messages.success(request, "Your comment is posted.")
    return redirect(comment.get_absolute_url())
