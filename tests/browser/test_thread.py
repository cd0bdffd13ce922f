import pytest
from django.core.management import call_command

from forum.models import Comment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED_POST = "/posts/at-odds-with-the-evidence/"


def first_comment_starting(text: str) -> Comment:
    return Comment.objects.get(text__startswith=text)


def test_reply_inline_appears_nested_under_its_parent(live_server, page, artifacts):
    call_command("import_seeds")
    parent = first_comment_starting("Probation offices are flouting these rules.")
    page.goto(live_server.url + SEED_POST)
    assert page.locator("#comments li[id^='c']").count() == 25

    page.locator(f"#c{parent.pk} > article .reply-link").click()
    form = page.locator(f"#c{parent.pk} > form.inline-reply-form")
    form.locator("textarea").fill("Replying from a real browser.\n\nSecond paragraph.")
    form.get_by_role("button", name="Publish").click()
    page.wait_for_url(f"**{SEED_POST}#c*")

    reply = Comment.objects.get(text__startswith="Replying from a real browser.")
    assert reply.parent_id == parent.pk
    nested = page.locator(f"#c{parent.pk} #c{reply.pk}")
    assert (
        nested.evaluate(
            "node => { let depth = 0; for (let up = node.parentElement; up; up = up.parentElement) if (up.matches('li[id^=c]')) depth++; return depth; }"
        )
        == 1
    )
    assert "Second paragraph." in nested.inner_text()
    assert page.locator("#comments li[id^='c']").count() == 26
    page.screenshot(path=str(artifacts / "thread.png"), full_page=True)


def test_reply_without_javascript_goes_through_the_reply_page(live_server, page_without_javascript):
    page = page_without_javascript
    call_command("import_seeds")
    parent = first_comment_starting("Then you understand the point even more.")
    page.goto(live_server.url + SEED_POST)
    # Without JavaScript the comment's time leads to its own page, which offers every action on it.
    page.locator(f"#c{parent.pk} > article > header > a[href^='/c/']").click()
    page.wait_for_url(f"**/comments/{parent.pk}/")
    page.locator(f"#c{parent.pk} > article .reply-link").click()
    page.wait_for_url(f"**/comments/{parent.pk}/reply/")
    page.get_by_role("radio", name="A name, without an account").check()
    page.get_by_role("textbox", name="Name").fill("Getafix")
    page.get_by_label("Comment").fill("No script needed.")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(f"**{SEED_POST}#c*")

    reply = Comment.objects.get(text="No script needed.")
    nested = page.locator(f"#c{parent.pk} #c{reply.pk}")
    assert (
        nested.evaluate(
            "node => { let depth = 0; for (let up = node.parentElement; up; up = up.parentElement) if (up.matches('li[id^=c]')) depth++; return depth; }"
        )
        == 2
    )
    assert "Getafix" in nested.inner_text()
