"""A Blogger archive moves in with one command: what readers then see, and every old link landing on the same words.

The fixtures (tests/data/archives/blogger-*, written from the formats' documentation
and real exports: BLOGGER-NOTES.md) tell one story in both formats: a post with
labels and hostile HTML, a thread four replies deep with anonymous, named and
profile authors, a deleted comment with a reply, a page, a draft and a binned post.
"""

import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from forum.models import Comment, Label, Post

DATA = Path(__file__).resolve().parent.parent / "data" / "archives"
TAKEOUT = DATA / "blogger-takeout-feed.atom"
CLASSIC = DATA / "blogger-classic-backup.xml"
POST_URL = "/posts/at-odds-with-the-evidence/"

pytestmark = pytest.mark.django_db


def takeout_zip(tmp_path: Path) -> Path:
    """A Takeout download as Google packs it, with the owner's comments on other blogs beside the blog."""
    path = tmp_path / "takeout-20240501.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(TAKEOUT, "Takeout/Blogger/Blogs/Example Probation Blog/feed.atom")
        archive.writestr(
            "Takeout/Blogger/Comments/Someone else/feed.atom", "<feed xmlns='http://www.w3.org/2005/Atom'/>"
        )
        archive.writestr("Takeout/archive_browser.html", "<html></html>")
    return path


@pytest.fixture(params=["takeout", "classic", "zip"])
def archive(request, tmp_path) -> Path:
    return {"takeout": TAKEOUT, "classic": CLASSIC, "zip": takeout_zip(tmp_path)}[request.param]


def import_blogger(path: Path) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import_blogger", str(path), stdout=out)
    return out.getvalue()


def test_the_thread_arrives_whole_with_names_times_and_replies(client, archive):
    summary = import_blogger(archive)
    assert "Posts: 2 imported" in summary and "Pages: 1 imported" in summary
    assert "Comments: 9 imported (8 published, 1 removed" in summary
    assert "Drafts skipped: 1" in summary
    post = Post.objects.get(slug="at-odds-with-the-evidence")
    comments = list(Comment.objects.filter(post=post).in_thread_order())
    assert [(c.level, c.author_label, c.posted_time_label, c.text) for c in comments] == [
        (0, "Anonymous", "19:12", "First! Café — naïve ✓"),
        (1, "Netnipper", "19:39", "@anon 19:12 I disagree\n\nSecond paragraph"),
        (2, "Jim Brown", "20:05", "Thanks, <b>both</b> of you"),
        (3, "Anonymous", "20:58", "19.39 makes a point"),
        (0, "Anonymous", "21:10", ""),
        (1, "Anonymous", "21:31", "Replying to a deleted comment <script>alert('x')</script>"),
        (0, "Anonymous", "00:58", "Late night thoughts"),
        (0, "Anonymous", "01:15", "0058 makes a point"),
    ]
    # The exact moment, to the millisecond, whatever offset the file wrote it in.
    assert comments[1].created_at == datetime(2020, 10, 29, 19, 39, 0, 456000, tzinfo=UTC)
    # Takeout says the comment was deleted, not by whom: nobody is named (issue 22, item 8); the
    # classic backup keeps Blogger's own words, which say who.
    classic = archive == CLASSIC
    assert comments[4].state == (Comment.State.REMOVED_BY_AUTHOR if classic else Comment.State.REMOVED_BEFORE_IMPORT)

    page = client.get(POST_URL).content.decode()
    assert page.index("First! Café — naïve ✓") < page.index("I disagree") < page.index("both</b> of you")
    # A typed name links where the commenter asked, a profile to the profile; anonymous stays anonymous.
    assert '<a class=an href="http://netnipper.example.org" rel="nofollow ugc noopener">Netnipper</a>' in page
    assert 'href="https://www.blogger.com/profile/111" rel="nofollow ugc noopener">Jim Brown</a>' in page
    assert "<b>19:12</b> 29 October 2020</a>" in page
    # The deleted comment is a tombstone, and the reply under it keeps its place.
    if classic:
        assert "<p class=ts>This comment has been removed by the author.</p>" in page
    else:
        assert "<p class=ts>Removed before this archive was imported.</p>" in page
        assert "removed by the author" not in page
    assert "Replying to a deleted comment &lt;script&gt;" in page
    assert "<script>alert('x')" not in page


def test_time_references_in_imported_comments_link_both_ways(client, archive):
    import_blogger(archive)
    post = Post.objects.get(slug="at-odds-with-the-evidence")
    by_text = {c.text.split()[0]: c for c in Comment.objects.filter(post=post).exclude(text="")}
    first, netnipper, late = by_text["First!"], by_text["@anon"], by_text["Late"]
    page = client.get(POST_URL).content.decode()
    links = re.findall(r"<a class=cr href=[^ >]*#(c\d+) [^>]*>([^<]*)</a>", page)
    assert (first.anchor, "@anon 19:12") in links
    assert (netnipper.anchor, "19.39") in links
    assert (late.anchor, "0058") in links
    # The named comments show who answered them.
    assert re.search(rf"id={first.anchor}>.*?Replied to by <a href=#{netnipper.anchor}>Netnipper 19:39</a>", page, re.S)


def test_post_body_keeps_the_editors_structure_and_nothing_that_runs(client, archive):
    import_blogger(archive)
    page = client.get(POST_URL).content.decode()
    article = page[page.index('<article class="post') : page.index('id="comments"')]
    for kept in (
        "<h3>Heading</h3>",
        "<ul><li>one</li><li>two</li></ul>",
        "<blockquote>quoted</blockquote>",
        '<a href="https://www.gov.uk/">gov.uk</a>',
        "Café naïve ✓",
        '<img src="https://blogger.googleusercontent.com/img/a/example.png" alt="chart">',
    ):
        assert kept in article
    for gone in ("<script", "alert(1)", "onerror", "javascript:", "style="):
        assert gone not in article
    assert "red words" in article
    assert '<span class="post-byline">by Jim Brown</span>' in article
    assert re.search(
        r'Labels: <a class="post-label" href="/labels/hmpps/" rel="tag">HMPPS</a>, '
        r'<a class="post-label" href="/labels/probation-reform/" rel="tag">Probation Reform</a>',
        article,
    )


def test_drafts_and_binned_posts_never_reach_readers(client, archive):
    summary = import_blogger(archive)
    assert "Drafts skipped: 1" in summary
    assert not Post.objects.filter(title__in=["Unfinished thoughts", "Binned post"]).exists()
    everywhere = "".join(
        client.get(url).content.decode()
        for url in [
            "/",
            "/feeds/posts/",
            "/feeds/comments/",
            "/search/?q=thoughts",
            "/search/?q=comment",
            "/labels/hmpps/",
            "/labels/hmpps/feed/",
        ]
    )
    for hidden in ("Unfinished thoughts", "Draft comment must never show", "Binned", "Half a thought"):
        assert hidden not in everywhere
    assert client.get("/2020/11/unfinished-thoughts.html").status_code == 404


def test_old_addresses_redirect_permanently_to_the_same_words(client):
    import_blogger(TAKEOUT)
    post = Post.objects.get(slug="at-odds-with-the-evidence")
    netnipper = Comment.objects.get(author_name="Netnipper")
    milliseconds = int(netnipper.created_at.timestamp() * 1000)
    assert milliseconds == 1604000340456
    expected = {
        "/2020/10/at-odds-with-the-evidence.html": POST_URL,
        "/2020/10/at-odds-with-the-evidence.html?m=1": POST_URL,
        f"/2020/10/at-odds-with-the-evidence.html?showComment={milliseconds}": f"{POST_URL}#{netnipper.anchor}",
        "/2020/10/at-odds-with-the-evidence.html?showComment=999": POST_URL,
        "/p/about.html": "/posts/about/",
        "/feeds/posts/default": "/feeds/posts/",
        "/feeds/posts/default?alt=rss": "/feeds/posts/",
        "/feeds/comments/default": "/feeds/comments/",
        "/feeds/5829173640192837465/comments/default": f"{POST_URL}comments/feed/",
        "/search/label/HMPPS": "/labels/hmpps/",
        "/search/label/Probation%20Reform": "/labels/probation-reform/",
        "/search?q=probation+evidence": "/search/?q=probation+evidence",
    }
    for old, new in expected.items():
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
        assert client.get(new).status_code == 200, new
    for unknown in [
        "/2020/10/no-such-post.html",
        "/feeds/1234/comments/default",
        "/search/label/Nothing",
        "/p/nothing.html",
        "/2020/10/at-odds-with-the-evidence.html/x",
    ]:
        assert client.get(unknown).status_code == 404, unknown
    # An old address never shadows a page of this site.
    assert client.post("/2020/10/at-odds-with-the-evidence.html").status_code == 404
    assert post.legacy_path == "/2020/10/at-odds-with-the-evidence.html"


def test_pages_are_served_but_not_listed_as_posts(client):
    import_blogger(TAKEOUT)
    page = client.get("/posts/about/").content.decode()
    assert "About us" in page and "About this blog" in page
    assert 'class="post-date' not in page
    home = client.get("/").content.decode()
    assert "About this blog" not in home and "At Odds With The Evidence" in home
    assert "About this blog" not in client.get("/feeds/posts/").content.decode()


def test_labels_list_their_posts_newest_first_with_a_feed(client):
    import_blogger(TAKEOUT)
    assert set(Label.objects.values_list("name", flat=True)) == {"HMPPS", "Probation Reform"}
    page = client.get("/labels/hmpps/").content.decode()
    assert page.index("Another Post") < page.index("At Odds With The Evidence")
    assert 'href="/labels/hmpps/feed/"' in page
    feed = client.get("/labels/hmpps/feed/")
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert body.count("<entry>") == 2
    assert "<published>2020-10-29T18:30:00+00:00</published>" in body
    assert '<category term="Probation Reform"' in body
    only_one = client.get("/labels/probation-reform/").content.decode()
    assert "At Odds With The Evidence" in only_one and "Another Post" not in only_one
    assert client.get("/labels/nothing/").status_code == 404


def test_comment_feeds_carry_imported_comments_with_their_real_times(client):
    import_blogger(CLASSIC)
    body = client.get("/feeds/comments/").content.decode()
    assert "<updated>2020-10-29T19:39:00.456000+00:00</updated>" in body
    assert "Netnipper at 19:39, 29 October 2020 on “At Odds With The Evidence”" in body
    assert "Draft comment" not in body
    post_feed = client.get(f"{POST_URL}comments/feed/").content.decode()
    assert post_feed.count("<entry>") == 7  # published comments: not the tombstone


def test_importing_again_changes_nothing(client, archive):
    import_blogger(archive)
    before = sorted(Comment.objects.values_list("legacy_id", "tree_id", "lft", "rght", "html"))
    again = import_blogger(archive)
    assert "Posts: 0 imported, 3 already here." in again
    assert "Comments: 0 imported" in again and "9 already here" in again
    assert sorted(Comment.objects.values_list("legacy_id", "tree_id", "lft", "rght", "html")) == before
    assert Post.objects.count() == 3


def test_a_newer_archive_adds_only_the_new_replies_into_the_right_place(client, tmp_path):
    import_blogger(TAKEOUT)
    newer = TAKEOUT.read_text(encoding="utf-8").replace(
        "</feed>",
        """  <entry>
    <id>tag:blogger.com,1999:blog-7418529630741852963.post-9000000000000000001</id>
    <blogger:parent>tag:blogger.com,1999:blog-7418529630741852963.post-5829173640192837465</blogger:parent>
    <blogger:inReplyTo>tag:blogger.com,1999:blog-7418529630741852963.post-4710293847561029384</blogger:inReplyTo>
    <blogger:type>COMMENT</blogger:type>
    <blogger:status>LIVE</blogger:status>
    <author><name></name><blogger:type>ANONYMOUS</blogger:type></author>
    <content type='html'>A late answer to 19:12</content>
    <published>2021-01-05T10:00:00Z</published>
    <blogger:trashed/>
  </entry>
</feed>""",
    )
    path = tmp_path / "feed.atom"
    path.write_text(newer, encoding="utf-8")
    summary = import_blogger(path)
    assert "Comments: 1 imported" in summary and "9 already here" in summary
    first = Comment.objects.get(text__startswith="First!")
    late = Comment.objects.get(text="A late answer to 19:12")
    assert late.parent_id == first.pk
    assert [c.text.split(" ")[0] for c in first.get_descendants()] == ["@anon", "Thanks,", "19.39", "A"]
    assert first.anchor in late.html
    assert tree_positions() == tree_positions_as_mptt_computes_them()


def tree_positions() -> list[tuple]:
    return list(Comment.objects.order_by("pk").values_list("pk", "parent_id", "tree_id", "lft", "rght", "level"))


def tree_positions_as_mptt_computes_them() -> list[tuple]:
    Comment.objects.rebuild()
    return tree_positions()


def test_bulk_written_trees_are_exactly_what_mptt_computes(archive):
    import_blogger(archive)
    assert tree_positions() == tree_positions_as_mptt_computes_them()


@pytest.mark.parametrize(
    "name, reason",
    [
        ("blogger-malformed-truncated.xml", "not well-formed XML at line 38"),
        ("blogger-malformed-truncated-classic.xml", "not well-formed XML at line 47"),
        (
            "blogger-malformed-orphan-comment.xml",
            "entry blogger:4455667788990011223: the comment belongs to post blogger:1111111111111111111, which is not in the archive",
        ),
        ("blogger-malformed-orphan-comment-classic.xml", "entry blogger:4455667788990011223"),
    ],
)
def test_a_malformed_archive_is_refused_with_the_entry_and_reason_and_nothing_written(name, reason):
    with pytest.raises(CommandError) as refused:
        import_blogger(DATA / name)
    assert reason in str(refused.value)
    assert "Nothing was imported." in str(refused.value)
    assert (Post.objects.count(), Comment.objects.count(), Label.objects.count()) == (0, 0, 0)


def test_files_that_are_not_blogger_archives_are_refused_clearly(tmp_path):
    not_xml = tmp_path / "notes.txt"
    not_xml.write_text("Just some notes\n", encoding="utf-8")
    several = tmp_path / "two-blogs.zip"
    with zipfile.ZipFile(several, "w") as archive:
        archive.write(TAKEOUT, "Takeout/Blogger/Blogs/One/feed.atom")
        archive.write(TAKEOUT, "Takeout/Blogger/Blogs/Two/feed.atom")
    entity_bomb = tmp_path / "bomb.xml"
    entity_bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        "<feed xmlns='http://www.w3.org/2005/Atom' xmlns:blogger='http://schemas.google.com/blogger/2018'>&b;</feed>",
        encoding="utf-8",
    )
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(damaged, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(TAKEOUT, "Takeout/Blogger/Blogs/One/feed.atom")
    data = bytearray(damaged.read_bytes())
    data[200:260] = bytes(60)  # inside the compressed feed
    damaged.write_bytes(bytes(data))
    for path, reason in [
        (not_xml, "is not a Blogger export"),
        (damaged, "the .zip is damaged"),
        (tmp_path, "this is a folder"),
        (several, "should hold one blog's Blogs/<blog>/feed.atom"),
        (entity_bomb, "uses XML features an archive never needs"),
        (tmp_path / "missing.atom", "no such file"),
    ]:
        with pytest.raises(CommandError) as refused:
            import_blogger(path)
        assert reason in str(refused.value)
    assert Post.objects.count() == 0


def test_imported_posts_and_comments_are_found_by_search_with_plain_snippets(client):
    import_blogger(TAKEOUT)
    page = client.get("/search/?q=reunification").content.decode()
    assert "At Odds With The Evidence" in page
    assert "&lt;p&gt;" not in page and "&lt;h3" not in page
    assert "<mark>reunification</mark>" in page.lower() or "<mark>Reunification</mark>" in page
    comments = client.get("/search/?q=late+night").content.decode()
    assert "Late night thoughts" in comments.replace("<mark>", "").replace("</mark>", "")


def test_long_imports_say_how_far_they_have_got(monkeypatch):
    from forum.archives import writer

    monkeypatch.setattr(writer, "PROGRESS_SECONDS", 0)  # every step is "long" here
    output = import_blogger(TAKEOUT)
    assert "… read 0 posts and 1 comment\n" in output  # Takeout lists comments before their posts
    assert "… wrote 1 of 5 posts" in output and "… wrote 5 of 5 posts" in output
    assert output.index("… wrote 5 of 5 posts") < output.index("Posts: 2 imported")


def test_odd_paths_at_old_addresses_are_plain_404s(client):
    import_blogger(TAKEOUT)
    for path in [
        "/anything%00",
        "/search/label/%00",
        "/labels/%00/",
        "/labels/%00/feed/",
        "/2020/10/x%00.html",
        "/search?q=%00",
    ]:
        assert client.get(path).status_code in {404, 301}, path
    assert client.get("/feeds/posts/default/-/Probation%20Reform")["Location"] == "/labels/probation-reform/feed/"


def test_one_enormous_entry_is_refused_while_streaming_not_after(tmp_path, monkeypatch):
    """A 0.3 MB zip holding one 300 MB comment once drove the import to 685 MB before it was refused."""
    from forum.archives import xmlstream

    monkeypatch.setattr(xmlstream, "MAX_ENTRY_BYTES", 1024 * 1024)
    feed = TAKEOUT.read_text(encoding="utf-8")
    first_entry_end = feed.index("</entry>")
    huge = feed[:first_entry_end] + "<content>" + "word " * 2_000_000 + "</content>" + feed[first_entry_end:]
    path = tmp_path / "takeout.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Takeout/Blogger/Blogs/One/feed.atom", huge)
    assert path.stat().st_size < 200_000  # 10 MB that compress to almost nothing
    read = []
    real_open = zipfile.ZipFile.open

    def counting_open(self, *args, **kwargs):
        opened = real_open(self, *args, **kwargs)
        real_read = opened.read

        def read_and_count(size=-1):
            data = real_read(size)
            read.append(len(data))
            return data

        opened.read = read_and_count
        return opened

    monkeypatch.setattr(zipfile.ZipFile, "open", counting_open)
    with pytest.raises(CommandError) as refused:
        import_blogger(path)
    assert "one entry runs past 1 MB of the file" in str(refused.value)
    assert sum(read) < 3 * 1024 * 1024  # stopped soon after the limit, not at the end of the 10 MB
    assert Post.objects.count() == 0
