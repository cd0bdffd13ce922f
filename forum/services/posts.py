"""Writes to posts, their sections and labels: the admin, the editors' inbox and the importers all come here."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from forum.models import Label, Post, PostSection
from forum.threads import changes
from moderation.models import ModerationLogEntry
from moderation.services.log import log_action


def post_save(*, post: Post) -> Post:
    """Write a post's own fields (title, address, date, kind, byline), validated; readers' cached pages of it go stale."""
    with transaction.atomic():
        existed = post.pk is not None
        post.full_clean()
        post.save()
        if existed:
            changes.posts_changed(Post.objects.filter(pk=post.pk))
    return post


def label_save(*, label: Label) -> Label:
    """Write a label: the posts filed under it show its name, so their cached pages go stale."""
    with transaction.atomic():
        label.full_clean()
        label.save()
        changes.posts_changed(label.posts.all())
    return label


def label_delete(*, label: Label) -> None:
    """Delete a label; the posts that showed it lose it, and their cached pages go stale."""
    with transaction.atomic():
        posts = list(label.posts.values_list("pk", flat=True))
        label.delete()
        changes.posts_changed(Post.objects.filter(pk__in=posts))


def section_save(*, section: PostSection, editor) -> PostSection:
    """An editor writes a new section of a post or rewrites one; a rewrite goes on the moderation log.

    A new section may be written already removed, as the placeholder an old
    post had. Refuses (ValidationError) to bring back a section removed at
    its author's request, or to remove one here: that erasure is
    moderation.services.requests.section_remove_at_authors_request.
    """
    with transaction.atomic():
        before = PostSection.objects.select_for_update().filter(pk=section.pk).first() if section.pk else None
        if before is not None and before.removed_at_authors_request:
            raise ValidationError("This part of the post was removed at its author's request and stays removed.")
        if section.removed_at_authors_request:
            if before is not None:
                raise ValidationError("A part of a post is taken down through its removal, not by editing it.")
            section.remove_at_authors_request()
        else:
            section.set_body(section.body)
        section.full_clean()
        section.save()
        edited = before is not None and any(
            getattr(before, name) != getattr(section, name)
            for name in ("body", "body_format", "heading", "credit", "position", "offers_removal_requests")
        )
        if edited:
            log_action(action=ModerationLogEntry.Action.EDIT_SECTION, moderator=editor, section=section)
        changes.posts_changed(Post.objects.filter(pk=section.post_id))
    return section


def sections_save(*, post: Post, sections: list[PostSection], editor) -> list[PostSection]:
    """An editor's changes to several parts of one post at once (the admin's page), each through section_save.

    A part without a position goes after the others, in the order given.
    Parts may swap places: the moved ones step aside first, so no two share a
    position at any moment. Refuses (ValidationError) two parts at one position.
    """
    with transaction.atomic():
        # One editor's page at a time per post: the positions read below stay theirs until commit.
        list(Post.objects.select_for_update().filter(pk=post.pk).values_list("pk"))
        saved_ids = {section.pk for section in sections if section.pk is not None}
        stored = dict(PostSection.objects.filter(post=post).values_list("pk", "position"))
        kept = [position for pk, position in stored.items() if pk not in saved_ids]
        given = [section.position for section in sections if section.position is not None]
        taken = kept + given
        if len(taken) != len(set(taken)):
            raise ValidationError("Two parts of the post cannot share a position.")
        next_free = max([*stored.values(), *given], default=0) + 1
        for section in sections:
            if section.position is None:
                section.position, next_free = next_free, next_free + 1
        moved = [
            section.pk for section in sections if section.pk is not None and stored.get(section.pk) != section.position
        ]
        for offset, pk in enumerate(moved):
            PostSection.objects.filter(pk=pk).update(position=next_free + offset)
        return [section_save(section=section, editor=editor) for section in sections]


def free_slug(title: str) -> str:
    """A web address for a new post from its title (or an old address's name), unique among posts."""
    return _unused_slug(Post.objects, slugify(title)[:180] or "post")


def _unused_slug(rows, base: str) -> str:
    """`base`, or `base-2`, `base-3`… : the first no row has yet."""
    slug, number = base, 1
    while rows.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def label_for_name(name: str) -> Label:
    """The label called `name` (else one differing only in case), made if the site has none yet."""
    name = name.strip()
    label = Label.objects.named(name)
    if label is not None:
        return label
    label = Label(name=name, slug=_unused_slug(Label.objects, label_slug_base(name) or "label"))
    label.full_clean()
    label.save()
    return label


def label_slug_base(name: str) -> str:
    return slugify(name, allow_unicode=True)[:100]
