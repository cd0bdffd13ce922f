from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from forum.lib import cookies, keys
from forum.lib.inputs import page_number, parse_ids, same_site_path
from forum.lib.limits import client_ip, limit
from forum.lib.people import MODERATE_COMMENTS, can_moderate
from forum.models import Comment, Post, PostSection
from moderation import transitions
from moderation.forms import BanForm, DecisionForm, PostPolicyForm, RemovalRequestForm, ReportForm
from moderation.models import Ban, ModerationLogEntry, ModerationSettings
from moderation.policy import rules_for
from moderation.selectors import held_comments, open_removal_requests, reported_comments, waiting_counts
from moderation.services import bans as ban_service
from moderation.services import comments as comment_service
from moderation.services import policies as policy_service
from moderation.services import queue as queue_service
from moderation.services import reports as report_service
from moderation.services import requests as request_service

moderators_only = permission_required(MODERATE_COMMENTS, raise_exception=True)
Action = ModerationLogEntry.Action

# The queue's tabs: what each lists, and the actions its items offer (with their keyboard keys).
QUEUE_TABS = {
    "held": ("Awaiting approval", held_comments),
    "reported": ("Reported", reported_comments),
    "requests": ("Removal requests", open_removal_requests),
}
ACTION_KEYS = {
    Action.APPROVE: "a",
    Action.REJECT: "r",
    Action.HIDE: "h",
    Action.UNHIDE: "u",
    Action.REMOVE: "x",
    Action.PURGE: "p",
    Action.DISMISS_REPORTS: "d",
    Action.GRANT_REMOVAL_REQUEST: "g",
    Action.DECLINE_REMOVAL_REQUEST: "n",
}
REQUEST_ACTIONS = [
    (Action.DECLINE_REMOVAL_REQUEST, "Decline"),
    (Action.GRANT_REMOVAL_REQUEST, "Grant: remove it"),
]
# Actions that erase words: never the first button, and styled as the danger they are.
DESTRUCTIVE_ACTIONS = {Action.REJECT, Action.REMOVE, Action.PURGE, Action.GRANT_REMOVAL_REQUEST}


@require_http_methods(["GET"])
@moderators_only
def queue(request):
    """Moderators: what waits for a decision, oldest first, one tab at a time."""
    tab = request.GET.get("tab") if request.GET.get("tab") in QUEUE_TABS else "held"
    items = list(QUEUE_TABS[tab][1]()[: settings.FORUM_QUEUE_PAGE_SIZE])
    for item in items:
        item.moderation_actions = _keyed(_queue_actions(tab, item))
    context = {
        "tab": tab,
        "tabs": QUEUE_TABS,
        "items": items,
        "counts": waiting_counts(),
        "bulk_actions": _keyed(_bulk_actions(tab)),
    }
    return render(request, "moderation/queue.html", context)


@require_POST
@moderators_only
def queue_act(request):
    """Moderators: one item's button, or a bulk action on the ticked items; then on to the next item."""
    tab = request.POST.get("tab") if request.POST.get("tab") in QUEUE_TABS else "held"
    action, ids, reason, note = _decision_from(request.POST)
    why = DecisionForm({"reason": reason, "note": note})
    if not action or not ids or not why.is_valid():
        problem = " ".join(why.errors.get("reason", []) + why.errors.get("note", [])) if why.errors else ""
        messages.error(request, problem or "Choose an action, and tick at least one item for a bulk action.")
        return redirect(f"{reverse('moderation:queue')}?tab={tab}")
    listed_before = list(QUEUE_TABS[tab][1]().values_list("pk", flat=True)[: settings.FORUM_QUEUE_PAGE_SIZE])
    done, refusals = queue_service.queue_decide(
        items="requests" if tab == "requests" else "comments",
        action=action,
        ids=ids,
        moderator=request.user,
        reason=reason,
        note=note,
    )
    if done:
        messages.success(request, f"{Action(action).label}: {_count_label(len(done), tab)}.")
    for refusal in refusals:
        messages.warning(request, refusal)
    remaining = set(QUEUE_TABS[tab][1]().values_list("pk", flat=True)[: settings.FORUM_QUEUE_PAGE_SIZE])
    next_pk = _next_item(listed_before, acted=ids, remaining=remaining)
    fragment = f"#item-{next_pk}" if next_pk else ""
    return redirect(f"{reverse('moderation:queue')}?tab={tab}{fragment}")


@require_http_methods(["GET", "POST"])
@moderators_only
def comment(request, pk):
    """Moderators: one comment with its context, reports and record, and every action that applies."""
    target = get_object_or_404(Comment.objects.select_related("post", "author", "parent__author"), pk=pk)
    form = DecisionForm(_submitted(request))
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "")
        try:
            comment_service.comment_moderate(comment=target, action=action, moderator=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
        else:
            messages.success(request, f"{Action(action).label}: {target.name}.")
        return HttpResponseRedirect(_next_url(request, default=reverse("moderation:comment", args=[target.pk])))
    reports = list(target.reports.select_related("reporter").order_by("-created_at"))
    context = {
        "comment": target,
        "form": form,
        "actions": _keyed(
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
    action, ids, _, _ = _decision_from(request.POST)
    back = _next_url(request, default=reverse("moderation:queue"))
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
    # Back to the comment, unless it has left the thread (purged): an anchor to nothing sends thread.js looking.
    anchor = "" if target.state in Comment.UNLISTED_STATES else f"#c{target.pk}"
    return HttpResponseRedirect(f"{back.split('#', 1)[0]}{anchor}")


@require_http_methods(["GET", "POST"])
@permission_required("moderation.ban_posters", raise_exception=True)
def comment_ban(request, pk):
    """Moderators who may ban: keep the account, name or address behind a comment from posting."""
    target = get_object_or_404(Comment.objects.select_related("post", "author"), pk=pk)
    form = BanForm(_submitted(request), comment=target)
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


@require_http_methods(["GET", "POST"])
def post_policy(request, slug):
    """Moderators, and the editor who published the post: choose what happens to its new comments."""
    post = get_object_or_404(Post, slug=slug)
    if not post.can_have_policy_set_by(request.user):
        raise PermissionDenied
    form = PostPolicyForm(
        _submitted(request),
        initial={"policy": post.comment_policy},
        site_default=ModerationSettings.current().default_policy,
    )
    if request.method == "POST" and form.is_valid():
        policy_service.post_policy_set(post=post, moderator=request.user, **form.cleaned_data)
        messages.success(request, "The comment policy is saved.")
        return redirect("moderation:post_policy", slug=post.slug)
    context = {
        "post": post,
        "form": form,
        "rules": rules_for(post),
        "log_entries": ModerationLogEntry.objects.filter(post=post).select_related("moderator").newest_first()[:20],
    }
    return render(request, "moderation/post_policy.html", context, status=400 if form.errors else 200)


def moderation_log(request):
    """Anyone: every moderation decision on content, with its reason, never the removed words.

    Moderators also see who acted, their private notes, and bans.
    """
    is_moderator = can_moderate(request.user)
    page = Paginator(_log_entries(is_moderator).newest_first(), settings.FORUM_LOG_PAGE_SIZE).get_page(
        page_number(request.GET.get("page"))
    )
    return render(request, "moderation/log.html", {"page": page, "is_moderator": is_moderator})


@require_http_methods(["GET"])
def log_entry(request, pk):
    """Anyone: one decision on the log, as a tombstone links to it; moderators also see bans and notes."""
    is_moderator = can_moderate(request.user)
    entry = get_object_or_404(_log_entries(is_moderator), pk=pk)
    return render(request, "moderation/log_entry.html", {"entry": entry, "is_moderator": is_moderator})


def _log_entries(is_moderator: bool):
    """The log entries this reader may see: moderators all of them, everyone else the public ones."""
    entries = ModerationLogEntry.objects.select_related(
        "moderator", "comment__post", "comment__author", "section__post", "post", "ban__user"
    )
    return entries if is_moderator else entries.public()


@require_http_methods(["GET", "POST"])
def report_comment(request, pk):
    """Anyone: tell the moderators a comment needs a look; once per reader per comment."""
    target = get_object_or_404(
        Comment.objects.listed().select_related("post", "author"), pk=pk, post__in=Post.objects.published()
    )
    context = {"comment": target, "post": target.post}
    if target.is_gone:
        return render(request, "moderation/report.html", context, status=410)
    form = ReportForm(_submitted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        device = cookies.device_for_posting(request)
        if not limit("report-ip").attempt(client_ip(request)):
            form.add_error(None, "Too many reports from here in the last hour. Please try again later.")
            return render(request, "moderation/report.html", {**context, "form": form}, status=429)
        try:
            report_service.report_create(
                comment=target,
                reporter=request.user,
                reporter_key=keys.reader_key(user=request.user, device=device),
                origin_key=keys.origin_key(user=request.user, address=client_ip(request)),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
            status = 409
        else:
            messages.success(request, "Thank you. The moderators will look at this comment.")
            response = redirect(target.get_absolute_url())
            cookies.remember_device(response, device)
            return response
    status = 400 if form.errors and status == 200 else status
    return render(request, "moderation/report.html", {**context, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def ask_to_remove_comment(request, pk):
    """Anyone: ask the moderators to take a comment down (for authors who cannot prove it is theirs)."""
    comment = get_object_or_404(
        Comment.objects.listed().select_related("post", "author"),
        pk=pk,
        post__in=Post.objects.published(),
    )
    refused = "" if comment.takes_removal_requests else "gone" if comment.is_gone else "not shown"
    return _ask_to_remove(request, target={"comment": comment}, post=comment.post, refused=refused)


@require_http_methods(["GET", "POST"])
def ask_to_remove_section(request, pk):
    """Anyone: ask the moderators to take down a piece of a post, such as a letter quoted in it."""
    section = get_object_or_404(PostSection.objects.select_related("post"), pk=pk, post__in=Post.objects.published())
    refused = (
        "" if section.takes_removal_requests else "gone" if section.removed_at_authors_request else "editors' text"
    )
    return _ask_to_remove(request, target={"section": section}, post=section.post, refused=refused)


def _ask_to_remove(request, *, target: dict, post, refused: str):
    """`refused` says why nothing can be asked for: "gone", "not shown" (hidden or held) or "editors' text"."""
    context = {**target, "post": post, "refused": refused}
    if refused:
        return render(request, "moderation/ask_to_remove.html", context, status=410)
    form = RemovalRequestForm(_submitted(request))
    if request.method == "POST" and form.is_valid():
        if not limit("removal-request-ip").attempt(client_ip(request)):
            form.add_error(None, "Too many requests from here in the last hour. Please try again later.")
            return render(request, "moderation/ask_to_remove.html", {**context, "form": form}, status=429)
        request_service.removal_request_create(requested_by=request.user, **target, **form.cleaned_data)
        messages.success(request, "Your request is with the moderators. Nothing changes until one of them grants it.")
        return redirect(next(iter(target.values())).get_absolute_url())
    status = 400 if form.errors else 200
    return render(request, "moderation/ask_to_remove.html", {**context, "form": form}, status=status)


def _queue_actions(tab: str, item) -> list[tuple[str, str]]:
    if tab == "requests":
        return REQUEST_ACTIONS
    return transitions.actions_allowed(item, has_open_reports=tab == "reported")


def _bulk_actions(tab: str) -> list[tuple[str, str]]:
    if tab == "requests":
        return REQUEST_ACTIONS
    actions = (
        (Action.APPROVE, Action.REJECT)
        if tab == "held"
        else (Action.DISMISS_REPORTS, Action.HIDE, Action.REMOVE, Action.PURGE)
    )
    return [(action, transitions.COMMENT_TRANSITIONS[action].verb) for action in actions]


def _keyed(actions) -> list[tuple[str, str, str, bool]]:
    """(action, label, key, erases words?) for each button."""
    return [(action, label, ACTION_KEYS.get(action, ""), action in DESTRUCTIVE_ACTIONS) for action, label in actions]


def _decision_from(data) -> tuple[str, list[int], str, str]:
    """(action, ids, reason, note) from one item's button ("approve:12") or the bulk bar."""
    if data.get("act"):
        action, _, pk = data["act"].partition(":")
        ids = parse_ids([pk])
        return action, ids, data.get(f"reason-{pk}", ""), data.get(f"note-{pk}", "")
    ids = parse_ids(data.getlist("selected"))
    return data.get("bulk", ""), ids, data.get("bulk-reason", ""), data.get("bulk-note", "")


def _next_item(listed_before: list[int], *, acted: list[int], remaining: set[int]) -> int | None:
    """The item that followed the last one acted on, if it still waits; else the first that does."""
    last = max((listed_before.index(pk) for pk in acted if pk in listed_before), default=-1)
    after = [pk for pk in listed_before[last + 1 :] if pk in remaining]
    if after:
        return after[0]
    return next((pk for pk in listed_before if pk in remaining), None)


def _count_label(count: int, tab: str) -> str:
    noun = "request" if tab == "requests" else "comment"
    return f"1 {noun}" if count == 1 else f"{count} {noun}s"


def _next_url(request, *, default: str) -> str:
    return same_site_path(request.POST.get("next", ""), request=request) or default


def _submitted(request):
    """The posted data, even when empty, so a blank POST gets the form's errors rather than a blank form."""
    return request.POST if request.method == "POST" else None
