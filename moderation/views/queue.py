"""The moderation queue: what waits, one tab at a time, and one decision or a bulk one on to the next item."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from forum.lib.inputs import parse_ids
from moderation import transitions
from moderation.commenters import beside_queue_items
from moderation.forms import DecisionForm
from moderation.models import Reason
from moderation.selectors import (
    held_comments,
    open_appeals,
    open_quote_findings,
    open_removal_requests,
    reported_comments,
    waiting_counts,
)
from moderation.services import queue as queue_service
from moderation.transitions import Action
from moderation.views.shared import moderators_only, offer_quotes_found

# The queue's tabs: what each lists, and the actions its items offer (with their keyboard keys).
QUEUE_TABS = {
    "held": ("Awaiting approval", held_comments),
    "reported": ("Reported", reported_comments),
    "requests": ("Removal requests", open_removal_requests),
    "appeals": ("Appeals", open_appeals),
    "quotes": ("Quotes removed words", open_quote_findings),
}
# Tabs whose items are answered by their own forms (moderation.views.second_looks), not the queue's buttons.
ANSWERED_APART = {"appeals", "quotes"}


ACTION_KEYS = {
    Action.APPROVE: "a",
    Action.REJECT: "r",
    Action.HIDE: "h",
    Action.UNHIDE: "u",
    Action.REMOVE: "x",
    Action.PURGE: "p",
    Action.DISMISS_REPORTS: "d",
    Action.GRANT_REMOVAL_REQUEST: "g",
    Action.DECLINE_REMOVAL_REQUEST: "n",
}


REQUEST_ACTIONS = [
    (Action.DECLINE_REMOVAL_REQUEST, "Decline"),
    (Action.GRANT_REMOVAL_REQUEST, "Grant: remove it"),
]


# Actions that erase words: never the first button, and styled as the danger they are.
DESTRUCTIVE_ACTIONS = {Action.REJECT, Action.REMOVE, Action.PURGE, Action.GRANT_REMOVAL_REQUEST}


@require_http_methods(["GET"])
@moderators_only
def queue(request):
    """Moderators: what waits for a decision, oldest first, one tab at a time."""
    tab = request.GET.get("tab") if request.GET.get("tab") in QUEUE_TABS else "held"
    items = list(QUEUE_TABS[tab][1]()[: settings.FORUM_QUEUE_PAGE_SIZE])
    if tab not in ANSWERED_APART:
        beside = beside_queue_items(items) if tab != "requests" else {}
        for item in items:
            item.moderation_actions = keyed(_queue_actions(tab, item))
            item.beside = beside.get(item.pk)
    context = {
        "tab": tab,
        "tabs": QUEUE_TABS,
        "items": items,
        "counts": _counted(request),
        "bulk_actions": keyed(_bulk_actions(tab)) if tab not in ANSWERED_APART else [],
        "answered_apart": tab in ANSWERED_APART,
        "reasons": list(Reason.objects.offered()) if tab not in ANSWERED_APART else [],
    }
    return render(request, "moderation/queue.html", context)


@require_POST
@moderators_only
def queue_act(request):
    """Moderators: one item's button, or a bulk action on the ticked items; then on to the next item."""
    tab = request.POST.get("tab") if request.POST.get("tab") in set(QUEUE_TABS) - ANSWERED_APART else "held"
    action, ids, why_data = decision_from(request.POST)
    why = DecisionForm(why_data)
    if not action or not ids or not why.is_valid():
        problem = " ".join(message for errors in why.errors.values() for message in errors)
        messages.error(request, problem or "Choose an action, and tick at least one item for a bulk action.")
        return redirect(f"{reverse('moderation:queue')}?tab={tab}")
    listed_before = list(QUEUE_TABS[tab][1]().values_list("pk", flat=True)[: settings.FORUM_QUEUE_PAGE_SIZE])
    done, refusals = queue_service.queue_decide(
        items="requests" if tab == "requests" else "comments",
        action=action,
        ids=ids,
        moderator=request.user,
        **why.cleaned_data,
    )
    if done:
        messages.success(request, f"{Action(action).label}: {_count_label(len(done), tab)}.")
        offer_quotes_found(request, erased_ids=done if tab != "requests" else [])
    for refusal in refusals:
        messages.warning(request, refusal)
    remaining = set(QUEUE_TABS[tab][1]().values_list("pk", flat=True)[: settings.FORUM_QUEUE_PAGE_SIZE])
    next_pk = _next_item(listed_before, acted=ids, remaining=remaining)
    fragment = f"#item-{next_pk}" if next_pk else ""
    return redirect(f"{reverse('moderation:queue')}?tab={tab}{fragment}")


def _counted(request) -> dict[str, int]:
    request.waiting_counts = waiting_counts()  # the header's badge reads it (moderation.context_processors)
    return request.waiting_counts


def _queue_actions(tab: str, item) -> list[tuple[str, str]]:
    if tab == "requests":
        return REQUEST_ACTIONS
    return transitions.actions_allowed(item, has_open_reports=tab == "reported")


def _bulk_actions(tab: str) -> list[tuple[str, str]]:
    if tab == "requests":
        return REQUEST_ACTIONS
    actions = (
        (Action.APPROVE, Action.REJECT)
        if tab == "held"
        else (Action.DISMISS_REPORTS, Action.HIDE, Action.REMOVE, Action.PURGE)
    )
    return [(action, transitions.COMMENT_TRANSITIONS[action].verb) for action in actions]


def keyed(actions) -> list[tuple[str, str, str, bool]]:
    """(action, label, key, erases words?) for each button."""
    return [(action, label, ACTION_KEYS.get(action, ""), action in DESTRUCTIVE_ACTIONS) for action, label in actions]


WHY_FIELDS = ("reason_choice", "reason", "note_to_author", "note")


def decision_from(data) -> tuple[str, list[int], dict]:
    """(action, ids, the DecisionForm's data) from one item's button ("approve:12") or the bulk bar."""
    if data.get("act"):
        action, _, pk = data["act"].partition(":")
        return action, parse_ids([pk]), {field: data.get(f"{field}-{pk}", "") for field in WHY_FIELDS}
    ids = parse_ids(data.getlist("selected"))
    return data.get("bulk", ""), ids, {field: data.get(f"bulk-{field}", "") for field in WHY_FIELDS}


def _next_item(listed_before: list[int], *, acted: list[int], remaining: set[int]) -> int | None:
    """The item that followed the last one acted on, if it still waits; else the first that does."""
    last = max((listed_before.index(pk) for pk in acted if pk in listed_before), default=-1)
    after = [pk for pk in listed_before[last + 1 :] if pk in remaining]
    if after:
        return after[0]
    return next((pk for pk in listed_before if pk in remaining), None)


def _count_label(count: int, tab: str) -> str:
    noun = "request" if tab == "requests" else "comment"
    return f"1 {noun}" if count == 1 else f"{count} {noun}s"
