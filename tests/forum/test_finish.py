"""What a reader meets before reading anything: comments named as the community names them (author and
time, never a database number), a home page worth landing on, and a site with its own name and icon."""

import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from forum.models import Comment, SiteSettings
from forum.services.notifications import send_pending_notifications
from moderation.models import Ban
from moderation.services.bans import ban_create
from moderation.services.comments import comment_moderate
from moderation.services.requests import removal_request_create
from tests.factories import make_comment, make_comment_at, make_member, make_moderator, make_post, site_time

pytestmark = pytest.mark.django_db

# Words that would show a database id to people: "comment 12", "Comment 3", "part 1 of the post", "section 4".
ID_WORDING = re.compile(r"\b(?:[Cc]omment|section|[Pp]art) #?\d+\b")


@pytest.fixture
def moderator_client(client):
    moderator = make_moderator("Vitalstatistix")
    client.force_login(moderator)
    client.moderator = moderator
    return client


def visible_text(html: str) -> str:
    """The page's words, without its markup (where ids legitimately sit in addresses and attributes)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_a_comment_is_named_by_its_author_and_time(client):
    post = make_post(title="The Real Problem")
    anonymous = make_comment_at("19:12", post=post, anon_device="device-a", text="Beds, not staff.")
    named = make_comment_at("00:58", post=post, author_name="Porter Pete", text="We walk miles.")
    day = site_time("19:12")
    assert anonymous.name == f"Anon·{anonymous.anon_tag} at 19:12, {day.day} {day:%B %Y}"
    assert named.name.startswith("Porter Pete at 00:58, ")
    assert str(named) == f"{named.name} on “The Real Problem”"
    removed = make_comment_at("08:30", post=post, author_name="Regretful", text="Oops")
    from forum.services.comments import comment_remove_by_author

    comment_remove_by_author(comment=removed)
    removed.refresh_from_db()
    assert removed.name.startswith("A removed comment at 08:30, ") and "Regretful" not in removed.name


def test_people_read_comments_by_name_and_time_on_every_page_and_never_by_database_number(moderator_client):
    client = moderator_client
    post = make_post(title="The Real Problem")
    comment = make_comment_at("19:12", post=post, anon_device="device-a", text="Beds, not staff.")
    hidden = make_comment_at("20:05", post=post, author_name="Rude Rick", text="A rude remark")
    comment_moderate(comment=hidden, action="hide", moderator=client.moderator, reason="Personal attack")
    removal_request_create(comment=comment, reason="I wrote it and regret it.")
    removal_request_create(section=post.sections.get(), reason="Mine")
    ban_create(kind=Ban.Kind.NAME, comment=hidden, moderator=client.moderator, days=7, reason="Rudeness")
    pages = {
        "log": reverse("moderation:log"),
        "queue: held": reverse("moderation:queue") + "?tab=held",
        "queue: requests": reverse("moderation:queue") + "?tab=requests",
        "moderator's comment page": reverse("moderation:comment", args=[hidden.pk]),
        "ban": reverse("moderation:comment_ban", args=[hidden.pk]),
        "bans": reverse("moderation:bans"),
        "permalink": reverse("forum:comment_detail", args=[post.slug, comment.pk]),
        "search": reverse("forum:search") + "?q=beds",
    }
    shown = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        text = visible_text(response.content.decode())
        assert not ID_WORDING.search(text), (name, ID_WORDING.search(text)[0])
        shown[name] = " ".join(text.split())
    assert f"Anon·{comment.anon_tag} at 19:12" in shown["queue: requests"]
    assert "Rude Rick at 20:05" in shown["log"] and "on “The Real Problem”" in shown["log"]
    assert "Rude Rick at 20:05" in shown["moderator's comment page"]
    assert "Ban the poster of Rude Rick at 20:05" in shown["ban"]
    assert f"Anon·{comment.anon_tag} at 19:12" in shown["search"]
    permalink = client.get(pages["permalink"]).content.decode()
    assert f"<title>Anon·{comment.anon_tag} at 19:12, " in permalink and "on The Real Problem" in permalink
    assert f'<h1 class="h4 mb-3">Anon·{comment.anon_tag} at 19:12, ' in permalink


def test_emails_and_feeds_name_comments_and_the_site(client):
    SiteSettings.objects.update_or_create(
        pk=1, defaults={"name": "Practitioners' Corner", "description": "Where probation staff talk."}
    )
    SiteSettings.current().save()  # as the admin saves it: the cached copy goes
    member = make_member("Asterix", email_on_replies=True)
    post = make_post(title="The Real Problem")
    mine = make_comment(post=post, author=member, text="My words")
    reply = make_comment_at(
        timezone.now() - timedelta(minutes=1), parent=mine, author_name="Porter Pete", text="An answer"
    )
    send_pending_notifications(now=timezone.now() + timedelta(minutes=16))
    [email] = mail.outbox
    assert email.subject == "1 new reply on Practitioners' Corner"
    assert f"{reply.name} " in email.body and "Porter Pete at " in email.body
    assert email.body.rstrip().endswith("Practitioners' Corner")
    feed = client.get(reverse("forum:comments_feed")).content.decode()
    assert "<title>Practitioners' Corner: recent comments</title>" in feed
    assert f"{reply.name} on “The Real Problem”" in feed
    posts_feed = client.get(reverse("forum:posts_feed")).content.decode()
    assert "Where probation staff talk." in posts_feed


def test_the_site_name_and_description_are_set_in_the_admin_and_used_in_titles(client):
    post = make_post(title="The Real Problem", body="Every winter the same story.\n\nMore below.")
    assert "<title>The Real Problem · Forum</title>" in client.get(post.get_absolute_url()).content.decode()
    admin = Client()
    admin.force_login(
        User.objects.create_superuser(handle="Edna", email="edna@example.org", password="a long passphrase")
    )
    response = admin.post(
        reverse("admin:forum_sitesettings_change", args=[1]),
        {"name": "Practitioners' Corner", "description": "Where probation staff talk about the job."},
    )
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert "<title>Practitioners&#x27; Corner</title>" in home
    assert '<meta name="description" content="Where probation staff talk about the job.">' in home
    assert 'class="forum-brand" href="/">Practitioners&#x27; Corner</a>' in home
    # A thread page cached under the old name is not served again.
    thread_page = client.get(post.get_absolute_url()).content.decode()
    assert "<title>The Real Problem · Practitioners&#x27; Corner</title>" in thread_page
    assert '<meta name="description" content="Every winter the same story. More below.">' in thread_page
    assert admin.get(reverse("admin:forum_sitesettings_add")).status_code == 403  # one row, never a second


def test_the_home_page_shows_each_posts_opening_count_and_latest_activity(client):
    make_post(title="A quieter week", body="Nothing much happened, which is news in itself.")
    busy = make_post(title="The Real Problem", body=" ".join(["Every winter the same story."] * 30))
    make_comment_at("19:12", post=busy, text="First")
    latest = make_comment_at("21:40", post=busy, text="Latest")
    held = make_comment(post=busy, text="Hidden later")
    comment_moderate(comment=held, action="hide", moderator=make_moderator())
    page = client.get("/").content.decode()
    text = " ".join(visible_text(page).split())
    assert "Nothing much happened, which is news in itself." in text
    opening = re.search(r'<p class="post-opening">([^<]+)</p>', page.split("The Real Problem", 1)[1])[1]
    assert opening.startswith("Every winter the same story.") and opening.endswith("…") and len(opening) <= 281
    assert "3 comments" in text  # the hidden one keeps its tombstone, as the thread counts it
    day = latest.posted_at
    assert f"latest 21:40, {day.day} {day:%B %Y}" in text  # the newest published comment, not the hidden one
    quiet_part = page.split("A quieter week", 1)[1].split("</article>", 1)[0]
    assert "No comments" in quiet_part and "latest" not in quiet_part


def test_every_page_has_an_icon_and_a_description(client):
    page = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)[1]
    assert icon.endswith("forum/favicon.svg") and finders.find("forum/favicon.svg")  # served by WhiteNoise
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301 and favicon["Location"] == icon
    assert '<meta name="description" content="A moderated discussion forum' in page


def test_a_comment_has_one_link_to_its_own_page_its_time(client):
    post = make_post()
    comment = make_comment_at("19:12", post=post, text="Words")
    for url in (post.get_absolute_url(), reverse("forum:comment_detail", args=[post.slug, comment.pk])):
        article = re.search(
            rf"<li id=c{comment.pk}[^>]*><article>(.*?)</article>", client.get(url).content.decode(), re.S
        )[1]
        own = re.findall(rf'href="?(?:/c/{comment.pk}/|(?:/posts/[^/]+/)?comments/{comment.pk}/)"?[ >]', article)
        assert len(own) == 1, own
        assert re.search(rf"<a href=/c/{comment.pk}/><b>19:12</b>", article)


def test_times_in_pages_are_valid_html_to_the_second(client, moderator_client):
    post = make_post()
    make_comment(post=post, author=moderator_client.moderator, text="Shown on the profile")
    comment = make_comment(post=post, author=moderator_client.moderator, text="Words")
    comment_moderate(comment=comment, action="hide", moderator=moderator_client.moderator)
    for url in (reverse("moderation:log"), reverse("accounts:profile", args=["Vitalstatistix"])):
        stamps = re.findall(r'datetime="([^"]+)"', moderator_client.get(url).content.decode())
        assert stamps and all(
            re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", stamp) for stamp in stamps
        ), stamps


def test_asking_to_remove_gives_no_destructive_default_in_the_queue(moderator_client):
    comment = make_comment(text="Mine")
    removal_request_create(comment=comment, reason="Please")
    page = moderator_client.get(reverse("moderation:queue") + "?tab=requests").content.decode()
    form = page.split('class="queue-form"', 1)[1]
    # Enter in a reason field presses the form's first submit button: a disabled one that does nothing.
    first_button = re.search(r"<button[^>]*>", form)[0]
    assert "disabled" in first_button and 'name="act"' not in first_button and 'name="bulk"' not in first_button
    item_buttons = re.findall(r'<button type="submit" class="btn btn-sm ([^"]+)" name="act" value="(\w+):', form)
    assert item_buttons == [("btn-outline-primary", "decline_request"), ("btn-outline-danger", "grant_request")]
    assert Comment.objects.get().text == "Mine"
