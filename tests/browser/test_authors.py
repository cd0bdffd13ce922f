import pytest
from django.core.management import call_command

from forum.models import Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED_POST = "/posts/the-real-problem/"


def test_anonymous_author_removes_their_comment_from_a_fresh_browser_with_the_saved_link(
    live_server, browser, page, artifacts
):
    call_command("import_seeds")
    page.goto(live_server.url + SEED_POST)
    page.locator("#comment-form textarea").fill("Something I will want to take back.")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(f"**{SEED_POST}#c*")

    comment = Comment.objects.get(text="Something I will want to take back.")
    box = page.locator(f"#c{comment.pk} > article")
    tag = box.locator(".aa").inner_text()
    assert tag.startswith("Anon·") and len(tag) == len("Anon·") + 3
    saved_link = page.locator(".removal-link").input_value()
    assert f"/comments/{comment.pk}/remove/?key=" in saved_link
    page.locator(f"#c{comment.pk}").screenshot(path=str(artifacts / "removal-link.png"))

    # Someone replies before the author changes their mind.
    page.locator(f"#c{comment.pk} > article .reply-link").click()
    page.locator(f"#c{comment.pk} > form.inline-reply-form textarea").fill("A reply that must survive.")
    page.locator(f"#c{comment.pk} > form.inline-reply-form").get_by_role("button", name="Publish").click()
    page.wait_for_url(f"**{SEED_POST}#c*")
    reply = Comment.objects.get(text="A reply that must survive.")
    assert reply.anon_tag == comment.anon_tag  # same browser, same thread, same tag

    # A fresh browser context has none of the first one's cookies: only the link proves authorship.
    fresh = browser.new_context(viewport={"width": 1100, "height": 900})
    try:
        other = fresh.new_page()
        other.goto(live_server.url + SEED_POST)
        assert other.locator(f"#c{comment.pk} > article .remove-link").count() == 0
        other.goto(saved_link)
        assert "Something I will want to take back." in other.locator("main").inner_text()
        other.get_by_role("button", name="Remove my comment").click()
        other.wait_for_url(f"**{SEED_POST}#c{comment.pk}")

        tombstone = other.locator(f"#c{comment.pk} > article")
        assert tombstone.locator("p.ts").inner_text() == "This comment has been removed by the author."
        assert "Something I will want to take back." not in other.content()
        nested_reply = other.locator(f"#c{comment.pk} #c{reply.pk}")
        assert (
            nested_reply.evaluate(
                "node => { let depth = 0; for (let up = node.parentElement; up; up = up.parentElement) if (up.matches('li[id^=c]')) depth++; return depth; }"
            )
            == 1
        )
        assert "A reply that must survive." in nested_reply.inner_text()
        other.locator(f"#c{comment.pk}").screenshot(path=str(artifacts / "removed-by-author.png"))
    finally:
        fresh.close()

    comment.refresh_from_db()
    assert comment.state == Comment.State.REMOVED_BY_AUTHOR and comment.text == ""
