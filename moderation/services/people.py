"""Notes and sanctions on a person (moderation.identity), each logged; lifting a sanction early, deleting a note."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from forum.lib.dates import date_and_time
from moderation.identity import Identity
from moderation.models import PersonLink, PersonNote, Sanction
from moderation.services.log import log_action
from moderation.transitions import Action

SANCTION_ACTIONS = {
    Sanction.Kind.WARNING: Action.WARN,
    Sanction.Kind.HOLD: Action.HOLD_PERSON,
    Sanction.Kind.SUSPENSION: Action.SUSPEND,
}


def _link(owner: PersonNote | Sanction, identity: Identity) -> None:
    owner_field = "note" if isinstance(owner, PersonNote) else "sanction"
    PersonLink.objects.bulk_create(
        PersonLink(kind=kind, value=value, **{owner_field: owner}) for kind, value in identity.links()
    )


def _refuse_without_links(identity: Identity) -> None:
    if identity.is_empty:
        raise ValidationError(
            "Nothing identifies this commenter any more (no account, name, browser or address is kept), "
            "so a note or a sanction would reach nobody."
        )


def note_add(*, identity: Identity, text: str, moderator, subject_label: str) -> PersonNote:
    """A private note on a person, for the other moderators; never on a public page."""
    _refuse_without_links(identity)
    note = PersonNote(text=text.strip(), created_by=moderator, subject_label=subject_label[:120])
    note.full_clean()
    with transaction.atomic():
        note.save()
        _link(note, identity)
    return note


def note_delete(*, note: PersonNote, moderator) -> PersonNote:
    """Take a note down: its words go, and the moderators' log says who deleted it and when."""
    with transaction.atomic():
        current = PersonNote.objects.select_for_update().get(pk=note.pk)
        if current.deleted_at:
            raise ValidationError("This note was already deleted.")
        current.text, current.deleted_at, current.deleted_by = "", timezone.now(), moderator
        current.save(update_fields=["text", "deleted_at", "deleted_by"])
        log_action(action=Action.DELETE_NOTE, moderator=moderator, note_about=current)
    return current


def sanction_impose(
    *,
    identity: Identity,
    kind: str,
    reason: str,
    ends_at: datetime | None,
    moderator,
    subject_label: str,
    note: str = "",
    note_to_author: str = "",
) -> Sanction:
    """Warn, hold or suspend a person on every link that identifies them; logged publicly without their words."""
    _refuse_without_links(identity)
    if kind == Sanction.Kind.SUSPENSION and ends_at is None:
        raise ValidationError("A suspension needs an end: choose how long, or a date.")
    if ends_at is not None and ends_at <= timezone.now():
        raise ValidationError("That end is already past: choose a later one.")
    sanction = Sanction(
        kind=kind, reason=reason.strip(), ends_at=ends_at, created_by=moderator, subject_label=subject_label[:120]
    )
    sanction.full_clean()
    with transaction.atomic():
        sanction.save()
        _link(sanction, identity)
        log_action(
            action=SANCTION_ACTIONS[kind],
            moderator=moderator,
            sanction=sanction,
            note=note,
            note_to_author=note_to_author,
            detail=_until(ends_at),
        )
    return sanction


def sanction_lift(*, sanction: Sanction, moderator, note: str = "") -> Sanction:
    with transaction.atomic():
        current = Sanction.objects.select_for_update().get(pk=sanction.pk)
        if not current.is_active:
            raise ValidationError("This sanction is no longer in force.")
        current.lifted_at, current.lifted_by = timezone.now(), moderator
        current.save(update_fields=["lifted_at", "lifted_by"])
        log_action(action=Action.LIFT_SANCTION, moderator=moderator, sanction=current, note=note)
    return current


def person_forget_account(*, user_id: int) -> None:
    """An account is deleted: notes about it go now, or once the sanctions on it end (forum.ops.retention)."""
    links = PersonLink.objects.filter(kind=PersonLink.Kind.ACCOUNT, value=str(user_id))
    note_ids = list(links.filter(note__isnull=False).values_list("note_id", flat=True))
    if not note_ids:
        return
    PersonNote.objects.filter(pk__in=note_ids).update(subject_gone=True)
    notes_of_gone_people_erase()


def notes_of_gone_people_erase() -> int:
    """Erase the notes on deleted accounts that no sanction in force still needs; returns how many."""
    live_values = PersonLink.objects.filter(
        sanction__in=Sanction.objects.active(), kind=PersonLink.Kind.ACCOUNT
    ).values("value")
    still_needed = PersonLink.objects.filter(kind=PersonLink.Kind.ACCOUNT, value__in=live_values, note__isnull=False)
    gone = PersonNote.objects.filter(subject_gone=True).exclude(text="").exclude(pk__in=still_needed.values("note_id"))
    return gone.update(text="", deleted_at=timezone.now())


def _until(ends_at: datetime | None) -> str:
    return f"Until {date_and_time(ends_at)}" if ends_at else "Until lifted"
