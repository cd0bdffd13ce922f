"""Pieces readers send the editors: sent, published as a section of a post, or declined."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from forum.lib.people import member_or_none
from forum.models import Post, PostSection, Submission
from forum.services.posts import free_slug, post_save, section_save


def submission_create(*, title: str, text: str, credit: str, credit_name: str = "", sender=None) -> Submission:
    """A reader sends the editors a piece; it waits in the editors' inbox."""
    submission = Submission(
        title=title.strip(),
        text=text.strip("\n"),
        credit=credit,
        credit_name=credit_name.strip() if credit == Submission.Credit.NAME else "",
        sender=member_or_none(sender),
    )
    submission.full_clean()
    submission.save()
    return submission


def submission_publish(
    *, submission: Submission, editor, post: Post | None = None, new_post_title: str = ""
) -> PostSection:
    """Publish a waiting piece as the last section of `post`, or of a new post published today, credited as asked.

    Refuses (ValidationError) a piece another editor has already decided on.
    """
    with transaction.atomic():
        current = Submission.objects.select_for_update(of=("self",)).select_related("sender").get(pk=submission.pk)
        if not current.is_waiting:
            raise ValidationError(f"This piece is already {current.get_state_display().lower()}.")
        current.created_post = post is None
        if post is None:
            post = Post(title=(new_post_title or current.title).strip(), editor=editor)
            post.slug = free_slug(post.title)
            post_save(post=post)
        last = post.sections.aggregate(last=Max("position"))["last"] or 0
        section = PostSection(
            post=post, position=last + 1, heading=current.title, credit=current.credit_label, body=current.text
        )
        section_save(section=section, editor=editor)
        current.state = Submission.State.PUBLISHED
        current.section = section
        current.decided_by = editor
        current.decided_at = timezone.now()
        current.save(update_fields=["state", "section", "decided_by", "decided_at", "created_post"])
    return section


def submission_decline(*, submission: Submission, editor) -> None:
    with transaction.atomic():
        declined = Submission.objects.filter(pk=submission.pk, state=Submission.State.WAITING).update(
            state=Submission.State.DECLINED, decided_by=editor, decided_at=timezone.now()
        )
    if not declined:
        raise ValidationError("This piece has already been decided on.")
