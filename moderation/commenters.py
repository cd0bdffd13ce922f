"""Reads for moderators about one commenter: everything the same person wrote, and what was decided about them.

"The same person" is every comment sharing a link with the one a moderator
opened (moderation.identity), taken one step further over the strong links
(account, typed name, browser), so a browser that also typed a name brings
that name's comments from other browsers. An address joins only the comments
it was seen on: a shared office or phone network is not one person.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from forum.models import Comment
from moderation.identity import Identity, identity_of_comment
from moderation.models import Ban, ModerationLogEntry, PersonLink, PersonNote, Report, Sanction

COMMENTS_SHOWN = 200
# Notes and sanctions shown, newest first; a person with more has a long history, and a page says so.
RECORDS_SHOWN = 50
# A name or browser seen with more links than this is not one person (a common name, a library computer):
# the commenter page then follows the opened comment's own links and no further.
MAX_LINKS = 25
REJECTION_WINDOW_DAYS = 90
TURNED_DOWN_STATES = (
    Comment.State.REJECTED,
    Comment.State.REMOVED_BY_MODERATOR,
    Comment.State.PURGED,
)


def person_of(comment: Comment) -> Identity:
    """The links of the comment's author, and those of their other comments under the same account, name or browser."""
    seed = identity_of_comment(comment)
    strong = Identity(account_ids=seed.account_ids, name_keys=seed.name_keys, device_hashes=seed.device_hashes)
    if strong.is_empty:
        return seed
    rows = list(
        Comment.objects.filter(strong.comments())
        .values_list("author_id", "author_name_key", "device_hash")
        .distinct()
        .order_by()[: MAX_LINKS + 1]
    )
    if len(rows) > MAX_LINKS:
        # Too many accounts, names and browsers behind these links to be one person: the comment's own links only.
        return seed
    found = Identity(
        account_ids=frozenset(author for author, _, _ in rows if author),
        name_keys=frozenset(name for _, name, _ in rows if name),
        device_hashes=frozenset(device for _, _, device in rows if device),
    )
    return seed.joined_with(found)


@dataclass
class CommenterRecord:
    identity: Identity
    comments: list[Comment]
    counts: dict[str, int]
    sanctions: list[Sanction]
    notes: list[PersonNote]
    bans: list[Ban]
    more_comments: int = 0
    links: list[str] = field(default_factory=list)
    more_sanctions: bool = False
    more_notes: bool = False

    @property
    def rejected_share(self) -> str:
        recent = self.counts["recent"]
        if not recent:
            return "none posted"
        return f"{round(100 * self.counts['recent_turned_down'] / recent)}% ({self.counts['recent_turned_down']} of {recent})"


def commenter_record(comment: Comment) -> CommenterRecord:
    """The commenter's page: their comments newest first, with reports and decisions, counts, sanctions, notes, bans."""
    identity = person_of(comment)
    theirs = Comment.objects.filter(identity.comments())
    shown = list(
        theirs.select_related("post", "author")
        .prefetch_related(
            Prefetch("reports", queryset=Report.objects.order_by("created_at", "pk")),
            "screening_hits",
        )
        .newest_first()[:COMMENTS_SHOWN]
    )
    _attach_decisions(shown)
    for each in shown:
        each.joined_by = identity.joined_by(each)
    counts = _counts(theirs)
    sanctions = list(sanctions_on(identity).select_related("created_by", "lifted_by")[: RECORDS_SHOWN + 1])
    notes = list(notes_on(identity).select_related("created_by", "deleted_by")[: RECORDS_SHOWN + 1])
    return CommenterRecord(
        identity=identity,
        comments=shown,
        counts=counts,
        sanctions=sanctions[:RECORDS_SHOWN],
        notes=notes[:RECORDS_SHOWN],
        bans=list(_bans_on(identity).select_related("user", "created_by")[:RECORDS_SHOWN]),
        more_comments=max(0, counts["comments"] - len(shown)),
        links=sorted({label for each in shown for label in each.joined_by}),
        more_sanctions=len(sanctions) > RECORDS_SHOWN,
        more_notes=len(notes) > RECORDS_SHOWN,
    )


def _attach_decisions(comments: list[Comment]) -> None:
    decisions = defaultdict(list)
    entries = ModerationLogEntry.objects.filter(comment_id__in=[c.pk for c in comments]).select_related("moderator")
    for entry in entries.order_by("created_at", "pk"):
        decisions[entry.comment_id].append(entry)
    for each in comments:
        each.decisions = decisions[each.pk]


def _counts(theirs) -> dict[str, int]:
    since = timezone.now() - timedelta(days=REJECTION_WINDOW_DAYS)
    counts = theirs.aggregate(
        comments=Count("pk"),
        held=Count("pk", filter=Q(state=Comment.State.PENDING)),
        hidden=Count("pk", filter=Q(state=Comment.State.HIDDEN)),
        removed=Count("pk", filter=Q(state__in=TURNED_DOWN_STATES)),
        recent=Count("pk", filter=Q(created_at__gte=since)),
        recent_turned_down=Count("pk", filter=Q(created_at__gte=since, state__in=TURNED_DOWN_STATES)),
    )
    counts["reports"] = Report.objects.filter(comment__in=theirs.values("pk")).count()
    return counts


def sanctions_on(identity: Identity):
    """Every sanction, past and present, on any of the person's links."""
    linked = PersonLink.objects.filter(identity.person_links(), sanction__isnull=False).values("sanction_id")
    return Sanction.objects.filter(pk__in=linked)


def notes_on(identity: Identity):
    """Every note on any of the person's links, deleted ones included (they say who deleted them)."""
    linked = PersonLink.objects.filter(identity.person_links(), note__isnull=False).values("note_id")
    return PersonNote.objects.filter(pk__in=linked)


def _bans_on(identity: Identity):
    subjects = Q(pk__in=[])
    if identity.account_ids:
        subjects |= Q(kind=Ban.Kind.ACCOUNT, user_id__in=identity.account_ids)
    if identity.name_keys:
        subjects |= Q(kind=Ban.Kind.NAME, name_key__in=identity.name_keys)
    if identity.address_hashes:
        subjects |= Q(kind=Ban.Kind.ADDRESS, address_hash__in=identity.address_hashes)
    return Ban.objects.filter(subjects)


@dataclass
class BesideItem:
    """What the queue shows beside one comment about its author: notes and sanctions in force, each with
    the links that tie it to this comment (a note found only by a shared address may be about someone else)."""

    notes: list[tuple[PersonNote, str]] = field(default_factory=list)
    sanctions: list[tuple[Sanction, str]] = field(default_factory=list)


def beside_queue_items(comments: list[Comment]) -> dict[int, BesideItem]:
    """comment id -> its author's notes and sanctions in force, in one query however many items."""
    identities = {each.pk: identity_of_comment(each) for each in comments}
    wanted = Q(pk__in=[])
    for identity in identities.values():
        wanted |= identity.person_links()
    by_link = defaultdict(list)
    for link in PersonLink.objects.filter(wanted).select_related("note__created_by", "sanction"):
        by_link[(link.kind, link.value)].append(link)
    return {pk: _beside(identity, by_link) for pk, identity in identities.items()}


def _beside(identity: Identity, by_link: dict) -> BesideItem:
    notes: dict[int, tuple[PersonNote, list[str]]] = {}
    sanctions: dict[int, tuple[Sanction, list[str]]] = {}
    for key in identity.links():
        for link in by_link.get(key, ()):
            label = link.get_kind_display()
            if link.note_id and not link.note.deleted_at:
                notes.setdefault(link.note_id, (link.note, []))[1].append(label)
            if link.sanction_id and link.sanction.is_active:
                sanctions.setdefault(link.sanction_id, (link.sanction, []))[1].append(label)
    return BesideItem(
        notes=[(note, ", ".join(labels)) for note, labels in notes.values()],
        sanctions=[(sanction, ", ".join(labels)) for sanction, labels in sanctions.values()],
    )
