"""The site's two roles and their permissions; migration 0003 creates the groups from this."""

ROLES = {
    # Decide on comments, reports and removal requests; ban posters; read the full log.
    "Moderators": [
        ("moderation", "moderate_comments"),
        ("moderation", "ban_posters"),
        ("moderation", "view_moderationlogentry"),
        ("moderation", "view_removalrequest"),
        ("moderation", "view_report"),
        ("moderation", "view_ban"),
        ("forum", "view_comment"),
    ],
    # Publish posts and their sections in the admin (members also need is_staff for the admin).
    "Editors": [
        ("forum", "add_post"),
        ("forum", "change_post"),
        ("forum", "view_post"),
        ("forum", "add_postsection"),
        ("forum", "change_postsection"),
        ("forum", "delete_postsection"),
        ("forum", "view_postsection"),
    ],
}


def grant_role_permissions(group, permission_model) -> None:
    """Give a role's group its permissions (works with the migration's historical models too)."""
    for app_label, codename in ROLES[group.name]:
        group.permissions.add(permission_model.objects.get(content_type__app_label=app_label, codename=codename))
