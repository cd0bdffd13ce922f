"""A commenter as moderators see them: everything the same person wrote, notes, and sanctions short of a ban."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from forum.models import Comment
from moderation.commenters import commenter_record, person_of
from moderation.forms import DecisionForm, PersonNoteForm, SanctionForm
from moderation.models import PersonNote, Sanction
from moderation.services import people as people_service
from moderation.views.shared import moderators_only, next_url, submitted


def _seed(pk: int) -> Comment:
    return get_object_or_404(Comment.objects.select_related("post", "author"), pk=pk)


@require_http_methods(["GET"])
@moderators_only
def commenter(request, pk):
    """Moderators: the person behind a comment, across the site, with what linked each comment to them."""
    seed = _seed(pk)
    return _render(request, seed, PersonNoteForm(), SanctionForm())


def _render(request, seed, note_form, sanction_form, status=200):
    context = {
        "seed": seed,
        "record": commenter_record(seed),
        "note_form": note_form,
        "sanction_form": sanction_form,
        "can_ban": request.user.has_perm("moderation.ban_posters"),
    }
    return render(request, "moderation/commenter.html", context, status=status)


def _label(seed: Comment) -> str:
    return f"{seed.author_label} on “{seed.post.title}”"


@require_POST
@moderators_only
def note_add(request, pk):
    """Moderators: leave a private note on the person behind a comment."""
    seed = _seed(pk)
    form = PersonNoteForm(request.POST)
    if form.is_valid():
        try:
            people_service.note_add(
                identity=person_of(seed),
                text=form.cleaned_data["text"],
                moderator=request.user,
                subject_label=_label(seed),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Note saved. Only moderators see it.")
            return redirect("moderation:commenter", pk=seed.pk)
    return _render(request, seed, form, SanctionForm(), status=400)


@require_POST
@moderators_only
def note_delete(request, note_pk):
    """Moderators: delete a note; its words go, and the moderators' log keeps who did it."""
    note = get_object_or_404(PersonNote, pk=note_pk)
    try:
        people_service.note_delete(note=note, moderator=request.user)
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(request, "Note deleted.")
    return redirect(next_url(request, default=reverse("moderation:queue")))


@require_POST
@moderators_only
def sanction_add(request, pk):
    """Moderators: warn, hold every comment of, or suspend the person behind a comment."""
    seed = _seed(pk)
    form = SanctionForm(submitted(request))
    if form.is_valid():
        try:
            sanction = people_service.sanction_impose(
                identity=person_of(seed),
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                ends_at=form.ends_at,
                moderator=request.user,
                subject_label=_label(seed),
                note=form.cleaned_data["note"],
                note_to_author=form.cleaned_data["note_to_author"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{sanction.get_kind_display()}: in force. It is on the moderation log.")
            return redirect("moderation:commenter", pk=seed.pk)
    return _render(request, seed, PersonNoteForm(), form, status=400)


@require_POST
@moderators_only
def sanction_lift(request, sanction_pk):
    """Moderators: end a warning, hold or suspension early (logged)."""
    sanction = get_object_or_404(Sanction, pk=sanction_pk)
    back = next_url(request, default=reverse("moderation:queue"))
    why = DecisionForm(request.POST)
    if not why.is_valid():
        messages.error(request, " ".join(why.errors.get("note", [])))
        return redirect(back)
    try:
        people_service.sanction_lift(sanction=sanction, moderator=request.user, note=why.cleaned_data["note"])
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(request, f"Lifted: {sanction.get_kind_display().lower()} on {sanction.subject_label}.")
    return redirect(back)
