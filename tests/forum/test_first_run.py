"""What a newcomer does first: serve on another port, make a moderator and an editor, open the demo."""

import re
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from forum.models import Comment, Post
from tests.factories import make_member

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "seeds" / "example" / "example-blog-takeout.atom"


def dry_run(*targets: str) -> str:
    """The commands `make` would run, without running them."""
    return subprocess.run(["make", "-n", *targets], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def test_make_run_and_make_demo_serve_where_they_are_told():
    assert "runserver 127.0.0.1:8000" in dry_run("run")
    assert "runserver 0.0.0.0:8001" in dry_run("run", "PORT=8001", "ADDRESS=0.0.0.0")
    demo = dry_run("demo", "PORT=8002")
    assert "import_seeds" in demo and f"import_blogger {EXAMPLE.relative_to(ROOT)}" in demo
    assert "runserver 127.0.0.1:8002" in demo
    assert "run_worker" in dry_run("worker")


def test_grant_role_makes_a_member_a_moderator_or_an_editor_and_can_take_it_back():
    moderator, editor = make_member("Vitalstatistix"), make_member("Edna")
    out = StringIO()
    call_command("grant_role", "vitalstatistix", "moderator", stdout=out)
    assert "Vitalstatistix is now a moderator" in out.getvalue()
    call_command("grant_role", "Edna", "editor", stdout=StringIO())
    as_moderator, as_editor = Client(), Client()
    as_moderator.force_login(moderator)
    as_editor.force_login(editor)
    assert as_moderator.get(reverse("moderation:queue")).status_code == 200
    assert as_editor.get(reverse("admin:forum_post_add")).status_code == 200
    assert as_editor.get(reverse("forum:submission_inbox")).status_code == 200
    assert as_editor.get(reverse("moderation:queue")).status_code == 403
    call_command("grant_role", "Vitalstatistix", "moderator", "--remove", stdout=StringIO())
    assert as_moderator.get(reverse("moderation:queue")).status_code == 403
    with pytest.raises(CommandError, match="No member has the handle “Nobody”"):
        call_command("grant_role", "Nobody", "moderator")


def test_the_demo_archive_shows_time_references_back_links_and_labels(client):
    call_command("import_seeds", stdout=StringIO())
    call_command("import_blogger", str(EXAMPLE), stdout=StringIO())
    call_command("import_blogger", str(EXAMPLE), stdout=StringIO())  # `make demo` twice adds nothing
    post = Post.objects.get(title="Example thread: caseloads, again")
    assert Comment.objects.filter(post=post).count() == 9
    home = client.get("/").content.decode()
    assert "Example thread: caseloads, again" in home and "example data" in home
    html = client.get(post.get_absolute_url()).content.decode()
    links = re.findall(r"<a class=cr href=#c\d+ title=\"[^\"]*\">([^<]*)</a>", html)
    assert {"@anon 19:12", "19.39", "No 21:10", "0058", "19:39"} <= set(links)
    assert html.count("<p class=rb>Replied to by") >= 4
    assert "Removed before this archive was imported." in html
    assert 'href="/labels/example/"' in html
