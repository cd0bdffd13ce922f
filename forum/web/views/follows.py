"""Following a post by email, and the one-click unsubscribe every reply email carries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from forum.models import Post
from forum.services import notifications


@login_required
@require_POST
def post_follow(request, slug):
    """A member: follow a post (emails about its new comments) or stop following it."""
    post = get_object_or_404(Post.objects.published(), slug=slug)
    if request.POST.get("follow") == "off":
        notifications.post_unfollow(user=request.user, post=post)
        messages.success(request, "You no longer follow this post.")
    else:
        notifications.post_follow(user=request.user, post=post)
        if request.user.email:
            messages.success(request, "You follow this post: new comments come to you by email, gathered together.")
        else:
            messages.warning(request, "You follow this post, but your account has no email address to send to.")
    return redirect(f"{post.get_absolute_url()}#comments")


# Mail programs unsubscribe with a one-click POST and no CSRF token (RFC 8058);
# the signed token in the address is what proves the link was ours.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """Whoever holds a member's emailed link: stop every notification email to that member."""
    member = notifications.user_from_unsubscribe_token(token)
    if member is None:
        return render(request, "forum/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        notifications.unsubscribe_everything(user=member)
        return render(request, "forum/unsubscribe.html", {"member": member, "done": True})
    return render(request, "forum/unsubscribe.html", {"member": member})
