"""WordPress and Disqus archives come in through the same core as Blogger's, telling the same story.

Fixtures: tests/data/archives/wordpress.wxr.xml and disqus.xml (see WORDPRESS-NOTES.md, DISQUS-NOTES.md).
"""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from forum.models import Comment, Post
from tests.factories import make_moderator

DATA = Path(__file__).resolve().parent.parent / "data" / "archives"
WORDPRESS = DATA / "wordpress.wxr.xml"
DISQUS = DATA / "disqus.xml"
STORY = [
    (0, "Anonymous", "19:12", "First! Café — naïve ✓"),
    (1, "Netnipper", "19:39", "@anon 19:12 I disagree\n\nSecond paragraph"),
    (2, "Jim Brown", "20:05", "Thanks, <b>both</b> of you"),
    (3, "Anonymous", "20:58", "19.39 makes a point"),
]

pytestmark = pytest.mark.django_db


def run(command: str, path: Path) -> str:
    out = StringIO()
    call_command(command, str(path), stdout=out)
    return out.getvalue()


def readable(post: Post) -> list[tuple[int, str, str, str]]:
    return [
        (c.level, c.author_label, c.posted_time_label, c.text)
        for c in Comment.objects.filter(post=post).in_thread_order()
    ]


def test_a_wordpress_export_arrives_with_its_thread_states_and_addresses(client):
    summary = run("import_wordpress", WORDPRESS)
    assert "Posts: 2 imported" in summary and "Pages: 1 imported" in summary
    assert "1 held for moderation, 1 spam kept out of sight" in summary
    assert "Drafts skipped: 1; trashed or deleted posts skipped: 1" in summary
    post = Post.objects.get(slug="at-odds-with-the-evidence")
    assert readable(post)[:4] == STORY
    assert [label.name for label in post.labels.all()] == ["HMPPS", "Probation Reform"]
    assert post.byline == "Jim Brown"  # the login in dc:creator, named as WordPress showed it

    page = client.get(post.get_absolute_url()).content.decode()
    assert page.index("First! Café") < page.index("I disagree") < page.index("Late night thoughts")
    assert "This comment has been removed by a moderator." in page  # the trashed comment, its reply kept
    assert "Replying to a deleted comment &lt;script&gt;" in page
    for never in ("Buy cheap pills", "Awaiting approval words", "Words that were deleted", "<script>alert"):
        assert never not in page
    assert "Reading list « Other Blog" in page  # a pingback, under the linking site's name
    for hidden in ("Unfinished thoughts", "Binned", "chart</"):
        assert hidden not in client.get("/").content.decode()

    # The held comment waits in the moderators' queue, as it did in WordPress.
    client.force_login(make_moderator())
    assert "Awaiting approval words" in client.get("/moderation/").content.decode()

    # Its old permalinks land on the same words.
    assert client.get("/2020/10/29/at-odds-with-the-evidence/")["Location"] == post.get_absolute_url()
    assert client.get("/2020/10/29/at-odds-with-the-evidence")["Location"] == post.get_absolute_url()
    assert client.get("/about/")["Location"] == "/posts/about/"


def test_a_wordpress_export_imports_once(client):
    run("import_wordpress", WORDPRESS)
    again = run("import_wordpress", WORDPRESS)
    assert "Posts: 0 imported, 3 already here." in again and "Comments: 0 imported" in again
    assert Comment.objects.count() == 12


def test_a_disqus_export_joins_the_posts_imported_from_the_same_addresses(client):
    run("import_wordpress", WORDPRESS)
    before = Comment.objects.count()
    summary = run("import_disqus", DISQUS)
    assert "Posts: 0 imported, 2 already here." in summary
    assert "(with 1 comment under them)" in summary  # the deleted thread
    post = Post.objects.get(slug="at-odds-with-the-evidence")
    disqus = Comment.objects.filter(post=post, legacy_id__startswith="disqus:")
    assert [(c.level, c.author_label, c.posted_time_label, c.text) for c in disqus.in_thread_order()][:4] == STORY
    assert Comment.objects.count() == before + 10
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Buy cheap pills" not in page and "Binned comment" not in page
    assert 'href="https://disqus.com/by/jimbrown/"' in page


def test_a_disqus_export_alone_makes_posts_from_its_threads(client):
    summary = run("import_disqus", DISQUS)
    assert "Posts: 2 imported" in summary
    post = Post.objects.get(title="At Odds With The Evidence")
    assert readable(post)[:4] == STORY
    assert not Post.objects.filter(title="About this blog").exists()  # a thread nobody commented on
    assert client.get("/2020/10/29/at-odds-with-the-evidence/")["Location"] == post.get_absolute_url()


@pytest.mark.parametrize(
    "command, name, reason",
    [
        ("import_wordpress", "wordpress-malformed.xml", "not well-formed XML at line"),
        ("import_disqus", "disqus-malformed.xml", "not well-formed XML at line"),
    ],
)
def test_malformed_wordpress_and_disqus_files_leave_nothing(command, name, reason):
    with pytest.raises(CommandError) as refused:
        run(command, DATA / name)
    assert reason in str(refused.value) and "Nothing was imported." in str(refused.value)
    assert (Post.objects.count(), Comment.objects.count()) == (0, 0)


def test_a_post_the_database_fails_to_write_stops_the_import_there_and_keeps_the_posts_before_it(monkeypatch):
    from django.db import DatabaseError

    from forum.services import posts as post_service

    save_section = post_service.section_save

    def disk_full_at_post_b(*, section, editor):
        if "A shorter post" in section.body:
            raise DatabaseError("could not extend file: No space left on device")
        return save_section(section=section, editor=editor)

    monkeypatch.setattr(post_service, "section_save", disk_full_at_post_b)
    with pytest.raises(CommandError) as refused:
        run("import_wordpress", WORDPRESS)
    assert "entry wordpress:post-1187" in str(refused.value)
    assert "No space left on device" in str(refused.value)
    assert "the posts before it are imported whole" in str(refused.value)
    assert Post.objects.get(slug="at-odds-with-the-evidence").comments.count() == 11
    assert not Post.objects.filter(title="Another Post").exists()
    assert not Comment.objects.filter(text="Nothing to add").exists()

    monkeypatch.setattr(post_service, "section_save", save_section)
    again = run("import_wordpress", WORDPRESS)
    assert "Posts: 1 imported, 1 already here." in again and "Pages: 1 imported." in again
    assert Comment.objects.filter(text="Nothing to add").exists()


def wordpress_export(tmp_path: Path, **replacements) -> Path:
    text = WORDPRESS.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "export.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_plain_permalinks_older_wxr_versions_entities_and_odd_addresses(client, tmp_path):
    path = wordpress_export(
        tmp_path,
        **{
            "http://wordpress.org/export/1.2/": "http://wordpress.org/export/1.1/",
            "<link>https://example-blog.org/2020/10/29/at-odds-with-the-evidence/</link>": "<link>https://example-blog.org/?p=1041</link>",
            "<title><![CDATA[At Odds With The Evidence]]></title>": "<title><![CDATA[At Odds &amp; Evens]]></title>",
            "<wp:comment_author_url>http://netnipper.example.org</wp:comment_author_url>": "<wp:comment_author_url>http://</wp:comment_author_url>",
        },
    )
    summary = run("import_wordpress", path)
    assert "Commenters' web addresses that were not valid addresses, left off: 1." in summary
    post = Post.objects.get(legacy_id="wordpress:post-1041")
    assert post.title == "At Odds & Evens" and post.legacy_path == "/?p=1041"
    assert Comment.objects.get(author_name="Netnipper").author_url == ""
    # Disqus finds the post by the WordPress id its plugin put in the thread's <id>, whatever the address.
    run("import_disqus", DISQUS)
    assert post.comments.filter(legacy_id__startswith="disqus:").count() == 9


def test_files_of_the_wrong_kind_are_refused(tmp_path):
    rss = tmp_path / "feed.xml"
    rss.write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>x</title></channel></rss>", encoding="utf-8"
    )
    with pytest.raises(CommandError, match="is not a WordPress export"):
        run("import_wordpress", rss)
    empty_disqus = tmp_path / "disqus.xml"
    empty_disqus.write_text("<?xml version='1.0'?><disqus xmlns='http://disqus.com'></disqus>", encoding="utf-8")
    with pytest.raises(CommandError, match="holds no posts, pages or comments"):
        run("import_disqus", empty_disqus)
