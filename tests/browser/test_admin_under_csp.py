"""The admin works under the site's Content-Security-Policy: the page fixture fails on any refusal."""

import pytest

from accounts.models import User
from tests.factories import PASSWORD, make_comment, make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_works_in_the_admin_without_a_policy_refusal(live_server, page, artifacts):
    User.objects.create_superuser(handle="Edna", email="edna@example.org", password=PASSWORD)
    post = make_post(title="Admin post")
    make_comment(post=post, text="A comment to look at")
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.get_by_label("Handle").fill("Edna")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")
    for path in ("/admin/forum/post/add/", f"/admin/forum/post/{post.pk}/change/", "/admin/forum/comment/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
    page.screenshot(path=str(artifacts / "admin-comments.png"))
    # Typing a title fills the slug: the admin's own script runs under the policy.
    page.goto(live_server.url + "/admin/forum/post/add/")
    page.locator("#id_title").press_sequentially("Prepopulated Slug")
    assert page.locator("#id_slug").input_value() == "prepopulated-slug"
