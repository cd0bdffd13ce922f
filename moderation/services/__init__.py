"""Moderation writes, one module per family of verbs: comments (the transitions, and erase_comments, the one
way words leave the site), reports, requests (removal requests and sections), bans, policies, queue (one
action on many items), log (the one way a decision is recorded). Each takes its locks, changes the state and
writes its log row in one transaction."""
