"""What anyone may use: the public moderation log and a decision's own page, reporting a comment, asking to remove."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from forum.lib import cookies, keys
from forum.lib.inputs import page_number
from forum.lib.limits import client_ip, limit
from forum.lib.people import can_moderate
from forum.models import Comment, Post, PostSection
from moderation.forms import RemovalRequestForm, ReportForm
from moderation.models import ModerationLogEntry
from moderation.services import reports as report_service
from moderation.services import requests as request_service
from moderation.views.shared import submitted


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
        "moderator", "comment__post", "comment__author", "section__post", "post", "ban__user", "sanction", "note"
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
    form = ReportForm(submitted(request))
    status = 200
    if request.method == "POST" and form.is_valid():
        device = cookies.device_for_posting(request)
        origin_key = keys.origin_key(user=request.user, address=client_ip(request))
        # One person's reports are capped per hour (by account, else address), and per address.
        if not limit("report-ip").attempt(client_ip(request)) or not limit("report-person").attempt(origin_key):
            form.add_error(None, "Too many reports from you in the last hour. Please try again later.")
            return render(request, "moderation/report.html", {**context, "form": form}, status=429)
        try:
            report_service.report_create(
                comment=target,
                reporter=request.user,
                reporter_key=keys.reader_key(user=request.user, device=device),
                origin_key=origin_key,
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
    form = RemovalRequestForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        if not limit("removal-request-ip").attempt(client_ip(request)):
            form.add_error(None, "Too many requests from here in the last hour. Please try again later.")
            return render(request, "moderation/ask_to_remove.html", {**context, "form": form}, status=429)
        device = cookies.device_for_posting(request)
        request_service.removal_request_create(
            requested_by=request.user,
            requester_key=keys.reader_key(user=request.user, device=device),
            **target,
            **form.cleaned_data,
        )
        messages.success(
            request,
            "Your request is with the moderators. Nothing changes until one of them grants it; "
            "your standing page shows their answer.",
        )
        response = redirect(next(iter(target.values())).get_absolute_url())
        cookies.remember_device(response, device)
        return response
    status = 400 if form.errors else 200
    return render(request, "moderation/ask_to_remove.html", {**context, "form": form}, status=status)
