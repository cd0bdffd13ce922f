"""Comments name earlier comments by posting time, anonymous tag or handle, and those names become links."""

import re
from html import unescape

import pytest

from forum.models import Comment
from forum.services.comments import comment_edit, comment_remove_by_author
from moderation.services.comments import comment_moderate
from tests.factories import make_comment_at, make_member, make_moderator, make_post, post_comment, site_time

pytestmark = pytest.mark.django_db


def reference_links(html: str) -> list[tuple[str, str, str]]:
    """(href, title, text) of every link to another comment on a page."""
    found = re.findall(r'<a class=cr href=([^ >]*) title="([^"]*)">([^<]*)</a>', html)
    return [(href, unescape(title), unescape(text)) for href, title, text in found]


def page(client, post) -> str:
    return client.get(post.get_absolute_url()).content.decode()


# The seed threads' own sentences, each with the minute it names.
SEED_STYLE_SENTENCES = [
    ("@anon 19:12", "19:12", "@anon 19:12"),
    ("No 21:31, you've missed the point - the report is clear", "21:31", "No 21:31"),
    ("0058 makes some interesting points", "00:58", "0058"),
    ("I agree with 19.39...for me the methodology of the report didn't support the conclusions", "19:39", "19.39"),
    ("is sort of similar to fact denial. 2158\nIs incredibly combative.", "21:58", "2158"),
    ("(which are implied, if not downright explicit in 20:28's post)", "20:28", "20:28"),
    ("No, @anon 23:03, I haven't missed your point", "23:03", "@anon 23:03"),
    ("wouldn't understand a word of 00:58.", "00:58", "00:58"),
]


@pytest.mark.parametrize("sentence, minute, linked_text", SEED_STYLE_SENTENCES)
def test_seed_style_time_references_link_to_the_comment_posted_at_that_minute(client, sentence, minute, linked_text):
    post = make_post()
    make_comment_at(site_time("12:00", days_ago=3), post=post, text="Much earlier, at another minute.")
    target = make_comment_at(
        site_time(minute, days_ago=2),
        post=post,
        author_name="Getafix",
        text="The words that were answered, and more after them.",
    )
    post_comment(client, post, text=sentence)
    links = reference_links(page(client, post))
    assert links == [
        (f"#c{target.pk}", f"Getafix at {minute}: “The words that were answered, and more after them.”", linked_text)
    ]


# Numbers from the seed texts that are not references; a comment sits at each minute they could name.
SEED_FALSE_POSITIVES = [
    "in the profession since 1970, as well as the examination",
    "the highest rate of suicide was recorded as 21.4 deaths per 100,000 population in 1988.",
    "6,507 people died by suicide in 2018, significantly more than in 2017",
    "I wouldn't have flagged it if I hadn't mistaken 2000 for 2020.",
    "22nd June 2000 'Getafix - but I don't recall",
    "(as evidenced from HMPPS figures in 2019). It is very simple",
    'Hansard, HoC 17 March 2021: "We can do all the things we',
    "He is quoted as saying in the 2010 general election",
    "Its not a new idea. This was from Oct 2020:",
    "with such as the 1933 Child Care Act and later",
    "https://academic.oup.com/bjsw/advance-article/doi/10.1093/bjsw/bcaa137/5936341",
    "Volume 46, Issue 4, June 2016, Pages 1131–1147",
    "It cost £12.50 and a rise of 12.50 per cent; 21.40% of them; 3:16 and 12:50:30.",
]


def test_numbers_in_the_seed_texts_that_are_not_references_stay_plain(client):
    post = make_post()
    # Every real minute those numbers could name (1970, 1973, 1988 name none).
    for minute in [
        "20:19",
        "20:00",
        "20:20",
        "20:10",
        "20:18",
        "20:17",
        "20:21",
        "19:33",
        "21:40",
        "12:50",
        "03:16",
        "10:10",
        "11:31",
        "20:16",
        "21:04",
    ]:
        make_comment_at(site_time(minute, days_ago=2), post=post)
    for sentence in SEED_FALSE_POSITIVES:
        post_comment(client, post, text=sentence)
    html = page(client, post)
    assert reference_links(html) == []
    assert "comment-ref" not in "".join(Comment.objects.filter(post=post).values_list("html", flat=True))


def test_several_comments_at_that_minute_link_the_latest_before_the_reply_and_say_so(client):
    post = make_post()
    make_comment_at(site_time("19:12", days_ago=3), post=post, text="Three days ago.")
    latest = make_comment_at(site_time("19:12", days_ago=1), post=post, text="Yesterday.")
    reply = make_comment_at(site_time("20:00", days_ago=1), post=post, text="@anon 19:12 quite so.")
    make_comment_at(site_time("19:12", days_ago=0), post=post, text="Today, after the reply.")
    [(href, title, _)] = reference_links(page(client, post))
    assert href == f"#c{latest.pk}"
    assert title.startswith("The latest of 2 earlier comments posted at 19:12.")
    assert list(reply.refers_to.all()) == [latest]


def test_a_minute_nobody_posted_at_or_a_later_comment_is_left_alone(client):
    post = make_post()
    make_comment_at(site_time("19:12", days_ago=1), post=post)
    reply = make_comment_at(site_time("19:00", days_ago=1), post=post, text="@anon 19:13 and 21:31 and 19:12")
    assert "comment-ref" not in reply.html
    assert reference_links(page(client, post)) == []


def test_anonymous_tags_and_handles_link_to_that_posters_latest_comment(client):
    post = make_post()
    member = make_member("Cacofonix")
    tagged = make_comment_at("10:00", post=post, anon_device="browser-one", text="Tagged words.")
    by_member = make_comment_at("10:05", post=post, author=member, text="A member's words.")
    typed = f"@Anon·{tagged.anon_tag} and @anon-{tagged.anon_tag.lower()} and @cacofonix and @nobody_here"
    make_comment_at("10:10", post=post, text=typed)
    links = reference_links(page(client, post))
    assert [(href, text) for href, _, text in links] == [
        (f"#c{tagged.pk}", f"@Anon·{tagged.anon_tag}"),
        (f"#c{tagged.pk}", f"@anon-{tagged.anon_tag.lower()}"),
        (f"#c{by_member.pk}", "@cacofonix"),
    ]
    assert links[2][1] == "Cacofonix at 10:05: “A member's words.”"


def test_a_referenced_comment_lists_who_replied_to_it_and_who_referred_to_it(client):
    post = make_post()
    target = make_comment_at("19:12", post=post, text="The first word.")
    reply = make_comment_at("19:20", parent=target, author_name="Getafix", text="A direct reply.")
    elsewhere = make_comment_at("19:30", post=post, author_name="Obelix", text="Back to @anon 19:12 again.")
    html = page(client, post)
    backlinks = re.search(rf"id=c{target.pk}>.*?<p class=rb>(.*?)</p>", html, re.S)[1]
    assert f"href=#c{reply.pk}>Getafix 19:20</a>" in backlinks
    assert f"href=#c{elsewhere.pk}>Obelix 19:30</a>" in backlinks


def test_links_never_repeat_words_readers_cannot_see(client):
    post = make_post()
    hidden = make_comment_at("19:12", post=post, text="Words a moderator hid.")
    removed = make_comment_at("19:13", post=post, text="Words the author took down.")
    make_comment_at("19:30", post=post, text="@anon 19:12 and @anon 19:13")
    comment_moderate(comment=hidden, action="hide", moderator=make_moderator())
    comment_remove_by_author(comment=removed)
    html = page(client, post)
    titles = [title for _, title, _ in reference_links(html)]
    assert titles == [
        "A comment at 19:12: This comment has been hidden by a moderator.",
        "A comment at 19:13: This comment has been removed by the author.",
    ]
    assert "Words a moderator hid" not in html and "Words the author took down" not in html


def test_held_comments_are_not_linked_and_removed_words_leave_no_back_link(client):
    post = make_post()
    held = make_comment_at("19:12", post=post, text="Held words.")
    Comment.objects.filter(pk=held.pk).update(state=Comment.State.PENDING)
    mention = make_comment_at("19:20", post=post, text="@anon 19:12 what did you say?")
    assert "comment-ref" not in mention.html

    target = make_comment_at("19:40", post=post, text="Answer me.")
    answer = make_comment_at("19:50", post=post, text="@anon 19:40 here is my answer.")
    assert f"href=#c{answer.pk}>" in page(client, post)
    comment_remove_by_author(comment=answer)
    assert not target.referred_by.exists()
    assert "class=rb" not in page(client, post)


def test_mentions_inside_links_and_addresses_are_not_touched(client):
    post = make_post()
    make_comment_at("19:12", post=post)
    reply = make_comment_at(
        "20:00", post=post, text='See <a href="https://example.com/19:12">at 19:12</a> and https://example.com/a/19.12'
    )
    assert "comment-ref" not in reply.html


def test_an_edit_links_references_afresh(client):
    post = make_post()
    target = make_comment_at("19:12", post=post)
    other = make_comment_at("19:14", post=post)
    reply = make_comment_at(site_time("19:20"), post=post, text="@anon 19:12")
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=site_time("19:21")):
        edited = comment_edit(comment=reply, text="I meant @anon 19:14")
    assert list(edited.refers_to.all()) == [other]
    assert not target.referred_by.exists()


def test_a_reference_is_not_an_outside_link_for_the_links_policy(client):
    post = make_post()
    make_comment_at("19:12", post=post)
    reply = make_comment_at("19:20", post=post, text="@anon 19:12 agreed")
    assert "comment-ref" in reply.html and not reply.has_links
