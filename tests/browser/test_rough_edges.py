"""What a new user hit, seen as they see it: a second post part in the admin, tombstones that say why,
tooltips in plain words, and the demo thread whose time references work."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from forum.models import Post
from moderation.services.comments import comment_moderate
from tests.factories import PASSWORD, make_comment, make_comment_at, make_moderator, make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
EXAMPLE = Path(__file__).resolve().parents[2] / "seeds" / "example" / "example-blog-takeout.atom"


def test_an_editor_adds_a_post_with_two_parts_through_add_another(live_server, page, artifacts):
    User.objects.create_superuser(handle="Edna", email="edna@example.org", password=PASSWORD)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/forum/post/add/")
    page.get_by_label("Handle").fill("Edna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/forum/post/add/")
    page.locator("#id_title").fill("Two parts")
    page.locator("#id_sections-0-body").fill("The editors' opening.")
    page.get_by_text("Add another Post section").click()
    page.locator("#id_sections-1-body").fill("A piece a reader sent in.")
    # Neither position was typed: both stay empty rather than read 0.
    assert page.locator("#id_sections-0-position").input_value() == ""
    assert page.locator("#id_sections-1-position").input_value() == ""
    page.screenshot(path=str(artifacts / "admin-two-parts.png"), full_page=True)
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/forum/post/")
    assert "was added successfully" in page.content()
    post = Post.objects.get(title="Two parts")
    assert [(s.position, s.body) for s in post.sections.all()] == [
        (1, "The editors' opening."),
        (2, "A piece a reader sent in."),
    ]


def test_a_reader_sees_why_a_comment_went_and_follows_the_link_to_the_decision(live_server, page, artifacts, settings):
    settings.FORUM_REPORTS_TO_HIDE = 0.5  # one reader without an account
    post = make_post(title="Winter pressures")
    removed = make_comment(post=post, text="Something abusive about a colleague.")
    reported = make_comment(post=post, text="Something readers objected to.")
    comment_moderate(
        comment=removed, action="remove", moderator=make_moderator(), reason="Personal abuse", note="Private note"
    )
    Client(REMOTE_ADDR="203.0.113.5").post(
        reverse("moderation:report_comment", args=[reported.pk]), {"reason": "abuse"}
    )
    page.goto(live_server.url + post.get_absolute_url())
    removed_item = page.locator(f"#c{removed.pk} > article")
    reported_item = page.locator(f"#c{reported.pk} > article")
    assert "This comment has been removed by a moderator. Reason: Personal abuse" in removed_item.inner_text()
    assert "This comment has been hidden after readers' reports." in reported_item.inner_text()
    assert "moderator" not in reported_item.inner_text()
    page.screenshot(path=str(artifacts / "tombstones-with-reasons.png"), full_page=True)
    removed_item.get_by_role("link", name="In the moderation log").click()
    page.wait_for_url("**/moderation/log/*/")
    row = page.locator("tr.log-entry")
    assert "Removed by a moderator" in row.inner_text() and "Personal abuse" in row.inner_text()
    assert "Private note" not in page.content()


def test_the_demo_thread_links_time_references_with_plain_word_tooltips(live_server, page, artifacts):
    call_command("import_seeds", stdout=StringIO())
    call_command("import_blogger", str(EXAMPLE), stdout=StringIO())
    post = make_post(title="Tooltips")
    make_comment_at("23:58", post=post, text="Thanks Getafix & all. <i>Solidarity</i>.")
    make_comment_at("23:59", post=post, text="Agreed with 23:58")

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Example thread: caseloads, again").first.click()
    page.wait_for_load_state("load")
    reference = page.get_by_role("link", name="@anon 19:12")
    assert reference.get_attribute("title").startswith("Anonymous at 19:12: “Sixty cases and rising.")
    reference.click()
    target = page.url.rsplit("#", 1)[1]
    assert page.locator(f"#{target}").is_visible()
    assert page.get_by_text("Replied to by").count() >= 4
    assert page.get_by_role("link", name="Example").count() >= 1
    page.screenshot(path=str(artifacts / "demo-thread.png"), full_page=True)

    page.goto(live_server.url + post.get_absolute_url())
    title = page.get_by_role("link", name="23:58", exact=True).get_attribute("title")
    assert title == "Anonymous at 23:58: “Thanks Getafix & all. Solidarity.”"


def test_a_moderator_purges_spam_from_the_thread_and_it_leaves_no_trace(live_server, page, artifacts):
    post = make_post(title="Winter pressures")
    make_comment(post=post, text="A real comment.")
    spam = make_comment(post=post, text="Cheap pills at spam.example")
    make_moderator("Vitalstatistix")
    page.goto(f"{live_server.url}/accounts/login/?next={post.get_absolute_url()}")
    page.get_by_label("Handle").fill("Vitalstatistix")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{post.get_absolute_url()}")
    assert "2 comments" in page.locator("#comments").inner_text()
    with page.expect_navigation():
        page.locator(f"#c{spam.pk} button[value='purge:{spam.pk}']").click()
    page.wait_for_load_state("load")
    assert page.url == live_server.url + post.get_absolute_url()  # no anchor to the comment that left
    assert "Purged by a moderator" in page.content()
    assert page.locator(f"#c{spam.pk}").count() == 0 and "Cheap pills" not in page.content()
    assert "1 comment" in page.locator("#comments").inner_text()
    page.screenshot(path=str(artifacts / "after-purge.png"), full_page=True)
