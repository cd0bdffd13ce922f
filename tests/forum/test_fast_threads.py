"""Fast threads: pages joined from stored fragments, and a cached page for readers with nothing of their own in the thread.

Every change a reader can see must reach the next anonymous reader, whatever
path made it (the site's pages, the moderation pages, the admin, an import),
and erased words must leave the cache too, not only the page.
"""

import gzip
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from forum.archives.records import ImportedComment, ImportedPost
from forum.archives.writer import import_records
from forum.models import Comment, CommentPolicy, Label, Post
from forum.threads import changes, pagecache
from moderation.models import ModerationSettings, RemovalRequest
from moderation.services.comments import comment_moderate
from moderation.services.policies import post_policy_set
from tests.factories import PASSWORD, make_comment, make_comment_at, make_member, make_moderator, make_post
from tests.forum.test_one_path import admin_post_data

pytestmark = pytest.mark.django_db


def anonymous_page(post) -> str:
    return Client().get(post.get_absolute_url()).content.decode()


def cached_bytes(post) -> bytes:
    """Everything the cache holds for the post's pages, whatever it was built from."""
    pages = [cache.get(pagecache.key_for(post.pk, sort=sort, page=n)) for sort in pagecache.SORTS for n in (1, 2)]
    head = cache.get(f"forum:post-head:{post.pk}")
    return b"".join(
        part if isinstance(part, bytes) else part.encode() for page in pages if page for part in page.parts
    ) + (head[1].encode() if head else b"")


def warmed(post) -> str:
    """The page as the cache now serves it, checked to come from the cache (the post is the only query)."""
    anonymous_page(post)
    with CaptureQueriesContext(connection) as queries:
        page = anonymous_page(post)
    assert len(queries) == 1, [query["sql"] for query in queries]
    return page


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def thread():
    """A post with a member's comment, a reply to it, and a comment naming the first by its time."""
    post = make_post(title="Winter pressures", published_on=timezone.localdate() - timedelta(days=10))
    member = make_member("Getafix")
    first = make_comment_at("19:12", post=post, author=member, text="Original words of the member.")
    reply = make_comment_at("19:20", post=post, parent=first, text="A reply underneath.")
    mention = make_comment_at("19:30", post=post, text="@anon 19:12 I answer you.")
    return {"post": post, "member": member, "first": first, "reply": reply, "mention": mention}


def superuser() -> Client:
    return logged_in(User.objects.create_superuser(handle="Edna", email="edna@example.org", password=PASSWORD))


def _new_comment(t):
    Client().post(reverse("forum:comment_create", args=[t["post"].slug]), {"text": "Freshly posted words."})
    return ["Freshly posted words."], []


def _new_reply(t):
    Client().post(
        reverse("forum:comment_reply", args=[t["post"].slug, t["reply"].pk]), {"text": "A reply to the reply."}
    )
    return ["A reply to the reply."], []


def _author_edits(t):
    member = logged_in(t["member"])
    with time_machine.travel(t["first"].created_at + timedelta(minutes=5), tick=False):  # within the edit window
        response = member.post(
            reverse("forum:comment_edit", args=[t["post"].slug, t["first"].pk]), {"text": "Second thoughts instead."}
        )
    assert response.status_code == 302, response.content.decode()[-3000:]
    return ["Second thoughts instead.", "edited"], ["Original words of the member."]


def _author_removes(t):
    logged_in(t["member"]).post(reverse("forum:comment_remove", args=[t["post"].slug, t["first"].pk]))
    return [
        "This comment has been removed by the author.",
        "A comment at 19:12: This comment has been removed by the author.",
    ], ["Original words of the member.", "Getafix"]


def _moderator(action):
    def change(t):
        logged_in(make_moderator("Vitalstatistix")).post(
            reverse("moderation:comment_act"),
            {"act": f"{action}:{t['first'].pk}", "next": t["post"].get_absolute_url()},
        )
        if action == "hide":
            return ["This comment has been hidden by a moderator."], ["Original words of the member."]
        return ["This comment has been removed by a moderator."], ["Original words of the member."]

    return change


def _moderator_unhides(t):
    moderator = logged_in(make_moderator("Vitalstatistix"))
    moderator.post(reverse("moderation:comment", args=[t["first"].pk]), {"action": "hide"})
    # Read between the two, so the page cached is the hidden one: unhiding must replace it.
    assert "This comment has been hidden by a moderator." in anonymous_page(t["post"])
    moderator.post(reverse("moderation:comment", args=[t["first"].pk]), {"action": "unhide"})
    return ["Original words of the member."], ["This comment has been hidden by a moderator."]


def _moderator_approves(t):
    post = t["post"]
    ModerationSettings.objects.update_or_create(pk=1, defaults={"default_policy": CommentPolicy.HOLD_ALL})
    Client().post(reverse("forum:comment_create", args=[post.slug]), {"text": "Held until approved."})
    ModerationSettings.objects.update_or_create(pk=1, defaults={"default_policy": CommentPolicy.PUBLISH})
    held = Comment.objects.get(text="Held until approved.")
    assert "Held until approved." not in anonymous_page(post)
    logged_in(make_moderator("Vitalstatistix")).post(
        reverse("moderation:queue_act"), {"tab": "held", "act": f"approve:{held.pk}"}
    )
    return ["Held until approved."], []


def _readers_report(t):
    # Readers without accounts weigh 0.5 each (moderation.reporting): six of them reach the default 3.
    for number in range(6):
        Client(REMOTE_ADDR=f"192.0.2.{number + 1}").post(
            reverse("moderation:report_comment", args=[t["first"].pk]), {"reason": "spam"}
        )
    return ["This comment has been hidden after readers&#x27; reports."], ["Original words of the member."]


def _request_granted(t):
    RemovalRequest.objects.create(comment=t["first"], reason="Mine; please take it down.")
    logged_in(make_moderator("Vitalstatistix")).post(
        reverse("moderation:queue_act"),
        {"tab": "requests", "act": f"grant_request:{RemovalRequest.objects.get().pk}"},
    )
    return ["Removed at author&#x27;s request."], ["Original words of the member.", "Getafix"]


def _account_deleted(keep):
    def change(t):
        logged_in(t["member"]).post(reverse("accounts:delete"), {"comments": keep, "password": PASSWORD})
        if keep == "keep":
            return ["[deleted account]", "Original words of the member."], ["Getafix"]
        return ["This comment has been removed by the author."], ["Original words of the member.", "Getafix"]

    return change


def _account_deleted_in_the_admin(t):
    superuser().post(reverse("admin:accounts_user_delete", args=[t["member"].pk]), {"post": "yes"})
    return ["This comment has been removed by a moderator."], ["Original words of the member.", "Getafix"]


def _admin_action(t):
    superuser().post(
        reverse("admin:forum_comment_changelist"),
        {"action": "moderate_hide", "_selected_action": [t["first"].pk]},
    )
    return ["This comment has been hidden by a moderator."], ["Original words of the member."]


def _admin_renames_member(t):
    member = t["member"]
    superuser().post(
        reverse("admin:accounts_user_change", args=[member.pk]),
        {
            "handle": "Panoramix", "email": member.email, "is_active": "on",
            "last_login_0": "", "last_login_1": "", "date_joined_0": "2024-01-01", "date_joined_1": "00:00:00",
        },
    )  # fmt: skip
    assert User.objects.get(pk=member.pk).handle == "Panoramix"
    return [">Panoramix</a>", "Panoramix at 19:12"], ["Getafix"]


def _admin_edits_section(t):
    post = t["post"]
    response = superuser().post(
        reverse("admin:forum_post_change", args=[post.pk]),
        admin_post_data(post, **{"sections-0-body": "The editor's corrected text."}),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return ["corrected text."], []


def _section_removed_at_request(t):
    post = t["post"]
    RemovalRequest.objects.create(section=post.sections.get(), reason="My words; please take them down.")
    logged_in(make_moderator("Vitalstatistix")).post(
        reverse("moderation:queue_act"),
        {"tab": "requests", "act": f"grant_request:{RemovalRequest.objects.get().pk}"},
    )
    return ["Removed at author&#x27;s request."], ["The editor&#x27;s text."]


def _admin_retitles_post(t):
    post = t["post"]
    superuser().post(reverse("admin:forum_post_change", args=[post.pk]), admin_post_data(post, title="Spring hopes"))
    return ["Spring hopes"], ["Winter pressures"]


def _label_renamed(t):
    label = Label.objects.create(name="Staffing", slug="staffing")
    t["post"].labels.add(label)
    changes.posts_changed(Post.objects.filter(pk=t["post"].pk))  # as the admin's save does
    assert "Staffing" in anonymous_page(t["post"])
    superuser().post(reverse("admin:forum_label_change", args=[label.pk]), {"name": "Workloads", "slug": "staffing"})
    return ["Workloads"], ["Staffing"]


def _policy_closed(t):
    logged_in(make_moderator("Vitalstatistix")).post(
        reverse("moderation:post_policy", args=[t["post"].slug]), {"policy": CommentPolicy.CLOSED}
    )
    return ["Comments are closed on this post."], []


def _site_default_changed(t):
    superuser().post(
        reverse("admin:moderation_moderationsettings_add")
        if not ModerationSettings.objects.exists()
        else reverse("admin:moderation_moderationsettings_change", args=[1]),
        {"default_policy": CommentPolicy.HOLD_ALL},
    )
    return ["Every comment on this post waits for a moderator"], []


def _imported(t):
    post = t["post"]
    Post.objects.filter(pk=post.pk).update(legacy_id="blogger:1")
    import_records(
        iter(
            [
                ImportedPost(key="blogger:1", title=post.title, published_at=timezone.now(), legacy_id="blogger:1"),
                ImportedComment(
                    key="blogger:2",
                    post_key="blogger:1",
                    created_at=None,
                    text="Imported from the old blog.",
                    legacy_id="blogger:2",
                ),
            ]
        )
    )
    return ["Imported from the old blog."], []


CHANGES = {
    "a new comment": _new_comment,
    "a new reply": _new_reply,
    "the author edits": _author_edits,
    "the author removes": _author_removes,
    "a moderator hides": _moderator("hide"),
    "a moderator removes": _moderator("remove"),
    "a moderator unhides": _moderator_unhides,
    "a moderator approves": _moderator_approves,
    "readers' reports hide it": _readers_report,
    "a removal request is granted": _request_granted,
    "the account is deleted, comments kept": _account_deleted("keep"),
    "the account is deleted with its comments": _account_deleted("remove"),
    "an administrator deletes the account": _account_deleted_in_the_admin,
    "an admin action hides it": _admin_action,
    "an administrator renames the member": _admin_renames_member,
    "an editor edits the post's text": _admin_edits_section,
    "the post's text is removed at its author's request": _section_removed_at_request,
    "an editor retitles the post": _admin_retitles_post,
    "a label is renamed": _label_renamed,
    "the post's policy closes comments": _policy_closed,
    "the site's default policy changes": _site_default_changed,
    "an import adds a comment": _imported,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_every_change_a_reader_can_see_reaches_the_next_anonymous_reader(
    thread, change, django_capture_on_commit_callbacks
):
    before = warmed(thread["post"])
    assert "Original words of the member." in before and b"Original words of the member." in cached_bytes(
        thread["post"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        shown, gone = change(thread)
    # Erased words do not wait in the cache for it to expire: the thread's pages left it with the change.
    for words in gone:
        assert words.encode() not in cached_bytes(thread["post"]), words
    after = anonymous_page(Post.objects.get(pk=thread["post"].pk))
    for words in shown:
        assert words in after, words
    for words in gone:
        assert words not in after, words


def test_a_page_unchanged_is_answered_304_and_sets_no_cookie():
    post = make_post()
    make_comment(post=post, text="Words to read.")
    browser = Client()
    first = browser.get(post.get_absolute_url())
    assert first.status_code == 200 and first["ETag"].startswith('W/"')
    assert first["Cache-Control"] == "private, no-cache" and "Cookie" in first["Vary"]
    assert first.cookies  # the CSRF cookie and what this browser has seen, once
    again = browser.get(post.get_absolute_url())
    assert again.status_code == 200 and not again.cookies  # a returning reader is sent no cookie
    revalidated = browser.get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=again["ETag"])
    assert revalidated.status_code == 304 and revalidated.content == b""
    make_comment(post=post, text="Something new.")
    changed = browser.get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=again["ETag"])
    assert changed.status_code == 200 and "Something new." in changed.content.decode()
    assert changed["ETag"] != again["ETag"]


def test_a_revalidation_reads_only_the_pages_head_from_the_cache():
    """With the cache on another machine (Redis), fetching a 600 KB page only to answer 304 would cost most of the 304."""
    post = make_post()
    make_comment(post=post, text="Words to read.")
    browser = Client()
    browser.get(post.get_absolute_url())
    etag = browser.get(post.get_absolute_url())["ETag"]
    page_key = pagecache.key_for(post.pk, sort="oldest", page=1)
    cache.delete(page_key)  # the page's bytes gone (from the shared cache and this process), its head kept
    pagecache.forget_kept_here([page_key])
    assert browser.get(post.get_absolute_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304
    rebuilt = browser.get(post.get_absolute_url())
    assert rebuilt.status_code == 200 and "Words to read." in rebuilt.content.decode()
    assert rebuilt["ETag"] == etag


def test_a_server_process_serves_its_own_copy_only_under_the_stamp_just_read(django_capture_on_commit_callbacks):
    """Each process keeps the pages it served (no 600 KB fetch from Redis per visit), never past a change."""
    post = make_post()
    make_comment(post=post, text="Words to read.")
    assert "Words to read." in Client().get(post.get_absolute_url()).content.decode()
    cache.clear()  # the shared cache emptied (another machine's Redis restarted): this process's copy serves
    with CaptureQueriesContext(connection) as queries:
        assert "Words to read." in Client().get(post.get_absolute_url()).content.decode()
    assert not [q for q in queries.captured_queries if "forum_comment" in q["sql"]]  # no thread read: nothing rebuilt
    with django_capture_on_commit_callbacks(execute=False):
        make_comment(post=post, text="A later comment.")  # the copy is not dropped here: its stamp is stale
    assert "A later comment." in Client().get(post.get_absolute_url()).content.decode()


def test_the_cached_page_carries_a_working_token_and_a_fresh_form_stamp_per_request():
    post = make_post()
    make_comment(post=post, text="Words to read.")
    browser = Client(enforce_csrf_checks=True)
    browser.get(post.get_absolute_url())
    pages = [browser.get(post.get_absolute_url()).content.decode() for _ in range(2)]
    stamps = [re.search(r'name="form_stamp" value="([^"]+)"', page)[1] for page in pages]
    assert stamps[0] != stamps[1]  # each stamp can be spent once
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', pages[1])[1]
    response = browser.post(
        reverse("forum:comment_create", args=[post.slug]),
        {"csrfmiddlewaretoken": token, "form_stamp": stamps[1], "text": "Posted from a cached page."},
    )
    assert response.status_code == 302
    assert Comment.objects.filter(text="Posted from a cached page.").exists()


def test_gzip_for_the_shared_page_never_for_a_page_that_reflects_input_or_holds_a_secret():
    post = make_post()
    make_comment(post=post, text="Words to read.")
    reader = Client()
    answers = [reader.get(post.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip, deflate") for _ in range(3)]
    pages = [gzip.decompress(answer.content).decode() for answer in answers]
    assert all(answer["Content-Encoding"] == "gzip" for answer in answers)
    # Joined from the page's kept compressed pieces and each request's own token and stamp.
    assert all("Words to read." in page and "</html>" in page for page in pages)
    stamps = {re.search(r'name="form_stamp" value="([^"]+)"', page)[1] for page in pages}
    assert len(stamps) == 3
    plain = reader.get(post.get_absolute_url()).content.decode()

    def without_secrets(page: str) -> str:
        page = re.sub(r'name="form_stamp" value="[^"]+"', "stamp", page)
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "token", page)

    assert without_secrets(pages[2]) == without_secrets(plain)
    # A refused comment comes back in the form, with the CSRF token: not compressed.
    refused = Client().post(
        reverse("forum:comment_create", args=[post.slug]), {"text": ""}, HTTP_ACCEPT_ENCODING="gzip"
    )
    assert refused.status_code == 400 and not refused.has_header("Content-Encoding")
    # The page that shows a new comment's private removal link: not compressed.
    author = Client()
    posted = author.post(reverse("forum:comment_create", args=[post.slug]), {"text": "My words."})
    with_link = author.get(posted["Location"], HTTP_ACCEPT_ENCODING="gzip")
    assert "removal-link" in with_link.content.decode() and not with_link.has_header("Content-Encoding")


def test_readers_with_something_of_their_own_get_their_own_page(thread):
    warmed(thread["post"])
    member = logged_in(thread["member"])
    page = member.get(thread["post"].get_absolute_url()).content.decode()
    assert (
        reverse("forum:comment_remove", args=[thread["post"].slug, thread["first"].pk]).split("/comments/")[1] in page
    )
    assert "Log out" in page
    anonymous = anonymous_page(thread["post"])
    assert "class=remove-link" not in anonymous and "Log out" not in anonymous


def test_comment_counts_are_kept_current_without_counting_the_site(client):
    post = make_post()
    make_comment(post=post)
    other = make_comment(post=post)
    moderator = make_moderator("Vitalstatistix")
    post_policy_set(post=post, policy=CommentPolicy.HOLD_ALL, moderator=moderator)
    post.refresh_from_db()
    held = make_comment(post=post)
    assert held.state == Comment.State.PENDING  # held: not counted
    comment_moderate(comment=other, action="remove", moderator=moderator)  # a tombstone: counted
    post.refresh_from_db()
    assert post.comment_count == 2
    assert ">2 comments</h2>" in client.get(post.get_absolute_url()).content.decode()  # as the thread counts them
    with CaptureQueriesContext(connection) as queries:
        home = client.get(reverse("forum:post_list")).content.decode()
    assert "2 comments" in home
    assert not any("COUNT" in query["sql"] and "forum_comment" in query["sql"] for query in queries)


def test_a_time_reference_is_resolved_by_the_minutes_it_names():
    post = make_post()
    for clock in ("18:00", "19:12", "20:00"):
        make_comment_at(clock, post=post)
    with CaptureQueriesContext(connection) as queries:
        mention = make_comment_at("21:00", post=post, text="@anon 19:12 yes.")
    lookups = [query["sql"] for query in queries if '"posted_minute" IN' in query["sql"]]
    assert len(lookups) == 1 and "IN (1152)" in lookups[0]  # 19:12 is minute 1152 of the day, and only it is read
    assert 'href="#c' in mention.html or "comment-ref" in mention.html


def test_postgresql_connections_persist_and_are_checked(settings):
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] == 600 and database["CONN_HEALTH_CHECKS"] is True
