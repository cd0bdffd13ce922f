"""Who someone is to the site, asked one way everywhere: a moderator, and a member or nobody."""

# The permission that makes a moderator (the Moderators group has it; moderation.roles).
MODERATE_COMMENTS = "moderation.moderate_comments"


def can_moderate(user) -> bool:
    """Moderators (and superusers) decide on comments, reports and removal requests."""
    return user.has_perm(MODERATE_COMMENTS)


def member_or_none(user):
    """The member for a row that records who acted: None for a reader without an account, or nobody."""
    return user if user is not None and user.is_authenticated else None
