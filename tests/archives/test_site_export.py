"""A site owner takes everything back out (export_site) and into a fresh site (import_site), with nothing changed."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from forum.models import Comment, Label, Post
from forum.services.comments import comment_remove_by_author
from forum.services.posts import label_for_name, section_save
from moderation.models import ModerationLogEntry
from tests.factories import make_comment, make_comment_at, make_member, make_moderator, make_post

DATA = Path(__file__).resolve().parent.parent / "data" / "archives"

pytestmark = pytest.mark.django_db


def export(path: Path) -> str:
    call_command("export_site", str(path), stdout=StringIO())
    return path.read_text(encoding="utf-8")


def empty_database() -> None:
    """A fresh database, as a site owner moving servers has: every table emptied."""
    if connection.vendor == "postgresql":
        # The test's own transaction holds deferred foreign-key checks, which TRUNCATE refuses to skip.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False)


def a_lived_in_site() -> dict:
    """Imported posts, a page and labels, seeds without times, and comments posted here in every state."""
    call_command("import_blogger", str(DATA / "blogger-takeout-feed.atom"), stdout=StringIO())
    call_command("import_seeds", stdout=StringIO())
    member = make_member("Hugh")
    post = make_post(title="Posted here", editor=make_member("Editrix"))
    post.labels.add(label_for_name("Über Labels ✓"))
    first = make_comment_at(
        "19:12", post=post, text="Café at 19:12", ip_address="203.0.113.9", removal_key="secret-key-1"
    )
    by_member = make_comment(parent=first, author=member, text="@anon 19:12 no, and <b>bold</b>")
    make_comment(parent=by_member, text="Named reply", author_name="Netnipper", removal_key="secret-key-2")
    anonymous = make_comment(post=post, text="Anonymous with a tag", anon_device="device-abc")
    gone = make_comment(post=post, text="Words to take down", removal_key="secret-key-3")
    comment_remove_by_author(comment=gone)
    make_comment(parent=gone, text="Reply under a tombstone")
    from moderation.services.comments import comment_moderate

    comment_moderate(comment=make_comment(post=post, text="Hidden words"), action="hide", moderator=make_moderator())
    return {"anonymous": anonymous}


def test_export_import_export_gives_the_same_file(tmp_path):
    a_lived_in_site()
    first = export(tmp_path / "first.jsonl")
    counts = (Post.objects.count(), Comment.objects.count(), Label.objects.count())

    empty_database()
    assert Post.objects.count() == 0
    out = StringIO()
    call_command("import_site", str(tmp_path / "first.jsonl"), stdout=out)
    assert (Post.objects.count(), Comment.objects.count(), Label.objects.count()) == counts
    second = export(tmp_path / "second.jsonl")
    assert second == first

    lines = [json.loads(line) for line in first.splitlines()]
    assert lines[0] == {"type": "header", "format": "forum-site-export", "version": 1}
    kinds = [line["type"] for line in lines]
    assert kinds.index("member") < kinds.index("label") < kinds.index("post") < kinds.index("comment")
    member_comment = next(line for line in lines if line["type"] == "comment" and line["author"]["kind"] == "member")
    assert member_comment["author"] == {"kind": "member", "handle": "Hugh"}
    tombstone = next(line for line in lines if line["type"] == "comment" and line["state"] == "removed_by_author")
    assert tombstone["text"] == "" and tombstone["created_at"]


def test_the_export_carries_no_addresses_keys_or_secrets(tmp_path):
    site = a_lived_in_site()
    exported = export(tmp_path / "site.jsonl")
    for secret in (
        "203.0.113.9",
        "secret-key",
        "device-abc",
        site["anonymous"].anon_fingerprint,
        Comment.objects.exclude(removal_key_hash="").first().removal_key_hash,
        "@example.org",
        "pbkdf2",
        "md5$",
    ):
        assert secret not in exported
    assert site["anonymous"].anon_tag in exported  # the label readers know them by stays


def test_an_imported_site_reads_the_same_to_readers(client, tmp_path):
    a_lived_in_site()
    before = {url: client.get(url).content.decode() for url in ("/posts/at-odds-with-the-evidence/", "/labels/hmpps/")}
    export(tmp_path / "site.jsonl")
    empty_database()
    call_command("import_site", str(tmp_path / "site.jsonl"), stdout=StringIO())
    client.cookies.clear()
    for url, page in before.items():
        after = client.get(url).content.decode()
        for words in ("Netnipper", "19:39", "Replied to by", "This comment has been removed by the author.", "HMPPS"):
            assert (words in page) == (words in after), (url, words)
    # Old links still work after the move.
    assert client.get("/2020/10/at-odds-with-the-evidence.html")["Location"] == "/posts/at-odds-with-the-evidence/"


def test_import_site_fills_only_an_empty_site(tmp_path):
    make_post()
    export(tmp_path / "site.jsonl")
    with pytest.raises(CommandError, match="already has posts"):
        call_command("import_site", str(tmp_path / "site.jsonl"))


@pytest.mark.parametrize(
    "lines, reason",
    [
        (['{"type": "post"}'], "this is not a forum-site-export file"),
        (['{"type": "header", "format": "forum-site-export", "version": 9}'], "version 9"),
        (['{"type": "header", "format": "forum-site-export", "version": 1}', "{not json"], "entry line 2"),
        (
            ['{"type": "header", "format": "forum-site-export", "version": 1}', '{"type": "post", "slug": "x"}'],
            "entry line 2: not a record of this format (missing field 'kind')",
        ),
        (
            ['{"type": "header", "format": "forum-site-export", "version": 1}', '{"type": "ghost"}'],
            "unknown record type 'ghost'",
        ),
    ],
)
def test_a_damaged_export_is_refused_by_line_with_nothing_written(tmp_path, lines, reason):
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_site", str(path))
    assert reason in str(refused.value) and "Nothing was imported." in str(refused.value)
    assert Post.objects.count() == 0


def test_a_file_cut_off_halfway_leaves_nothing(tmp_path):
    a_lived_in_site()
    whole = export(tmp_path / "site.jsonl").splitlines()
    empty_database()
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(whole[: len(whole) // 2]) + "\n" + whole[len(whole) // 2][:40], encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_site", str(cut))
    assert (Post.objects.count(), Comment.objects.count(), Label.objects.count()) == (0, 0, 0)
    assert not ModerationLogEntry.objects.exists()


def test_a_file_that_is_not_utf8_is_refused_clearly(tmp_path):
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(
        '{"type": "header", "format": "forum-site-export", "version": 1}\n{"title": "Caf\xe9"}\n'.encode("latin-1")
    )
    with pytest.raises(CommandError, match="not UTF-8 text"):
        call_command("import_site", str(path))


def test_the_round_trip_keeps_what_editors_and_posters_wrote_exactly(tmp_path):
    from datetime import UTC, date, datetime

    from forum.models import PostSection

    post = make_post(title="Edge cases", body="First part")
    PostSection.objects.filter(post=post).update(position=0)
    section_save(section=PostSection(post=post, position=1, body="Second part"), editor=None)
    # An editor moved the date without touching the imported time.
    Post.objects.filter(pk=post.pk).update(
        published_at=datetime(2020, 1, 1, 23, 30, tzinfo=UTC), published_on=date(2020, 1, 3)
    )
    post.labels.add(label_for_name("foo"))
    from forum.models import Label as LabelModel

    capital = LabelModel.objects.create(name="Foo", slug="foo-capital")
    post.labels.add(capital)
    make_comment(post=post, text="Two  spaces  inside", author_name="Bob  Smith")
    first = export(tmp_path / "first.jsonl")
    empty_database()
    call_command("import_site", str(tmp_path / "first.jsonl"), stdout=StringIO())
    assert export(tmp_path / "second.jsonl") == first
    assert Comment.objects.get().author_name == "Bob  Smith"
    assert sorted(Label.objects.values_list("name", "slug")) == [("Foo", "foo-capital"), ("foo", "foo")]


def test_an_empty_site_exports_and_imports_and_an_empty_file_is_refused(tmp_path):
    export(tmp_path / "nothing.jsonl")
    call_command("import_site", str(tmp_path / "nothing.jsonl"), stdout=StringIO())
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(CommandError, match="the file is empty"):
        call_command("import_site", str(empty))
