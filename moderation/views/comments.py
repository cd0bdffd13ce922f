"""One comment as moderators see it, the buttons under comments in a thread, and bans."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from forum.models import Comment
from moderation import transitions
from moderation.forms import BanForm, DecisionForm
from moderation.models import Ban, ModerationLogEntry
from moderation.services import bans as ban_service
from moderation.services import comments as comment_service
from moderation.transitions import Action
from moderation.views.queue import decision_from, keyed
from moderation.views.shared import moderators_only, next_url, offer_quotes_found, submitted


@require_http_methods(["GET", "POST"])
@moderators_only
def comment(request, pk):
    """Moderators: one comment with its context, reports and record, and every action that applies."""
    target = get_object_or_404(Comment.objects.select_related("post", "author", "parent__author"), pk=pk)
    form = DecisionForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "")
        try:
            comment_service.comment_moderate(comment=target, action=action, moderator=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
        else:
            messages.success(request, f"{Action(action).label}: {target.name}.")
            offer_quotes_found(request, erased_ids=[target.pk])
        return HttpResponseRedirect(next_url(request, default=reverse("moderation:comment", args=[target.pk])))
    reports = list(target.reports.select_related("reporter").order_by("-created_at"))
    context = {
        "comment": target,
        "form": form,
        "actions": keyed(
            transitions.actions_allowed(target, has_open_reports=any(r.resolved_at is None for r in reports))
        ),
        "reports": reports,
        "removal_requests": target.removal_requests.order_by("-created_at"),
        "log_entries": ModerationLogEntry.objects.filter(comment=target).select_related("moderator").newest_first(),
        "can_ban": request.user.has_perm("moderation.ban_posters"),
    }
    return render(request, "moderation/comment.html", context, status=400 if form.errors else 200)


@require_POST
@moderators_only
def comment_act(request):
    """Moderators: a button under a comment in its thread ("hide:12"), from the page's one shared form."""
    action, ids, _ = decision_from(request.POST)
    back = next_url(request, default=reverse("moderation:queue"))
    if not action or len(ids) != 1:
        messages.error(request, "Choose an action under a comment.")
        return HttpResponseRedirect(back)
    target = Comment.objects.filter(pk=ids[0]).select_related("author").first()
    if target is None:
        messages.warning(request, "That comment no longer exists.")
        return HttpResponseRedirect(back)
    try:
        target = comment_service.comment_moderate(comment=target, action=action, moderator=request.user)
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(request, f"{Action(action).label}: {target.name}.")
        offer_quotes_found(request, erased_ids=[target.pk])
    # Back to the comment, unless it has left the thread (purged): an anchor to nothing sends thread.js looking.
    anchor = "" if target.state in Comment.UNLISTED_STATES else f"#c{target.pk}"
    return HttpResponseRedirect(f"{back.split('#', 1)[0]}{anchor}")


@require_http_methods(["GET", "POST"])
@permission_required("moderation.ban_posters", raise_exception=True)
def comment_ban(request, pk):
    """Moderators who may ban: keep the account, name or address behind a comment from posting."""
    target = get_object_or_404(Comment.objects.select_related("post", "author"), pk=pk)
    form = BanForm(submitted(request), comment=target)
    if request.method == "POST" and form.is_valid():
        try:
            ban_service.ban_create(comment=target, moderator=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The ban is in force. It is on the moderation log.")
            return redirect("moderation:comment", pk=target.pk)
    return render(request, "moderation/ban.html", {"comment": target, "form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET"])
@permission_required("moderation.ban_posters", raise_exception=True)
def bans(request):
    """Moderators who may ban: the bans in force, newest first."""
    active = Ban.objects.active().select_related("user", "created_by")
    return render(request, "moderation/bans.html", {"bans": active})


@require_POST
@permission_required("moderation.ban_posters", raise_exception=True)
def ban_lift(request, pk):
    """Moderators who may ban: end a ban before it expires."""
    ban = get_object_or_404(Ban, pk=pk)
    why = DecisionForm(request.POST)
    if not why.is_valid():
        messages.error(request, " ".join(why.errors.get("reason", [])))
        return redirect("moderation:bans")
    try:
        ban_service.ban_lift(ban=ban, moderator=request.user, reason=why.cleaned_data["reason"])
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(request, f"Lifted the ban on {ban.subject_label}.")
    return redirect("moderation:bans")
