"""Moderation writes. Each takes its locks, changes the state and writes its log row in one transaction."""

import json
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.names import name_skeleton
from forum.models import REMOVED_AT_AUTHORS_REQUEST_TEXT, Comment, CommentPolicy, Post, PostSection, Submission
from forum.services import notifications
from forum.threads import changes, fragments
from moderation import defence
from moderation.models import Ban, ModerationLogEntry, RemovalRequest, Report

Action = ModerationLogEntry.Action
State = Comment.State


def log_action(
    *,
    action: str,
    moderator=None,
    comment: Comment | None = None,
    section: PostSection | None = None,
    post: Post | None = None,
    ban: Ban | None = None,
    reason: str = "",
    note: str = "",
    detail: str = "",
) -> ModerationLogEntry:
    """Append one entry to the moderation log; call it inside the action's transaction."""
    entry = ModerationLogEntry(
        action=action,
        moderator=moderator if moderator is not None and moderator.is_authenticated else None,
        comment=comment,
        section=section,
        post=post,
        ban=ban,
        reason=reason.strip(),
        private_note=note.strip(),
        detail=detail,
    )
    entry.full_clean()
    entry.save()
    return entry


@dataclass(frozen=True)
class CommentTransition:
    """A moderator's action on a comment: the states it applies to and the state it leaves."""

    verb: str  # the button's label
    from_states: frozenset
    to_state: str | None  # None: the state stays (dismissing reports)
    needs_open_reports: bool = False
    # The state it leaves instead when replies stand under the comment: they keep a tombstone over them.
    to_state_over_replies: str | None = None

    @property
    def erases(self) -> bool:
        return self.to_state in Comment.GONE_STATES

    def state_for(self, comment: Comment) -> str | None:
        if self.to_state_over_replies and _has_replies_to_keep(comment):
            return self.to_state_over_replies
        return self.to_state


# The one table of what moderators may do to a comment in which state.
COMMENT_TRANSITIONS = {
    Action.APPROVE: CommentTransition("Approve", frozenset({State.PENDING}), State.PUBLISHED),
    Action.REJECT: CommentTransition("Reject", frozenset({State.PENDING}), State.REJECTED),
    Action.HIDE: CommentTransition("Hide", frozenset({State.PUBLISHED}), State.HIDDEN),
    Action.UNHIDE: CommentTransition("Unhide", frozenset({State.HIDDEN}), State.PUBLISHED),
    Action.REMOVE: CommentTransition("Remove", frozenset({State.PUBLISHED, State.HIDDEN}), State.REMOVED_BY_MODERATOR),
    # Spam and worse: no tombstone and nothing in the count, unless replies need one over them.
    Action.PURGE: CommentTransition(
        "Purge",
        frozenset({State.PUBLISHED, State.HIDDEN}),
        State.PURGED,
        to_state_over_replies=State.REMOVED_BY_MODERATOR,
    ),
    Action.DISMISS_REPORTS: CommentTransition(
        "Dismiss reports", frozenset({State.PUBLISHED, State.HIDDEN}), None, needs_open_reports=True
    ),
}


def _has_replies_to_keep(comment: Comment) -> bool:
    """Replies readers see under the comment, or may once they are approved."""
    below = Comment.objects.filter(tree_id=comment.tree_id, lft__gt=comment.lft, rght__lt=comment.rght)
    return below.exclude(state__in={State.REJECTED, State.PURGED}).exists()


def actions_allowed(comment: Comment, *, has_open_reports: bool = False) -> list[tuple[str, str]]:
    """(action, button label) for each moderator action that applies to the comment as it is now."""
    return actions_for_state(comment.state, has_open_reports=has_open_reports)


def actions_for_state(state: str, *, has_open_reports: bool = False) -> list[tuple[str, str]]:
    return [
        (action, transition.verb)
        for action, transition in COMMENT_TRANSITIONS.items()
        if state in transition.from_states and (has_open_reports or not transition.needs_open_reports)
    ]


def comment_moderate(*, comment: Comment, action: str, moderator, reason: str = "", note: str = "") -> Comment:
    """Approve, reject, hide, unhide or remove a comment, or dismiss its reports.

    Refuses (ValidationError) an action that does not apply to the comment's
    current state, which is read under a lock: another moderator may have
    acted first. Every action closes the comment's open reports.
    """
    transition = COMMENT_TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError(f"“{action}” is not a moderation action.")
    with transaction.atomic():
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        open_reports = Report.objects.open().filter(comment=current)
        if current.state not in transition.from_states:
            raise ValidationError(
                f"Comment {current.pk} is {current.get_state_display().lower()}, "
                f"so “{transition.verb}” does not apply to it any more."
            )
        if transition.needs_open_reports and not open_reports.exists():
            raise ValidationError(f"Comment {current.pk} has no open reports to dismiss.")
        if transition.erases:
            erase_comments(
                comment_ids=[current.pk],
                state=transition.state_for(current),
                action=action,
                moderator=moderator,
                reason=reason,
                note=note,
            )
        else:
            if transition.to_state:
                Comment.objects.filter(pk=current.pk).update(state=transition.to_state)
            resolve_open_reports(comment_ids=[current.pk], moderator=moderator)
            # Logged before the fragments are rebuilt: the tombstone names this decision.
            log_action(action=action, moderator=moderator, comment=current, reason=reason, note=note)
            if transition.to_state:
                changes.refresh(fragments.affected_by([current.pk]))
        current.refresh_from_db()
        if action == ModerationLogEntry.Action.APPROVE:
            notifications.comment_published(current)
    return current


def erase_comments(
    *, comment_ids: list[int], state: str, action: str, moderator=None, reason: str = "", note: str = ""
) -> list[int]:
    """The one way words leave the site: erase the comments still up, close their reports, log each.

    Every removal (by the author, by a moderator, with an account) comes
    through here. Comments already gone are left as they are and not logged
    twice. Returns the ids erased now.
    """
    with transaction.atomic():
        erased, shown_by = _erase(comment_ids, state=state, moderator=moderator)
        if erased:
            entries = [
                ModerationLogEntry(
                    action=action,
                    moderator=moderator if moderator is not None and moderator.is_authenticated else None,
                    comment_id=pk,
                    reason=reason.strip(),
                    private_note=note.strip(),
                )
                for pk in erased
            ]
            entries[0].full_clean(exclude=["comment"])
            ModerationLogEntry.objects.bulk_create(entries)
            changes.refresh(shown_by)
    return erased


def resolve_open_reports(*, comment_ids: list[int], moderator=None) -> int:
    """Close the open reports on these comments: they were acted on, one way or another."""
    return (
        Report.objects.open()
        .filter(comment_id__in=comment_ids)
        .update(
            resolved_at=timezone.now(),
            resolved_by=moderator if moderator is not None and moderator.is_authenticated else None,
        )
    )


def _erase(comment_ids: list[int], *, state: str, moderator) -> tuple[list[int], set[int]]:
    """Erase the comments still up and close their reports; returns the ids erased and the comments
    showing them, whose fragments the caller rebuilds once the decision is logged (tombstones name it)."""
    # Locked and re-read, so two removals at once erase and log a comment once.
    live = list(
        Comment.objects.select_for_update()
        .filter(pk__in=comment_ids)
        .exclude(state__in=Comment.GONE_STATES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # Taken before the erasure drops their links: the comments that show these ones.
    shown_by = fragments.affected_by(live)
    Comment.objects.filter(pk__in=live).erase(state=state)
    resolve_open_reports(comment_ids=live, moderator=moderator)
    return live, shown_by


def report_create(
    *, comment: Comment, reason: str, details: str = "", reporter=None, reporter_key: str, origin_key: str = ""
) -> Report:
    """A reader reports a comment; reports from enough different people hide it until a moderator looks.

    `reporter_key` allows one report per reader (account or browser);
    `origin_key` says who stands behind it for the threshold (account or
    network address), so fresh cookies on one address count once.
    """
    report = Report(
        comment=comment,
        reason=reason,
        details=details.strip(),
        reporter=reporter if reporter is not None and reporter.is_authenticated else None,
        reporter_key=reporter_key,
        origin_key=origin_key or reporter_key,
    )
    report.full_clean(exclude=["comment"])
    with transaction.atomic():
        current = Comment.objects.select_for_update().get(pk=comment.pk)
        if current.is_gone or current.state in Comment.UNLISTED_STATES:
            raise ValidationError("This comment is no longer shown, so there is nothing to report.")
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            raise ValidationError("You have already reported this comment. The moderators have it.") from None
        people = Report.objects.open().filter(comment=current).values("origin_key").distinct().count()
        if current.state == State.PUBLISHED and people >= settings.FORUM_REPORTS_TO_HIDE:
            Comment.objects.filter(pk=current.pk).update(state=State.HIDDEN)
            log_action(action=Action.HIDE_AFTER_REPORTS, comment=current, detail=f"Reports from {people} people")
            changes.refresh(fragments.affected_by([current.pk]))
    return report


def removal_request_create(
    *,
    reason: str,
    contact: str = "",
    comment: Comment | None = None,
    section: PostSection | None = None,
    requested_by=None,
) -> RemovalRequest:
    """Record a request to take down a comment or a post section; it waits for a moderator."""
    request = RemovalRequest(
        comment=comment,
        section=section,
        reason=reason.strip(),
        contact=contact.strip(),
        requested_by=requested_by if requested_by and requested_by.is_authenticated else None,
    )
    request.full_clean()
    request.save()
    return request


def removal_request_grant(*, request: RemovalRequest, moderator, reason: str = "", note: str = "") -> RemovalRequest:
    """Erase what was asked for; readers then see "Removed at author's request." in its place."""
    with transaction.atomic():
        current = _lock_open(request)
        shown_by = set()
        if current.comment_id:
            _, shown_by = _erase([current.comment_id], state=State.REMOVED_AT_AUTHORS_REQUEST, moderator=moderator)
        else:
            _erase_section(current.section_id)
        decided = _decide(current, RemovalRequest.Status.GRANTED, moderator, reason=reason, note=note)
        changes.refresh(shown_by)
        return decided


def section_remove_at_authors_request(
    *, section: PostSection, moderator, reason: str = "", note: str = ""
) -> PostSection:
    """Take down a piece of a post whose author asked for it without a request on file (the admin's checkbox).

    Erases it as granting a request does, grants any request waiting on it, and logs once.
    """
    with transaction.atomic():
        if PostSection.objects.select_for_update().get(pk=section.pk).removed_at_authors_request:
            raise ValidationError("That part of the post is already removed.")
        erased = _erase_section(section.pk)
        waiting = RemovalRequest.objects.open().filter(section=erased)
        waiting.update(status=RemovalRequest.Status.GRANTED, decided_by=moderator, decided_at=timezone.now())
        log_action(action=Action.GRANT_REMOVAL_REQUEST, moderator=moderator, section=erased, reason=reason, note=note)
    return erased


def _erase_section(section_id: int) -> PostSection:
    """Erase a section's words everywhere they were copied: the post, the editors' inbox, and a title the piece gave its post."""
    section = PostSection.objects.select_for_update().get(pk=section_id)
    if section.removed_at_authors_request:
        return section
    section.remove_at_authors_request()
    section.save(update_fields=["body", "body_html", "heading", "credit", "removed_at_authors_request"])
    changes.posts_changed(Post.objects.filter(pk=section.post_id))
    submission = Submission.objects.filter(section=section).first()
    if submission is not None:
        if submission.created_post:
            _erase_post_title(section.post_id)
        Submission.objects.filter(pk=submission.pk).update(
            title=REMOVED_AT_AUTHORS_REQUEST_TEXT, text="", credit_name=""
        )
    return section


def _erase_post_title(post_id: int) -> None:
    """A post made from a piece carries the sender's title in its title, its address and the admin's history."""
    post = Post.objects.select_for_update().get(pk=post_id)
    old_title = post.title
    post.title = REMOVED_AT_AUTHORS_REQUEST_TEXT
    post.slug = f"removed-{post.pk}"
    post.save(update_fields=["title", "slug"])
    # The admin's own history names the post by its title, and its sections ("Title § 1") in the
    # JSON list of changes, where the title is escaped as json.dumps escapes it.
    escaped_title = json.dumps(old_title)[1:-1]
    for entry in LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Post), object_id=str(post.pk)):
        LogEntry.objects.filter(pk=entry.pk).update(
            object_repr=REMOVED_AT_AUTHORS_REQUEST_TEXT,
            change_message=entry.change_message.replace(escaped_title, REMOVED_AT_AUTHORS_REQUEST_TEXT),
        )


def removal_request_decline(*, request: RemovalRequest, moderator, reason: str = "", note: str = "") -> RemovalRequest:
    """Leave the content up and close the request."""
    with transaction.atomic():
        return _decide(_lock_open(request), RemovalRequest.Status.DECLINED, moderator, reason=reason, note=note)


def post_policy_set(*, post: Post, policy: str, moderator, reason: str = "", note: str = "") -> Post:
    """Give a post its own comment policy ("" returns it to the site default)."""
    if policy and policy not in CommentPolicy.values:
        raise ValidationError(f"“{policy}” is not a comment policy.")
    if not post.can_have_policy_set_by(moderator):
        raise PermissionDenied("Only moderators, and the editor who published a post, set its comment policy.")
    with transaction.atomic():
        current = Post.objects.select_for_update().get(pk=post.pk)
        if current.comment_policy == policy:
            return current
        current.comment_policy = policy
        current.save(update_fields=["comment_policy"])
        changes.posts_changed(Post.objects.filter(pk=current.pk))
        detail = CommentPolicy(policy).label if policy else "The site's default"
        log_action(action=Action.SET_POLICY, moderator=moderator, post=current, reason=reason, note=note, detail=detail)
    return current


def ban_create(*, kind: str, comment: Comment, moderator, days: int | None, reason: str = "", note: str = "") -> Ban:
    """Ban the account, the typed name or the address behind a comment, for `days` (None: until lifted)."""
    ban = Ban(
        kind=kind,
        reason=reason.strip(),
        created_by=moderator,
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    if kind == Ban.Kind.ACCOUNT and comment.author_id:
        ban.user = comment.author
    elif kind == Ban.Kind.NAME and comment.author_name:
        ban.name_key, ban.name_shown = name_skeleton(comment.author_name), comment.author_name
    elif kind == Ban.Kind.ADDRESS and comment.ip_address:
        ban.address_hash = defence.address_hash(comment.ip_address)
    else:
        raise ValidationError(f"This comment has no {Ban.Kind(kind).label.lower()} to ban.")
    ban.full_clean()
    with transaction.atomic():
        ban.save()
        log_action(action=Action.BAN, moderator=moderator, ban=ban, reason=reason, note=note, detail=_duration(days))
    return ban


def ban_lift(*, ban: Ban, moderator, reason: str = "") -> Ban:
    with transaction.atomic():
        current = Ban.objects.select_for_update().get(pk=ban.pk)
        if not current.is_active:
            raise ValidationError("This ban is no longer in force.")
        current.lifted_at = timezone.now()
        current.save(update_fields=["lifted_at"])
        log_action(action=Action.LIFT_BAN, moderator=moderator, ban=current, reason=reason)
    return current


# The queue's actions on removal requests, beside COMMENT_TRANSITIONS for comments.
REQUEST_DECISIONS = {
    Action.GRANT_REMOVAL_REQUEST: removal_request_grant,
    Action.DECLINE_REMOVAL_REQUEST: removal_request_decline,
}


def queue_decide(
    *, items: str, action: str, ids: list[int], moderator, reason: str = "", note: str = ""
) -> tuple[list[int], list[str]]:
    """Apply one action to several queue items ("comments" or "requests"), each in its own transaction.

    Returns the ids done and a message for each one refused, so one item
    decided meanwhile by another moderator does not undo the rest.
    """
    done, refusals = [], []
    for pk in ids:
        try:
            if items == "requests":
                decide = REQUEST_DECISIONS.get(action)
                if decide is None:
                    raise ValidationError(f"“{action}” is not a decision on a removal request.")
                decide(request=RemovalRequest.objects.get(pk=pk), moderator=moderator, reason=reason, note=note)
            else:
                comment_moderate(
                    comment=Comment.objects.get(pk=pk), action=action, moderator=moderator, reason=reason, note=note
                )
        except (Comment.DoesNotExist, RemovalRequest.DoesNotExist):
            refusals.append(f"Item {pk} no longer exists.")
        except ValidationError as error:
            refusals.append(" ".join(error.messages))
        else:
            done.append(pk)
    return done, refusals


def _duration(days: int | None) -> str:
    if not days:
        return "Until lifted"
    return "For 1 day" if days == 1 else f"For {days} days"


def _lock_open(request: RemovalRequest) -> RemovalRequest:
    current = (
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins.
        RemovalRequest.objects.select_for_update(of=("self",)).select_related("comment", "section").get(pk=request.pk)
    )
    if not current.is_open:
        raise ValidationError(f"This request was already decided: {current.get_status_display().lower()}.")
    return current


def _decide(request: RemovalRequest, status: str, moderator, *, reason: str, note: str) -> RemovalRequest:
    """Close the request and put the decision on the log (inside the caller's transaction)."""
    request.status = status
    request.decided_by = moderator
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    granted = status == RemovalRequest.Status.GRANTED
    log_action(
        action=Action.GRANT_REMOVAL_REQUEST if granted else Action.DECLINE_REMOVAL_REQUEST,
        moderator=moderator,
        comment=request.comment,
        section=request.section,
        reason=reason,
        note=note,
    )
    return request
