# The moderation queue, removal requests and the moderation log arrive with
# the moderation issues; comment states themselves live on forum.Comment.
