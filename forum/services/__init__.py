"""Every write to posts, comments, pieces sent in and reply emails, one module per subject: comments, posts,
submissions, notifications. Each service validates as a form would, takes its locks, changes the state and
carries the change's consequences (fragments, counts, log rows) in one transaction."""
