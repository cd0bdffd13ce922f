"""An anonymous author is told what happened and answers, in Chromium: a hidden comment's notice and standing page
opened from another browser by the private link, an appeal, another moderator's reversal, the public log, and the
author told; then a quote of erased words taken out in one action."""

import pytest

from forum.models import Comment
from moderation.models import ModerationLogEntry
from tests.browser.test_moderation import log_in
from tests.browser.test_people import post_as
from tests.factories import make_comment, make_moderator, make_post, make_reasons

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_anonymous_author_is_told_appeals_from_another_browser_and_a_second_moderator_reverses_it(
    live_server, browser, page, artifacts
):
    make_reasons()
    post = make_post(title="Marking policy")
    make_moderator("Vitalstatistix")
    make_moderator("Cacofonix")
    laptop_context = browser.new_context(viewport={"width": 1100, "height": 900})
    phone_context = browser.new_context(viewport={"width": 390, "height": 844})
    reader_context = browser.new_context()
    try:
        laptop, phone, reader = laptop_context.new_page(), phone_context.new_page(), reader_context.new_page()
        post_as(laptop, live_server.url, post, "Our head marks in green ink and nobody minds")
        link = laptop.locator("textarea.removal-link").input_value()
        comment = Comment.objects.get(text__startswith="Our head marks")

        # The moderator hides it with a listed reason and a note only the author reads.
        log_in(page, live_server.url, "Vitalstatistix")
        page.goto(f"{live_server.url}/moderation/comments/{comment.pk}/")
        page.get_by_label("Reason", exact=True).select_option(label="Off-topic")
        page.get_by_label("Note to the author (private)").fill("The post is about marking, not ink.")
        page.get_by_role("button", name="Hide", exact=True).click()
        page.wait_for_load_state("load")
        assert Comment.objects.get(pk=comment.pk).state == Comment.State.HIDDEN

        # Another browser holding only the private link: the notice, then the standing page, then the appeal.
        phone.goto(link)
        notice = phone.locator(".author-notice")
        assert "hidden by a moderator" in notice.inner_text() and "Reason: Off-topic" in notice.inner_text()
        assert "not ink" in notice.inner_text() and "green ink" not in notice.inner_text()
        notice.get_by_role("link", name="Your comments and decisions: appeal").click()
        phone.wait_for_load_state("load")
        assert "hidden by a moderator" in phone.locator(".standing-comments").inner_text()
        phone.locator(".appeal-form summary").click()
        phone.get_by_label("Why should the moderators look again?").fill("It is about marking: the ink is the marking.")
        phone.screenshot(path=str(artifacts / "standing-page-phone.png"), full_page=True)
        phone.get_by_role("button", name="Send the appeal").click()
        phone.wait_for_load_state("load")
        assert "Your appeal is with the moderators" in phone.content()
        # A reader sees neither the notice nor the note.
        reader.goto(live_server.url + post.get_absolute_url())
        assert reader.locator(".author-notice").count() == 0 and "not ink" not in reader.content()

        # The moderator who decided may not answer; the other one reverses it.
        page.goto(f"{live_server.url}/moderation/?tab=appeals")
        assert "You took this decision" in page.locator(".queue-item").inner_text()
        colleague = browser.new_context()
        try:
            other = colleague.new_page()
            log_in(other, live_server.url, "Cacofonix")
            other.goto(f"{live_server.url}/moderation/?tab=appeals")
            item = other.locator(".queue-item")
            other.screenshot(path=str(artifacts / "appeals-tab.png"), full_page=True)
            assert "It is about marking" in item.inner_text() and "green ink" in item.inner_text()
            item.get_by_label("Reverse").check()
            item.get_by_label("Reason for the answer (public, told to the author)").fill("Marking it is")
            item.get_by_role("button", name="Answer").click()
            other.wait_for_load_state("load")
        finally:
            colleague.close()
        assert Comment.objects.get(pk=comment.pk).state == Comment.State.PUBLISHED

        # The public log shows the answer without anyone's words; the author is told in the first browser.
        reader.goto(f"{live_server.url}/moderation/log/")
        log = reader.locator("main").inner_text()
        assert "Appeal answered: decision reversed" in log and "Marking it is" in log
        assert "green ink" not in log and "the ink is the marking" not in log
        laptop.goto(live_server.url + "/")
        told = laptop.locator(".author-notice", has_text="the decision is reversed")
        assert "Marking it is" in told.inner_text() and "The comment is shown again." in told.inner_text()
        laptop.screenshot(path=str(artifacts / "author-notice-laptop.png"))
        told.get_by_role("button", name="Dismiss").click()
        laptop.wait_for_load_state("load")
        assert laptop.locator(".author-notice", has_text="the decision is reversed").count() == 0
    finally:
        for context in (laptop_context, phone_context, reader_context):
            context.close()


def test_a_quoted_sentence_of_an_erased_comment_is_offered_and_removed_in_one_action(live_server, page, artifacts):
    post = make_post(title="Inspection week")
    original = make_comment(post=post, text="The inspector's name is Mrs Quill and she lives at the vicarage")
    quoting = make_comment(
        post=post,
        parent=original,
        text="Did you just write the inspector's name is Mrs Quill and she lives at the vicarage?",
    )
    make_moderator("Vitalstatistix")
    log_in(page, live_server.url, "Vitalstatistix")
    page.goto(f"{live_server.url}/moderation/comments/{original.pk}/")
    page.get_by_role("button", name="Remove", exact=True).click()
    page.wait_for_load_state("load")
    page.get_by_role("link", name="take the quoted part out").click()
    page.wait_for_load_state("load")
    assert "Mrs Quill" in page.locator(".queue-item mark").inner_text()
    page.screenshot(path=str(artifacts / "quotes-tab.png"), full_page=True)
    page.get_by_role("button", name="Take the quoted words out").click()
    page.wait_for_load_state("load")
    quoting.refresh_from_db()
    assert quoting.text == "Did you just write [quoted words removed by a moderator]?"
    assert ModerationLogEntry.objects.filter(action="remove_quote", comment=quoting).exists()
    page.goto(live_server.url + post.get_absolute_url())
    assert "Mrs Quill" not in page.content()
