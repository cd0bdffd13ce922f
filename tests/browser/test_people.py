"""A moderator moderates the person, in Chromium: who a commenter is across threads and browsers, a note another
moderator reads, the ladder of warning, suspension, hold and ban, watched words, and a heated sub-thread."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from forum.models import Comment
from forum.services.comments import comment_post
from moderation.models import ModerationLogEntry, Report, Sanction
from tests.browser.test_moderation import log_in
from tests.factories import make_comment_at, make_moderator, make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def post_as(page, base_url: str, post, text: str, *, name: str = "", tick_warning: bool = False) -> None:
    """Fill the post's comment form as a reader does, and send it."""
    page.goto(base_url + post.get_absolute_url())
    form = page.locator("#comment-form")
    if name:
        form.get_by_label("A name, without an account").check()
        form.get_by_label("Name", exact=True).fill(name)
    form.locator("textarea").fill(text)
    if tick_warning:
        form.get_by_label("I have read this").check()
    form.get_by_role("button", name="Publish").click()
    page.wait_for_load_state("load")


def test_a_moderator_finds_the_person_behind_a_comment_notes_them_and_climbs_the_ladder(
    live_server, browser, page, artifacts
):
    first, second = make_post(title="Ofsted again"), make_post(title="Workload")
    make_moderator("Vitalstatistix")
    make_moderator("Cacofonix")
    laptop_context = browser.new_context(viewport={"width": 1100, "height": 900})
    phone_context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        laptop, phone = laptop_context.new_page(), phone_context.new_page()
        # One person: anonymous in two threads from the laptop, under a typed name from the phone.
        post_as(laptop, live_server.url, first, "Anonymous from the laptop, first thread")
        post_as(laptop, live_server.url, second, "Anonymous from the laptop, second thread")
        post_as(phone, live_server.url, second, "From the phone, under a name", name="Getafix")
        seed = Comment.objects.get(text__startswith="Anonymous from the laptop, first")

        # The moderator opens the person from the comment in its thread.
        log_in(page, live_server.url, "Vitalstatistix")
        page.goto(live_server.url + first.get_absolute_url())
        page.locator(f"#c{seed.pk} .commenter-link").click()
        page.wait_for_url(f"**/moderation/comments/{seed.pk}/commenter/")
        listed = page.locator(".commenter-comments").inner_text()
        assert "first thread" in listed and "second thread" in listed and "under a name" in listed
        phone_item = page.locator(".commenter-comment", has_text="under a name")
        assert phone_item.locator(".joined-by").all_inner_texts() == ["Same network address"]
        laptop_item = page.locator(".commenter-comment", has_text="second thread")
        assert "Same browser" in laptop_item.locator(".joined-by").all_inner_texts()
        page.screenshot(path=str(artifacts / "commenter-page.png"), full_page=True)

        # A note for the other moderators.
        page.get_by_label("A note on this commenter (private)").fill("Posts from two browsers; keep an eye.")
        page.get_by_role("button", name="Save note").click()
        page.wait_for_load_state("load")
        colleague = browser.new_context()
        try:
            other = colleague.new_page()
            log_in(other, live_server.url, "Cacofonix")
            other.goto(f"{live_server.url}/moderation/comments/{seed.pk}/commenter/")
            assert "Posts from two browsers; keep an eye." in other.locator(".person-note").inner_text()
            assert "Vitalstatistix" in other.locator(".person-note").inner_text()
        finally:
            colleague.close()

        def apply(kind: str, duration: str, reason: str) -> None:
            page.goto(f"{live_server.url}/moderation/comments/{seed.pk}/commenter/")
            page.locator(".sanction-details summary").click()
            page.get_by_label(kind, exact=True).check()
            page.get_by_label("For", exact=True).select_option(duration)
            page.get_by_label("Reason (shown to the commenter, never on public pages)").fill(reason)
            page.get_by_role("button", name="Apply").click()
            page.wait_for_load_state("load")
            assert "in force" in page.locator(".alert-success").inner_text()

        # A warning: the next comment asks "I have read this" and keeps the text.
        apply("Warning", "", "Please keep it civil.")
        post_as(laptop, live_server.url, first, "My next comment, kept")
        assert "Please keep it civil." in laptop.locator(".moderator-warning").inner_text()
        assert laptop.locator("#comment-form textarea").input_value() == "My next comment, kept"
        laptop.screenshot(path=str(artifacts / "warning-on-the-form.png"), full_page=True)
        laptop.locator("#comment-form").get_by_label("I have read this").check()
        laptop.locator("#comment-form").get_by_role("button", name="Publish").click()
        laptop.wait_for_load_state("load")
        assert Comment.objects.filter(text="My next comment, kept").exists()

        # Suspended for an hour: refused with the end time, the text kept; allowed again after.
        apply("Suspension", "1", "Cool off for an hour.")
        ends = Sanction.objects.get(kind="suspension").ends_at
        post_as(phone, live_server.url, second, "Suspended words", name="Getafix")
        refusal = phone.locator("#comment-form").inner_text()
        # The phone shares only the network: held back too, but never shown the moderators' words.
        assert "posting from this network or under this name is suspended" in refusal
        assert f"{timezone.localtime(ends):%H:%M}" in refusal and "Cool off" not in refusal
        assert phone.locator("#comment-form textarea").input_value() == "Suspended words"
        post_as(laptop, live_server.url, first, "Suspended on the laptop")
        refusal = laptop.locator("#comment-form").inner_text()
        assert "a moderator has suspended you" in refusal and "Cool off for an hour." in refusal
        phone.screenshot(path=str(artifacts / "suspended-phone.png"), full_page=True)
        with time_machine.travel(ends + timedelta(minutes=1)):
            post_as(phone, live_server.url, second, "Back after the hour", name="Getafix")
            assert Comment.objects.get(text="Back after the hour").state == Comment.State.PUBLISHED
        # Back in the present the hour has not passed: the moderator lifts the suspension early.
        page.goto(f"{live_server.url}/moderation/comments/{seed.pk}/commenter/")
        page.locator(".sanction-row", has_text="Suspension").get_by_role("button", name="Lift now").click()
        page.wait_for_load_state("load")
        assert ModerationLogEntry.objects.filter(action="lift_sanction").count() == 1

        # Hold everything: the next comment waits in the queue, which says why and shows the note.
        apply("Hold every comment for review", "24", "Check before publishing.")
        post_as(laptop, live_server.url, second, "Held for a look")
        assert Comment.objects.get(text="Held for a look").state == Comment.State.PENDING
        page.goto(live_server.url + "/moderation/")
        item = page.locator(".queue-item", has_text="Held for a look")
        assert "holds every comment of this commenter" in item.inner_text()
        assert "Posts from two browsers; keep an eye." in item.inner_text()

        # Ban, and hide all their comments, as one decision.
        page.goto(f"{live_server.url}/moderation/comments/{seed.pk}/commenter/")
        page.locator(".sanction-details summary").click()
        page.get_by_role("link", name="Ban instead (and optionally hide all their comments)…").click()
        page.get_by_label("Also hide every published comment of this person").check()
        page.get_by_label("Reason (shown to the banned poster)").fill("Enough.")
        page.get_by_role("button", name="Ban").click()
        page.wait_for_load_state("load")
        # The laptop's comments are hidden; the phone shared only the network, which is not proof enough.
        assert set(Comment.objects.filter(text__contains="laptop").values_list("state", flat=True)) == {"hidden"}
        assert Comment.objects.get(text="From the phone, under a name").state == Comment.State.PUBLISHED
        assert ModerationLogEntry.objects.filter(action="hide").count() == 3
    finally:
        laptop_context.close()
        phone_context.close()


def test_watched_words_refuse_hold_and_flag_with_the_match_shown(live_server, browser, page, artifacts):
    post = make_post(title="Open thread")
    make_moderator("Vitalstatistix")
    log_in(page, live_server.url, "Vitalstatistix")
    page.goto(live_server.url + "/moderation/watched-words/")
    for phrase, action in [
        ("casino", "Refuse: the author sees why and keeps the text"),
        ("payday loan", "Hold for review"),
        ("ofsted", "Publish, and flag to the Reported tab"),
    ]:
        page.get_by_label("Word or phrase").fill(phrase)
        page.get_by_label("When a comment contains it").select_option(label=action)
        page.get_by_role("button", name="Add").click()
        page.wait_for_load_state("load")
    page.get_by_label("Test a text").fill("A Payday Loan from the CAS1NO")
    page.get_by_role("button", name="Test").click()
    result = page.locator(".watched-test-result").inner_text()
    assert "Payday Loan" in result and "CAS1NO" in result
    page.screenshot(path=str(artifacts / "watched-words.png"), full_page=True)

    reader_context = browser.new_context()
    try:
        reader = reader_context.new_page()
        post_as(reader, live_server.url, post, "Visit my Casino tonight")
        assert "does not accept comments containing “Casino”" in reader.locator("#comment-form").inner_text()
        assert reader.locator("#comment-form textarea").input_value() == "Visit my Casino tonight"
        post_as(reader, live_server.url, post, "Anyone tried a payday loan?")
        post_as(reader, live_server.url, post, "Ofsted are coming")
    finally:
        reader_context.close()
    assert Comment.objects.get(text__startswith="Anyone tried").state == Comment.State.PENDING
    assert Comment.objects.get(text__startswith="Ofsted").state == Comment.State.PUBLISHED

    page.goto(live_server.url + "/moderation/")
    held = page.locator(".queue-item", has_text="Anyone tried").locator(".screening-hit").inner_text()
    assert "payday loan" in held and "Anyone tried a payday loan" in held
    assert page.locator(".queue-item mark").inner_text() == "payday loan"
    page.goto(live_server.url + "/moderation/?tab=reported")
    assert "watched word “ofsted”" in page.locator(".queue-item", has_text="Ofsted are coming").inner_text()


def test_a_heated_sub_thread_slows_replies_and_says_how_long(live_server, browser, page, settings):
    settings.FORUM_HEATED_WAIT_SECONDS = 120
    post = make_post(title="Heated")
    root = make_comment_at(timezone.now() - timedelta(hours=1), post=post, text="The start")
    sharp = comment_post(post=post, parent=root, text="A sharp reply")
    Report.objects.create(comment=sharp, reason="abuse", reporter_key="k", origin_key="o")
    page.goto(live_server.url + post.get_absolute_url())
    page.locator(f"#c{sharp.pk} > article .reply-link").click()
    form = page.locator(f"#c{sharp.pk} > form.inline-reply-form")
    form.locator("textarea").fill("An even sharper reply")
    form.get_by_role("button", name="Publish").click()
    page.wait_for_load_state("load")
    body = page.locator("main").inner_text()
    assert "This conversation is heated" in body and "post yours in" in body
    assert page.locator("textarea").first.input_value() == "An even sharper reply"
    assert not Comment.objects.filter(text="An even sharper reply").exists()
    assert ModerationLogEntry.objects.filter(action="cool_thread").count() == 1
