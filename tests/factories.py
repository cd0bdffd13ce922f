"""Small helpers that build posts, members and comments through the same services and forms the site uses."""

import itertools
from datetime import date, datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import User
from forum.models import Comment, Post, PostSection
from forum.services.comments import comment_post
from moderation.models import DEFAULT_REASONS, Reason
from moderation.roles import grant_role_permissions

PASSWORD = "a long passphrase"

_numbers = itertools.count(1)


def make_post(
    *, title: str | None = None, published_on: date | None = None, body: str = "The editor's text.", **fields
) -> Post:
    number = next(_numbers)
    title = title or f"Post {number}"
    post = Post(title=title, slug=fields.pop("slug", f"post-{number}"), **fields)
    if published_on:
        post.published_on = published_on
    post.full_clean()
    post.save()
    section = PostSection(post=post, position=1)
    section.set_body(body)
    section.full_clean()
    section.save()
    return post


def make_comment(
    *, post: Post | None = None, parent: Comment | None = None, text: str | None = None, **fields
) -> Comment:
    post = post or (parent.post if parent else make_post())
    return comment_post(post=post, parent=parent, text=text or f"Comment {next(_numbers)}", **fields)


def site_time(clock: str, *, days_ago: int = 1) -> datetime:
    """A moment at "HH:MM" on the site's clock (Europe/London), `days_ago` days back."""
    hour, minute = map(int, clock.split(":"))
    day = datetime.now(ZoneInfo("Europe/London")).date() - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, hour, minute, 30, tzinfo=ZoneInfo("Europe/London"))


def make_comment_at(moment: datetime | str, **fields) -> Comment:
    """A comment posted at a chosen moment: readers refer to comments by their posting time."""
    if isinstance(moment, str):
        moment = site_time(moment)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return make_comment(**fields)


def make_chain(*, post: Post, depth: int) -> list[Comment]:
    """A top-level comment and a reply to a reply ... `depth` levels below it."""
    chain = [make_comment(post=post)]
    for _ in range(depth):
        chain.append(make_comment(parent=chain[-1]))
    return chain


def make_thread(*, post: Post, size: int) -> None:
    """`size` comments: every fifth starts a tree, the rest reply to the one before (depth up to 4)."""
    previous = None
    for number in range(size):
        previous = make_comment(post=post, parent=None if number % 5 == 0 else previous)


def make_member(handle: str | None = None, **fields) -> User:
    handle = handle or f"member{next(_numbers)}"
    return User.objects.create_user(handle=handle, email=f"{handle.lower()}@example.org", password=PASSWORD, **fields)


def make_moderator(handle: str | None = None, **fields) -> User:
    """A member in the Moderators group, as the site's roles are given out."""
    moderator = make_member(handle, **fields)
    moderator.groups.add(_role("Moderators"))
    return moderator


def make_editor(handle: str | None = None, **fields) -> User:
    """A staff member in the Editors group: publishes posts in the admin."""
    editor = make_member(handle, is_staff=True, **fields)
    editor.groups.add(_role("Editors"))
    return editor


def _role(name: str) -> Group:
    group, created = Group.objects.get_or_create(name=name)
    if created:  # a browser test's flush emptied the tables migration 0003 filled
        grant_role_permissions(group, Permission)
    return group


def post_comment(client, post: Post, parent: Comment | None = None, **data):
    """Post a comment or reply through the form, as a reader's browser does."""
    url = (
        reverse("forum:comment_reply", args=[post.slug, parent.pk])
        if parent
        else reverse("forum:comment_create", args=[post.slug])
    )
    return client.post(url, data)


def make_reasons() -> None:
    """The default reasons moderators pick from, as migration 0008 leaves them (a browser test's flush empties them)."""
    for position, wording in enumerate(DEFAULT_REASONS):
        Reason.objects.get_or_create(wording=wording, defaults={"position": position * 10})
