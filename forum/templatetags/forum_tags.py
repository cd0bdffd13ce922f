import hashlib

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import template
from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import mark_safe

from forum.lib import dates, references
from forum.threads import fragments, markup, pagecache

register = template.Library()


@register.filter
def comment_count_label(count: int) -> str:
    """Blogger's wording: "No comments", "1 comment", "25 comments"."""
    if count == 0:
        return "No comments"
    if count == 1:
        return "1 comment"
    return f"{count} comments"


# The site's one date style (forum.dates): "24 November 2026", and "19:12, 24 November 2026" for a moment.
register.filter("long_date", dates.long_date)
register.filter("date_and_time", dates.date_and_time)


@register.filter
def machine_time(moment) -> str:
    """A moment for <time datetime>: to the second, in the site's zone (HTML allows at most milliseconds)."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


@register.simple_tag
def quoted_comment(comment) -> str:
    """A comment shown outside its thread (replying to it, reporting it): its words, no links into the thread, no actions."""
    decision = fragments.decisions_for([comment]).get(comment.pk)  # a tombstone says which decision left it
    fragment = markup.render(comment, describe=references.unlinked, replied_by=[], decision=decision)
    return mark_safe(f'<div class="quoted-comment">{fragment}</article></div>')


@register.filter
def comment_fields(form) -> str:
    """The comment form's fields. Blank, they depend only on who posts (a handle, a remembered name),
    the same on every post, so crispy renders them once per release and person (a third of a page's time)."""
    if form.is_bound:
        return as_crispy_form(form)
    handle = form.user.handle if form.user.is_authenticated else ""
    who = hashlib.sha256(f"{handle}\n{form.remembered_name}".encode()).hexdigest()[:16]
    key = f"forum:blank-comment-fields:{pagecache.release()}:{who}"
    fields = cache.get(key)
    if fields is None:
        fields = as_crispy_form(form)
        cache.set(key, fields, 24 * 60 * 60)
    return fields
