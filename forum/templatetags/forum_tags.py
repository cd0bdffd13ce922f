from django import template

register = template.Library()


@register.filter
def comment_count_label(count: int) -> str:
    """Blogger's wording: "No comments", "1 comment", "25 comments"."""
    if count == 0:
        return "No comments"
    if count == 1:
        return "1 comment"
    return f"{count} comments"


@register.simple_tag
def quoted_comment(comment) -> str:
    """A comment shown outside its thread (replying to it, reporting it): its words, no links into the thread, no actions."""
    from django.utils.safestring import mark_safe

    from forum import fragments

    fragment = fragments.render(comment, describe=lambda pk, candidates: None, replied_by=[])
    return mark_safe(f'<div class="quoted-comment">{fragment}</article></div>')
