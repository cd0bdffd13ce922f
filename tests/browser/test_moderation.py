import pytest

from forum.models import Comment, CommentPolicy
from forum.services.comments import comment_post
from moderation.models import ModerationLogEntry
from tests.browser.conftest import wait_until
from tests.factories import PASSWORD, make_comment, make_moderator, make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url: str, handle: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next=/moderation/")
    page.get_by_label("Handle").fill(handle)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_moderator_clears_a_queue_of_held_comments_with_the_keyboard(live_server, browser, page, artifacts):
    post = make_post(title="Winter pressures", comment_policy=CommentPolicy.HOLD_UNREGISTERED)
    parent = make_comment(post=post, text="Already published", author=make_moderator("Cacofonix"))
    held = [
        comment_post(post=post, text="Held one", anon_device="device-a"),
        comment_post(post=post, parent=parent, text="Held two", anon_device="device-b"),
        comment_post(post=post, text="Held three: spam", author_name="Spammer"),
    ]
    assert {comment.state for comment in held} == {Comment.State.PENDING}
    make_moderator("Vitalstatistix")
    log_in(page, live_server.url, "Vitalstatistix")
    page.wait_for_url("**/moderation/")
    assert page.locator(".queue-count").inner_text().split() == ["3", "waiting"]
    page.screenshot(path=str(artifacts / "moderation-queue.png"), full_page=True)

    # The oldest item has the focus; one key each: approve, approve, reject.
    for comment, key in zip(held, ["a", "a", "r"]):
        # queue.js moves the focus once the page has loaded: wait for it rather than race it.
        wait_until(page, "(id) => document.activeElement && document.activeElement.id === id", f"item-{comment.pk}")
        page.keyboard.press(key)
        page.wait_for_load_state("load")
        wait_until(page, f"!document.getElementById('item-{comment.pk}')")
    assert "Nothing waits here" in page.locator("main").inner_text()
    assert page.locator(".queue-count").count() == 0  # no bare "0": nothing waits

    # Readers see the two approved comments, the reply in its place, and nothing of the rejected one.
    reader = browser.new_context()
    try:
        thread = reader.new_page()
        thread.goto(live_server.url + post.get_absolute_url())
        text = thread.locator("#comments").inner_text()
        assert "Held one" in text and "Held three" not in text
        assert "Held two" in thread.locator(f"#c{parent.pk} #c{held[1].pk}").inner_text()
    finally:
        reader.close()
    actions = list(ModerationLogEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions == ["approve", "approve", "reject"]


def test_a_moderator_hides_a_comment_from_the_thread_and_readers_see_the_tombstone(
    live_server, browser, page, artifacts
):
    from django.core.management import call_command

    call_command("import_seeds")
    make_moderator("Vitalstatistix")
    log_in(page, live_server.url, "Vitalstatistix")
    page.wait_for_url("**/moderation/")
    post_url = live_server.url + "/posts/the-real-problem/"
    page.goto(post_url)
    target = Comment.objects.filter(post__slug="the-real-problem", state=Comment.State.PUBLISHED).order_by(
        "tree_id", "lft"
    )[1]
    words = target.text[:30]
    box = page.locator(f"#c{target.pk} > article")
    box.locator("p.mod").get_by_role("button", name="Hide").click()
    page.wait_for_url(f"**#c{target.pk}")
    assert "hidden from readers" in box.inner_text() and words in box.inner_text()
    box.screenshot(path=str(artifacts / "moderator-hidden-comment.png"))

    reader = browser.new_context()
    try:
        thread = reader.new_page()
        thread.goto(post_url)
        hidden = thread.locator(f"#c{target.pk} > article").inner_text()
        assert "This comment has been hidden by a moderator." in hidden and words not in hidden
    finally:
        reader.close()
