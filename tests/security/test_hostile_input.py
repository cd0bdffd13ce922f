"""Every form field and query parameter, fed the Big List of Naughty Strings and XSS evasions.

What must hold, on SQLite and on PostgreSQL alike: no answer is a 500; what
the site stored from these inputs holds no element or attribute outside the
sanitiser's allowlist; no page built from it can run script; the feeds parse.
The figures of each run are written to tests/artifacts/hostile-input-<database>.json.
"""

import json
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from forum.models import Comment, PostSection
from moderation.models import AuthorNotice, ModerationLogEntry, QuoteFinding
from moderation.services.appeals import appeal_file
from moderation.services.comments import comment_moderate
from tests.factories import make_comment, make_member, make_moderator, make_post, post_comment

from .hostile import XSS_VECTORS, as_header, naughty_strings, page_problems, stored_html_problems

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


class Run:
    """Sends requests without raising the server's exceptions, and counts what came back."""

    def __init__(self):
        self.statuses = Counter()
        self.failures: list[str] = []
        self.requests = 0

    def send(self, client: Client, method: str, url: str, data=None, *, label: str, value: str):
        self.requests += 1
        response = getattr(client, method)(url, data or {})
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.failures.append(f"{label} {value[:60]!r}: {response.status_code}")
        return response


@pytest.fixture
def generous_limits(settings):
    # The run sends hundreds of posts from one address; the limits have their own tests.
    for name in (
        "FORUM_COMMENTS_PER_IP",
        "FORUM_COMMENTS_PER_POSTER",
        "FORUM_SUBMISSIONS_PER_IP",
        "FORUM_REPORTS_PER_IP",
        "FORUM_REPORTS_PER_PERSON",
        "FORUM_REMOVAL_REQUESTS_PER_IP",
        "FORUM_SIGNUPS_PER_IP",
        "FORUM_LOGIN_FAILURES_PER_IP",
        "FORUM_LOGIN_FAILURES_PER_ACCOUNT",
        "FORUM_REMOVAL_KEY_FAILURES_PER_IP",
    ):
        setattr(settings, name, 100_000)
    settings.FORUM_REPORTS_TO_HIDE = 100_000


def refresh_planner_statistics():
    """What autovacuum does for a live PostgreSQL as its tables grow, for the rows of this test's one open
    transaction, which autovacuum never sees: without it the planner keeps the statistics of earlier
    tests' tables and, in the full run, chose plans that made this test three times slower."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # counts rows this transaction inserted


def test_no_hostile_input_gets_a_500_or_leaves_markup_behind(generous_limits, settings):
    strings = naughty_strings() + XSS_VECTORS
    # Spread over several threads: a refused comment re-renders its whole thread, and one
    # thread of a thousand comments would make the run slow without testing anything more.
    threads = [make_post(title=f"Hostile thread {number}") for number in range(8)]
    parents = [make_comment(post=thread, text="A parent to reply to") for thread in threads]
    quiet = make_post(title="Quiet thread")
    # Reported and acted on in turn: one comment with hundreds of reports would make every
    # moderator page of it slower with each string, testing nothing more.
    reported_ones = [make_comment(post=quiet, text=f"Something to report ({n})") for n in range(8)]
    # Someone moderators can note and sanction: a typed name from another address than the run's.
    known = make_comment(post=quiet, author_name="Obelix", text="Menhirs", ip_address="203.0.113.9")
    moderator_client = Client(raise_request_exception=False)
    moderator_client.force_login(make_moderator("Vitalstatistix"))
    # An anonymous author told of a decision, who appeals it; a quote of erased words waiting.
    author = Client(raise_request_exception=False)
    post_comment(author, quiet, text="Words a moderator hides")
    appealed = Comment.objects.get(text="Words a moderator hides")
    comment_moderate(comment=appealed, action="hide", moderator=make_moderator("Decider"))
    decision = ModerationLogEntry.objects.get(comment=appealed)
    appeal = appeal_file(entry=decision, text="Please look again")
    notice = AuthorNotice.objects.get(entry=decision)
    erased = make_comment(post=quiet, text="one two three four five six seven eight nine ten")
    make_comment(post=quiet, text="Quoting: one two three four five six seven eight nine ten")
    comment_moderate(comment=erased, action="remove", moderator=make_moderator("Remover"))
    finding = QuoteFinding.objects.get()
    reader = Client(raise_request_exception=False)
    member = Client(raise_request_exception=False)
    member.force_login(make_member("Getafix"))
    run = Run()

    for number, value in enumerate(strings):
        if number % 50 == 0:
            refresh_planner_statistics()
        thread, parent = threads[number % len(threads)], parents[number % len(threads)]
        reported = reported_ones[number % len(reported_ones)]
        quoted = quote(value, safe="")
        # Query parameters and addresses.
        run.send(reader, "get", reverse("forum:post_list"), {"page": value}, label="home ?page", value=value)
        run.send(
            reader,
            "get",
            quiet.get_absolute_url(),
            {"page": value, "sort": value},
            label="thread ?page&sort",
            value=value,
        )
        run.send(
            reader, "get", reverse("forum:search"), {"q": value, "page": value}, label="search ?q&page", value=value
        )
        run.send(reader, "get", f"/u/{quoted}/", label="profile address", value=value)
        run.send(reader, "get", reverse("moderation:log"), {"page": value}, label="log ?page", value=value)
        run.send(
            reader,
            "get",
            reverse("forum:comment_edit", args=[quiet.slug, reported.pk]),
            {"key": value},
            label="edit ?key",
            value=value,
        )
        # Every form a reader can send.
        run.send(
            reader,
            "post",
            reverse("forum:comment_create", args=[thread.slug]),
            {"text": value},
            label="comment text",
            value=value,
        )
        run.send(
            reader,
            "post",
            reverse("forum:comment_create", args=[thread.slug]),
            {"identity": "name", "author_name": value, "text": "Signed with a strange name"},
            label="comment name",
            value=value,
        )
        run.send(
            member,
            "post",
            reverse("forum:comment_reply", args=[thread.slug, parent.pk]),
            {"text": value},
            label="reply text",
            value=value,
        )
        run.send(
            reader,
            "post",
            reverse("forum:submission_create"),
            {"title": value, "text": value, "credit": "name", "credit_name": value},
            label="piece",
            value=value,
        )
        run.send(
            Client(raise_request_exception=False),
            "post",
            reverse("moderation:report_comment", args=[reported.pk]),
            {"reason": "spam", "details": value},
            label="report details",
            value=value,
        )
        run.send(
            reader,
            "post",
            reverse("moderation:ask_to_remove_comment", args=[reported.pk]),
            {"reason": value, "contact": value},
            label="removal request",
            value=value,
        )
        run.send(
            reader,
            "post",
            reverse("accounts:login"),
            {"username": value, "password": value},
            label="login",
            value=value,
        )
        run.send(
            Client(raise_request_exception=False),
            "post",
            reverse("accounts:signup"),
            {"handle": value, "email": value, "password1": "a long passphrase", "password2": "a long passphrase"},
            label="signup",
            value=value,
        )
        # What moderators send.
        run.send(
            moderator_client,
            "post",
            reverse("moderation:comment", args=[reported.pk]),
            {
                "action": value,
                "reason_choice": value,
                "reason": value,
                "note_to_author": value,
                "note": value,
                "next": value,
            },
            label="moderation action",
            value=value,
        )
        run.send(
            moderator_client,
            "post",
            reverse("moderation:queue_act"),
            {
                "tab": value,
                "bulk": "hide",
                "selected": [value, str(reported.pk)],
                "bulk-reason": value,
                "bulk-reason_choice": value,
                "bulk-note_to_author": value,
            },
            label="queue bulk",
            value=value,
        )
        run.send(
            moderator_client, "post", reverse("moderation:queue_act"), {"act": value}, label="queue act", value=value
        )
        run.send(
            moderator_client,
            "post",
            reverse("moderation:post_policy", args=[quiet.slug]),
            {"policy": value, "reason": value},
            label="post policy",
            value=value,
        )
        run.send(
            moderator_client,
            "post",
            reverse("moderation:note_add", args=[known.pk]),
            {"text": value},
            label="note",
            value=value,
        )
        run.send(
            moderator_client,
            "post",
            reverse("moderation:sanction_add", args=[known.pk]),
            {"kind": ["warning", "hold", value][number % 3], "duration": value, "until": value, "reason": value},
            label="sanction",
            value=value,
        )
        run.send(
            moderator_client,
            "post",
            reverse("moderation:watched_words"),
            {"phrase": value, "action": ["flag", value][number % 2]},
            label="watched word",
            value=value,
        )
        run.send(
            moderator_client,
            "post",
            reverse("moderation:watched_words_test"),
            {"sample": value},
            label="watched word test",
            value=value,
        )
        run.send(
            reader,
            "post",
            reverse("forum:comment_create", args=[thread.slug]),
            {"text": "Read the warning", "acknowledged_warning": value},
            label="acknowledged warning",
            value=value,
        )
        # What authors send about decisions, and what moderators answer.
        run.send(reader, "get", reverse("moderation:standing"), {"key": value}, label="standing ?key", value=value)
        run.send(
            author,
            "post",
            reverse("moderation:appeal", args=[decision.pk]),
            {"text": value, "key": [value, ""][number % 2]},
            label="appeal",
            value=value,
        )
        run.send(
            author,
            "post",
            reverse("moderation:notice_dismiss", args=[notice.pk]),
            {"next": value, "key": [value, ""][number % 2]},
            label="notice dismiss",
            value=value,
        )
        if number % 2:
            run.send(
                moderator_client,
                "post",
                reverse("moderation:appeal_answer", args=[appeal.pk]),
                {"outcome": [value, "upheld"][number % 4 == 1], "reason": value},
                label="appeal answer",
                value=value,
            )
            run.send(
                moderator_client,
                "post",
                reverse("moderation:quote_act", args=[finding.pk]),
                {"act": [value, "keep"][number % 4 == 3]},
                label="quote act",
                value=value,
            )
        # Cookies the site reads back.
        browser = Client(raise_request_exception=False)
        raw = as_header(value)
        for cookie in ("forum_seen", "forum_name", "forum_device", "forum_removal_keys", "forum_just_posted"):
            browser.cookies[cookie] = raw
        run.send(browser, "get", quiet.get_absolute_url(), label="cookies", value=value)

    # What the run left behind: every stored text, every page that shows it, the feeds.
    stored = [(f"comment {pk}", html) for pk, html in Comment.objects.values_list("pk", "html")]
    stored += [(f"section {pk}", html) for pk, html in PostSection.objects.values_list("pk", "body_html")]
    markup_problems = [f"{where}: {problem}" for where, html in stored for problem in stored_html_problems(html)]
    pages = {f"thread {thread.pk}": reader.get(thread.get_absolute_url()) for thread in threads}
    pages |= {
        "thread as moderator": moderator_client.get(threads[0].get_absolute_url()),
        "queue": moderator_client.get(reverse("moderation:queue") + "?tab=reported"),
        "log as moderator": moderator_client.get(reverse("moderation:log")),
        "commenter": moderator_client.get(reverse("moderation:commenter", args=[known.pk])),
        "watched words": moderator_client.get(reverse("moderation:watched_words")),
        "appeals": moderator_client.get(reverse("moderation:queue") + "?tab=appeals"),
        "quotes": moderator_client.get(reverse("moderation:queue") + "?tab=quotes"),
        "standing": author.get(reverse("moderation:standing")),
        "editors' inbox": moderator_client.get(reverse("forum:submission_inbox")),
        "search": reader.get(reverse("forum:search"), {"q": "alert"}),
    }
    pages |= {
        f"reported comment {comment.pk}": moderator_client.get(reverse("moderation:comment", args=[comment.pk]))
        for comment in reported_ones
    }
    script_problems = [
        f"{name}: {problem}" for name, page in pages.items() for problem in page_problems(page.content.decode())
    ]
    for feed in ("forum:posts_feed", "forum:comments_feed"):
        ElementTree.fromstring(reader.get(reverse(feed)).content)  # raises if the feed is not XML

    figures = {
        "database": connection.vendor,
        "inputs": len(strings),
        "requests": run.requests,
        "statuses": dict(sorted(run.statuses.items())),
        "server_errors": len(run.failures),
        "comments_stored": Comment.objects.count(),
        "stored_html_checked": len(stored),
        "markup_outside_allowlist": len(markup_problems),
        "script_on_pages": len(script_problems),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"hostile-input-{connection.vendor}.json").write_text(json.dumps(figures, indent=2))
    assert run.failures == []
    assert markup_problems == []
    assert script_problems == []
    assert Comment.objects.filter(post__in=threads).count() > len(strings)  # most of them did get stored


def test_the_allowlist_check_finds_what_it_looks_for():
    """The audit itself: it must flag what the test above asserts is absent."""
    assert stored_html_problems('<p>fine <a href="https://example.org" rel="nofollow">x</a></p>') == []
    assert stored_html_problems("<img src=x onerror=alert(1)>") == [
        "<img>",
        "<img src>",
        "<img src='x'>",
        "<img onerror>",
    ]
    assert page_problems('<a href="javascript:alert(1)">x</a><script>alert(1)</script>') == [
        "<a href='javascript:alert(1)'>",
        "inline <script>",
    ]
