"""Every kind of page, as its readers meet it: accessible (axe-core), valid HTML (the Nu Html Checker),
usable on a 360 px phone, with screenshots at laptop and phone widths to look at."""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from forum.models import CommentPolicy, PostSection, Submission
from forum.services.comments import comment_edit, comment_post, comment_remove_by_author
from forum.services.submissions import submission_create
from moderation.identity import identity_of_comment
from moderation.models import Ban, ModerationLogEntry
from moderation.services.appeals import appeal_file
from moderation.services.bans import ban_create
from moderation.services.comments import comment_moderate
from moderation.services.people import note_add, sanction_impose
from moderation.services.reports import report_create
from moderation.services.requests import removal_request_create
from moderation.services.words import watched_word_add
from tests import html_validator
from tests.factories import PASSWORD, make_editor, make_member, make_moderator, make_post, make_reasons

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 780}
SCREENSHOT_PHONE = {"width": 390, "height": 844}
DEPTH = 9  # the deepest reply in the thread is at depth 8 below its top-level comment


@dataclass
class World:
    post: object
    pages: list[tuple[str, str, str]]  # (name, path, who: "reader", "member", "moderator" or "editor")
    deepest: object


def build_world() -> World:
    """A thread with everything a page can show: handles, typed names, anonymous tags, a deep chain,
    an edit, a removal by the author, a hidden comment, a held one, a report, removal requests, a ban,
    a piece sent in and a second post."""
    member = make_member("Cacofonix")
    moderator = make_moderator("Vitalstatistix")
    make_editor("Getafix")
    post = make_post(
        title="The Real Problem",
        body="Every winter the same story: the wards fill, the corridors fill, and the plan is a meeting.\n\n"
        "Readers tell us what it looks like from where they stand.",
    )
    letter = PostSection(post=post, position=2, credit="a ward sister", heading="From the night shift")
    letter.set_body("Three patients to a bay meant for two, and nobody to say so to.")
    letter.save()
    make_post(title="A quieter week", body="Nothing much happened, which is news in itself.")
    opener = comment_post(
        post=post,
        text="The problem is the beds, not the staff. Anyone who has worked a winter knows it.",
        anon_device="device-1",
    )
    chain = [
        comment_post(
            post=post, parent=opener, text="@anon agreed, and the discharge delays make it worse.", author=member
        )
    ]
    for depth in range(2, DEPTH):
        chain.append(
            comment_post(
                post=post,
                parent=chain[-1],
                text=f"Reply at depth {depth}: a longer sentence so the column width shows how the words wrap on a phone.",
                anon_device=f"device-{depth % 3}",
            )
        )
    deepest = chain[-1]
    # An edited reply deep down: its "edited" label once pushed a phone's page sideways.
    comment_edit(comment=chain[4], text=chain[4].text + " (Edited to add: and the nights are worse.)")
    named = comment_post(post=post, text="Speaking as a porter: we walk miles.", author_name="Porter Pete")
    comment_edit(comment=named, text="Speaking as a porter: we walk miles every shift.")
    regretted = comment_post(post=post, text="Something I wish I had not said.", author=member)
    comment_remove_by_author(comment=regretted)
    rude = comment_post(post=post, text="A rude remark.", anon_device="device-9")
    comment_moderate(comment=rude, action="hide", moderator=moderator, reason="Personal attack")
    reported = comment_post(post=post, text="A claim some found unfair.", anon_device="device-8")
    report_create(comment=reported, reason="abuse", details="Names a colleague.", reporter_key="r1")
    removal_request_create(comment=opener, reason="I wrote this and would like it taken down.")
    removal_request_create(section=letter, reason="This is my letter; please remove it.")
    held_post = make_post(title="Held for approval", comment_policy=CommentPolicy.HOLD_UNREGISTERED)
    watched_word_add(phrase="waiting", action="hold", moderator=moderator)
    comment_post(post=held_post, text="Waiting for a moderator.", anon_device="device-5")
    person = identity_of_comment(reported)
    note_add(identity=person, text="Reported twice before.", moderator=moderator, subject_label="Anon")
    sanction_impose(
        identity=person, kind="hold", reason="Check first.", ends_at=None, moderator=moderator, subject_label="Anon"
    )
    ban_create(kind=Ban.Kind.NAME, comment=named, moderator=moderator, days=7, reason="Spam")
    submission = submission_create(title="A porter's view", text="We walk miles.", credit=Submission.Credit.ANONYMOUS)
    # A member told of two decisions (one appealed), and a comment quoting words a moderator removed.
    make_reasons()
    for text in ("A joke that landed badly on the night shift.", "Another aside about the car park."):
        aside = comment_post(post=post, text=text, author=member)
        comment_moderate(
            comment=aside, action="hide", moderator=moderator, reason="Off-topic", note_to_author="Keep to the wards."
        )
    appeal_file(entry=ModerationLogEntry.objects.filter(action="hide", comment__author=member).first(), text="Why?")
    canteen = comment_post(
        post=post, text="The canteen closes at six and the machine takes only coins", anon_device="d"
    )
    comment_post(post=post, parent=canteen, text="So the canteen closes at six and the machine takes only coins?")
    comment_moderate(comment=canteen, action="remove", moderator=moderator, reason="Private information")

    slug = post.slug
    pages = [
        ("home", reverse("forum:post_list"), "reader"),
        ("thread", post.get_absolute_url(), "reader"),
        ("thread as member", post.get_absolute_url(), "member"),
        ("thread as moderator", post.get_absolute_url(), "moderator"),
        ("permalink", reverse("forum:comment_detail", args=[slug, deepest.pk]), "reader"),
        ("reply", reverse("forum:comment_reply", args=[slug, opener.pk]), "reader"),
        ("edit", reverse("forum:comment_edit", args=[slug, chain[0].pk]), "member"),
        ("remove", reverse("forum:comment_remove", args=[slug, chain[0].pk]), "member"),
        ("search", reverse("forum:search") + "?q=winter+problem", "reader"),
        ("label", reverse("forum:label_detail", args=["no-such-label"]), "reader"),
        ("profile", reverse("accounts:profile", args=["Cacofonix"]), "reader"),
        ("account", reverse("accounts:account"), "member"),
        ("sign-up", reverse("accounts:signup"), "reader"),
        ("login", reverse("accounts:login"), "reader"),
        ("password reset", reverse("accounts:password_reset"), "reader"),
        ("send a piece", reverse("forum:submission_create"), "reader"),
        ("report", reverse("moderation:report_comment", args=[reported.pk]), "reader"),
        ("ask to remove a comment", reverse("moderation:ask_to_remove_comment", args=[chain[1].pk]), "reader"),
        ("ask to remove a section", reverse("moderation:ask_to_remove_section", args=[letter.pk]), "reader"),
        ("queue: held", reverse("moderation:queue") + "?tab=held", "moderator"),
        ("queue: reported", reverse("moderation:queue") + "?tab=reported", "moderator"),
        ("queue: removal requests", reverse("moderation:queue") + "?tab=requests", "moderator"),
        ("queue: appeals", reverse("moderation:queue") + "?tab=appeals", "moderator"),
        ("queue: quotes", reverse("moderation:queue") + "?tab=quotes", "moderator"),
        ("standing", reverse("moderation:standing"), "member"),
        ("moderator's comment page", reverse("moderation:comment", args=[rude.pk]), "moderator"),
        ("ban", reverse("moderation:comment_ban", args=[reported.pk]), "moderator"),
        ("bans", reverse("moderation:bans"), "moderator"),
        ("commenter", reverse("moderation:commenter", args=[reported.pk]), "moderator"),
        ("watched words", reverse("moderation:watched_words"), "moderator"),
        ("post policy", reverse("moderation:post_policy", args=[slug]), "moderator"),
        ("log", reverse("moderation:log"), "reader"),
        (
            "log entry",
            reverse("moderation:log_entry", args=[ModerationLogEntry.objects.get(comment=rude).pk]),
            "reader",
        ),
        ("inbox", reverse("forum:submission_inbox"), "editor"),
        ("piece sent in", reverse("forum:submission_detail", args=[submission.pk]), "editor"),
        ("not found", "/no-such-page/", "reader"),
    ]
    return World(post=post, pages=pages, deepest=deepest)


def signed_in(browser, base_url: str, who: str, viewport: dict):
    """A browser context for `who`: a reader with no account, or a member signed in through the login form."""
    context = browser.new_context(viewport=viewport)
    handle = {"member": "Cacofonix", "moderator": "Vitalstatistix", "editor": "Getafix"}.get(who)
    if handle:
        page = context.new_page()
        page.goto(f"{base_url}{reverse('accounts:login')}")
        page.get_by_label("Handle").fill(handle)
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():  # the session cookie is set once the login has answered
            page.get_by_role("button", name="Log in").click()
        page.close()
    return context


def walk(browser, base_url: str, world: World, viewport: dict, visit) -> dict[str, object]:
    """Call `visit(page, response)` on every page kind, each as its user; collect what it returns."""
    found = {}
    contexts = {}
    try:
        for name, path, who in world.pages:
            if who not in contexts:
                contexts[who] = signed_in(browser, base_url, who, viewport)
            page = contexts[who].new_page()
            response = page.goto(base_url + path)  # waits for "load"
            result = visit(page, response)
            if result:
                found[name] = result
            page.close()
    finally:
        for context in contexts.values():
            context.close()
    return found


def listed(found: dict[str, object]) -> str:
    """What was found, one page per paragraph, for the failure message."""
    lines = []
    for name, problems in found.items():
        lines.append(f"{name}:")
        lines.extend(f"  {problem}" for problem in (problems if isinstance(problems, list) else [problems]))
    return "\n".join(lines)


def serious_violations(page, response):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — {len(violation['nodes'])}× e.g. {violation['nodes'][0]['target']}"
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280px", "360px"])
def test_every_page_kind_has_no_serious_or_critical_accessibility_violations(live_server, browser, viewport):
    world = build_world()
    found = walk(browser, live_server.url, world, viewport, serious_violations)
    assert not found, listed(found)


def test_every_page_kind_is_valid_html(live_server, browser):
    reason = html_validator.missing()
    if reason:
        pytest.skip(reason)
    world = build_world()
    served = walk(browser, live_server.url, world, LAPTOP, lambda page, response: response.text())
    assert len(served) == len(world.pages)
    found = html_validator.errors(served)
    assert not found, listed(found)


def test_no_page_scrolls_sideways_on_a_360px_phone(live_server, browser):
    world = build_world()

    def overflow(page, response):
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if widths[0] <= widths[1]:
            return None
        # Name the outermost elements that stick out, to say where to look.
        culprits = page.evaluate(
            """(width) => Array.from(document.querySelectorAll("body *"))
                .filter((node) => node.getBoundingClientRect().right > width + 1
                    && !(node.parentElement && node.parentElement.getBoundingClientRect().right > width + 1))
                .slice(0, 3).map((node) => node.tagName.toLowerCase() + (node.className ? "." + String(node.className).split(" ").join(".") : ""))""",
            widths[1],
        )
        return f"scrollWidth {widths[0]} > clientWidth {widths[1]}: {', '.join(culprits)}"

    found = walk(browser, live_server.url, world, PHONE, overflow)
    assert not found, listed(found)


def test_a_reply_eight_levels_deep_keeps_most_of_a_phone_screen_for_its_words(live_server, browser):
    world = build_world()
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(live_server.url + world.post.get_absolute_url())
        depth = page.locator(f"#c{world.deepest.pk}").evaluate(
            "(node) => { let depth = 0; for (let at = node.parentElement; at; at = at.parentElement) if (at.tagName === 'LI') depth++; return depth; }"
        )
        words = page.locator(f"#c{world.deepest.pk} > article > p").first.bounding_box()
    finally:
        context.close()
    assert depth == 8
    assert words["width"] >= 0.6 * PHONE["width"], words


def test_screenshots_of_the_thread_queue_and_home_page_at_laptop_and_phone_widths(live_server, browser, artifacts):
    world = build_world()
    shots = {"home": "reader", "thread": "reader", "queue: removal requests": "moderator"}
    for viewport, width in ((LAPTOP, 1280), (SCREENSHOT_PHONE, 390)):
        for name, path, who in world.pages:
            if shots.get(name) != who:
                continue
            context = signed_in(browser, live_server.url, who, viewport)
            try:
                page = context.new_page()
                assert page.goto(live_server.url + path).ok
                page.screenshot(path=str(artifacts / f"{name.split(':')[0]}-{width}.png"), full_page=True)
            finally:
                context.close()
    assert {path.name for path in artifacts.glob("*-1280.png")} >= {
        "home-1280.png",
        "thread-1280.png",
        "queue-1280.png",
    }


def test_on_a_phone_search_and_account_links_fold_behind_a_menu_that_opens_without_javascript(
    live_server, browser, artifacts
):
    build_world()
    for viewport, folded in ((SCREENSHOT_PHONE, True), (LAPTOP, False)):
        context = browser.new_context(viewport=viewport, java_script_enabled=False)
        try:
            page = context.new_page()
            page.goto(live_server.url + "/")
            search = page.get_by_role("searchbox", name="Search the forum")
            assert search.is_visible() != folded
            assert page.get_by_role("link", name="Log in").is_visible() != folded
            if folded:
                header_height = page.locator("header.forum-header").bounding_box()["height"]
                assert header_height < 80, header_height  # one row: the name and the menu button
                page.get_by_text("Menu", exact=True).click()
                assert search.is_visible() and page.get_by_role("link", name="Log in").is_visible()
                page.screenshot(path=str(artifacts / "menu-open-390.png"))
                search.fill("winter")
                search.press("Enter")
                page.wait_for_url("**/search/?q=winter")
        finally:
            context.close()
