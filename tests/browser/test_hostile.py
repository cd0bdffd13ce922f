"""Hostile comments in a real browser: nothing runs, and the Content-Security-Policy is in force."""

import pytest

from forum.services.comments import comment_post
from tests.factories import make_comment, make_post
from tests.security.hostile import XSS_VECTORS, naughty_strings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_script_from_hostile_comments_runs_in_chromium(live_server, page, artifacts):
    post = make_post(title="Naughty strings")
    # Every XSS vector, and the script-like part of the naughty strings, as comments, names and replies.
    script_like = [text for text in naughty_strings() if "<" in text or "javascript" in text.lower()]
    parent = make_comment(post=post, text="Start here")
    for number, text in enumerate(XSS_VECTORS + script_like):
        comment_post(post=post, parent=parent if number % 2 else None, text=text)
    comment_post(post=post, text="Under a strange name", author_name='"><img src=x onerror=alert(1)>')
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_server.url + post.get_absolute_url())
    page.mouse.move(300, 300)
    for link in page.locator("article > p a").all()[:40]:
        link.hover()
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "hostile-thread.png"))
    assert dialogs == []
    assert page.evaluate("typeof window.__forumXss") == "undefined"
    # The fixture also fails the test if the policy refused anything: nothing tried to run.


def test_the_content_security_policy_blocks_injected_inline_script(live_server, page):
    """The second wall: were markup ever to slip past the sanitiser, the browser would not run it."""
    post = make_post()
    page.goto(live_server.url + post.get_absolute_url())
    page.evaluate(
        """() => {
            document.body.insertAdjacentHTML('beforeend', '<img src="/nowhere.png" onerror="window.__forumXss = 1">');
            const script = document.createElement('script');
            script.textContent = 'window.__forumXss = 2';
            document.body.appendChild(script);
        }"""
    )
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__forumXss") == "undefined"
    assert any("Content Security Policy" in message for message in page.csp_violations)
    page.csp_violations.clear()  # seen and expected: the fixture fails tests on any other
