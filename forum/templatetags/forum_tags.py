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
