"""Pieces readers send to the editors, and the editors' inbox where they are published or declined."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from forum.lib.limits import client_ip, limit
from forum.models import Submission
from forum.services import submissions as submission_service
from forum.web.forms import PublishSubmissionForm, SubmissionForm

review_required = permission_required("forum.review_submissions", raise_exception=True)


@require_http_methods(["GET", "POST"])
def submission_create(request):
    """Anyone: send the editors a piece for publication, credited by handle, a name, or anonymously."""
    form = SubmissionForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        if not limit("submission-ip").attempt(client_ip(request)):
            form.add_error(None, "Too many pieces from here in the last hour. Keep your text and try again later.")
            return render(request, "forum/submission_form.html", {"form": form}, status=429)
        submission_service.submission_create(sender=request.user, **form.cleaned_data)
        return render(request, "forum/submission_sent.html")
    return render(request, "forum/submission_form.html", {"form": form}, status=400 if form.errors else 200)


@review_required
def submission_inbox(request):
    """Editors: pieces waiting, oldest first, and the latest decided."""
    waiting = Submission.objects.waiting().oldest_first().select_related("sender")
    decided = (
        Submission.objects.exclude(state=Submission.State.WAITING)
        .select_related("sender", "decided_by", "section__post")
        .order_by("-decided_at")[:20]
    )
    return render(request, "forum/submission_inbox.html", {"waiting": waiting, "decided": decided})


@review_required
@require_http_methods(["GET", "POST"])
def submission_detail(request, pk):
    """Editors: read a piece, then publish it as a section of a new or existing post, or decline it."""
    submission = get_object_or_404(Submission.objects.select_related("sender", "section__post"), pk=pk)
    form = PublishSubmissionForm(request.POST if request.POST.get("action") == "publish" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "decline":
                submission_service.submission_decline(submission=submission, editor=request.user)
                messages.success(request, f"“{submission.title}” is declined.")
                return redirect("forum:submission_inbox")
            if form.is_valid():
                section = submission_service.submission_publish(
                    submission=submission,
                    editor=request.user,
                    post=form.chosen_post,
                    new_post_title=form.cleaned_data["new_post_title"],
                )
                messages.success(request, f"“{submission.title}” is published, credited to {section.credit}.")
                return redirect(section.get_absolute_url())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("forum:submission_detail", pk=submission.pk)
    status = 400 if form.errors else 200
    return render(request, "forum/submission_detail.html", {"submission": submission, "form": form}, status=status)
