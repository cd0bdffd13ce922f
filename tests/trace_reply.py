"""Trace one reply POST through the project's code: which modules it enters, and which steps climb up a layer.

    .venv/bin/python tests/trace_reply.py

A reply is posted once to warm up, then again under sys.setprofile. A "step"
is a call from a function of one project module into a function of another
that the first imports; it climbs when the callee sits in a higher layer than
the caller (the layers of pyproject.toml's import-linter contract, highest
first). Callbacks handed down (a lambda a model gives forum.lib.paging) are
not imports and do not count. Modules this layout no longer has are placed by
OLD_LAYERS, so the same script measures the code before the reorganisation.
"""

import os
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forum.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from tests.test_house import imports_of, project_modules  # noqa: E402

# Where the modules of the layout before issue 23 stood, by the same layering (0 is the top).
OLD_LAYERS = {
    "forum.views": 0, "forum.submission_views": 0, "forum.forms": 0, "forum.feeds": 0, "forum.admin": 0,
    "forum.urls": 0, "forum.context_processors": 0, "forum.search": 0, "forum.templatetags": 0,
    "moderation.views": 0, "moderation.forms": 0, "accounts.views": 0, "accounts.forms": 0,
    "forum.jobs": 1, "forum.retention": 1, "forum.replicas": 1, "forum.security": 1, "forum.outage": 1,
    "forum.legacy": 1, "forum.seed_import": 1, "forum.archives": 1, "forum.health": 1, "forum.checks": 1,
    "forum.services": 2, "forum.notifications": 2, "moderation.services": 2, "accounts.services": 2,
    "forum.fragments": 3, "forum.pagecache": 3, "forum.thread": 3, "moderation.selectors": 3,
    "accounts.selectors": 3, "moderation.policy": 4, "moderation.defence": 4,
    "forum.models": 5, "moderation.models": 5, "accounts.models": 5, "moderation.roles": 5,
    "forum.paging": 6, "forum.identity": 6, "forum.params": 6, "forum.throttle": 6, "forum.sanitiser": 6,
    "forum.references": 6, "forum.dates": 6, "accounts.names": 6,
}  # fmt: skip


def layer_of(module: str, contract: list[list[str]]) -> int | None:
    for number, siblings in enumerate(contract):
        if any(module == sibling or module.startswith(f"{sibling}.") for sibling in siblings):
            return number
    for prefix, number in sorted(OLD_LAYERS.items(), key=lambda item: -len(item[0])):
        if module == prefix or module.startswith(f"{prefix}."):
            return number
    return None


def main() -> None:
    from django.conf import settings
    from django.test.utils import get_runner

    from tests.factories import make_comment, make_post  # after setup: they import models

    setup_test_environment()
    settings.FORUM_MIN_FORM_SECONDS = 0  # post at once, as the tests do

    runner = get_runner(settings)(verbosity=0)
    old_config = runner.setup_databases()
    try:
        trace(make_post, make_comment)
    finally:
        runner.teardown_databases(old_config)


def trace(make_post, make_comment) -> None:
    settings_path = ROOT / "pyproject.toml"
    contracts = tomllib.loads(settings_path.read_text()).get("tool", {}).get("importlinter", {}).get("contracts", [])
    contract = [[name.strip() for name in line.split(":")] for line in (contracts[0]["layers"] if contracts else [])]
    modules = project_modules()
    imports = {name: imports_of(name, path, modules) for name, path in modules.items()}
    post = make_post()
    parent = make_comment(post=post, text="A comment to answer")
    url = f"/posts/{post.slug}/comments/{parent.pk}/reply/"
    client = Client()
    client.post(url, {"text": "Warming up", "identity": "anonymous", "author_name": "", "website": ""})
    entered, steps = set(), set()

    def profile(frame, event, arg):
        if event != "call":
            return
        callee = frame.f_globals.get("__name__", "")
        caller = frame.f_back.f_globals.get("__name__", "") if frame.f_back else ""
        if callee.split(".")[0] in ("forum", "accounts", "moderation"):
            entered.add(callee)
            if caller != callee and caller.split(".")[0] in ("forum", "accounts", "moderation"):
                steps.add((caller, callee))

    sys.setprofile(profile)
    try:
        response = client.post(
            url, {"text": "A reply, traced", "identity": "anonymous", "author_name": "", "website": ""}
        )
    finally:
        sys.setprofile(None)
    climbs = sorted(
        (caller, callee)
        for caller, callee in steps
        if callee in imports.get(caller, set())
        and None not in (layer_of(caller, contract), layer_of(callee, contract))
        and layer_of(callee, contract) < layer_of(caller, contract)
    )
    print(f"reply POST answered {response.status_code}; project modules entered: {len(entered)}")
    for module in sorted(entered):
        print(f"  {module}")
    print(f"steps that climb up a layer: {len(climbs)}")
    for caller, callee in climbs:
        print(f"  {caller} -> {callee}")


if __name__ == "__main__":
    main()
