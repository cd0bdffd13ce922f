"""Moderation pages: the queue (queue), one comment's tools and bans (comments), a post's comment policy
(policies), and what anyone may use: the public log, reporting and asking to remove (public)."""
