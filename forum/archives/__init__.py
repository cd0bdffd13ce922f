"""Moving a community in and out: archives from other platforms, and the site's own export.

One core writes every archive (`writer`): readers for each format (`blogger`,
`wordpress`, `disqus`, `site_export`) turn their file into the plain records
of `records`, a stream the core spools to disk (`spool`) so the file's order
and size never matter, then writes a post at a time, each whole or not at all.
"""
