"""Reading a thread in Chromium: time references, folds, more conversations, new-comment marks."""

import pytest

from tests.browser.conftest import wait_until
from tests.factories import make_comment, make_comment_at, make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HIGHLIGHT = "rgb(255, 246, 224)"  # li:target > article in forum.css


def test_following_a_time_reference_lands_on_the_comment_and_highlights_it(live_server, page, artifacts):
    post = make_post(title="At Odds With The Evidence")
    target = make_comment_at("19:12", post=post, author_name="Getafix", text="The inspectorate's figures don't add up.")
    for number in range(12):  # enough comments that the target is off screen
        make_comment_at(f"20:{number:02d}", post=post, text=f"Filler comment {number}\n\nwith a second paragraph.")
    make_comment_at("21:31", post=post, text="@anon 19:12 you've missed the point.")
    page.goto(live_server.url + post.get_absolute_url())
    link = page.locator("a.cr", has_text="@anon 19:12")
    assert link.get_attribute("title") == "Getafix at 19:12: “The inspectorate's figures don't add up.”"
    box = page.locator(f"#c{target.pk} > article")
    assert box.evaluate("node => getComputedStyle(node).backgroundColor") != HIGHLIGHT
    link.click()
    page.wait_for_url(f"**#c{target.pk}")
    assert page.evaluate("document.querySelector(':target').id") == f"c{target.pk}"
    assert box.evaluate("node => getComputedStyle(node).backgroundColor") == HIGHLIGHT
    # Bootstrap scrolls smoothly: wait until the target has arrived at the top of the view.
    wait_until(
        page,
        "id => { const top = document.getElementById(id).getBoundingClientRect().top; return top >= 0 && top < 200; }",
        f"c{target.pk}",
    )
    page.screenshot(path=str(artifacts / "time-reference-followed.png"))


@pytest.mark.parametrize("javascript", [True, False])
def test_a_subtree_collapses_and_expands(live_server, browser, javascript):
    post = make_post()
    top = make_comment(post=post, text="Top of the conversation")
    child = make_comment(parent=top, text="First reply")
    grandchild = make_comment(parent=child, text="Reply to the reply")
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(live_server.url + post.get_absolute_url())
    summary = page.locator(f"#c{top.pk} > details > summary")

    def summary_label() -> str:  # "Hide"/"Show" come from CSS, on the details' open state
        before = summary.evaluate("node => getComputedStyle(node, '::before').content")
        return before.strip('"') + summary.inner_text()

    assert summary_label() == "Hide 2 replies"
    assert page.locator(f"#c{grandchild.pk}").is_visible()
    summary.click()
    assert not page.locator(f"#c{child.pk}").is_visible() and not page.locator(f"#c{grandchild.pk}").is_visible()
    assert summary_label() == "Show 2 replies"
    assert page.locator(f"#c{top.pk} > article").is_visible()
    summary.click()
    assert page.locator(f"#c{grandchild.pk}").is_visible()
    context.close()


def test_load_more_appends_the_next_conversations_in_place(live_server, page, settings):
    settings.FORUM_COMMENTS_PER_PAGE = 3
    post = make_post()
    comments = [make_comment(post=post, text=f"Conversation {number}") for number in range(7)]
    page.goto(live_server.url + post.get_absolute_url())
    assert page.locator("#comments > .comment-list > li").count() == 3
    page.get_by_role("link", name="Load more comments (page 2 of 3)").click()
    page.get_by_role("link", name="Load more comments (page 3 of 3)").click()
    page.locator(f"#c{comments[-1].pk}").wait_for()
    assert page.locator("#comments > .comment-list > li").count() == 7
    assert page.locator("a.load-more").count() == 0
    assert page.url.endswith(post.get_absolute_url())  # the same page grew


def test_new_comments_are_marked_on_the_next_visit_without_javascript(live_server, page_without_javascript):
    page = page_without_javascript
    post = make_post()
    make_comment(post=post, text="Read on the first visit")
    page.goto(live_server.url + post.get_absolute_url())
    assert page.locator(".comment-new").count() == 0
    first, second = make_comment(post=post, text="New one"), make_comment(post=post, text="New two")
    page.goto(live_server.url + post.get_absolute_url())
    assert page.locator(".comment-new").count() == 2
    page.get_by_role("link", name="first new ↓").click()
    page.wait_for_url(f"**#c{first.pk}")
    page.locator(f"#c{first.pk} .next-new-link").click()
    page.wait_for_url(f"**#c{second.pk}")
