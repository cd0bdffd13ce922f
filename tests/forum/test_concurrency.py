"""Several processes posting into one thread at once must leave a correct tree.

django-mptt's nested-set updates race without a lock; comment services lock
the tree they write to (PostgreSQL: the root row, plus an advisory lock for new
trees; SQLite: IMMEDIATE transactions). Runs on both databases.
"""

import multiprocessing

import pytest
from django.db import connection

from forum.models import Comment
from tests.factories import make_comment, make_post
from tests.forum.posting_worker import COMMENTS_PER_WORKER, post_many
from tests.trees import TREE_FIELDS, rows_differing_from_rebuild

WORKERS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_posting_keeps_the_tree_exact():
    post = make_post()
    make_comment(post=post, text="the first comment")
    # Spawned, not forked: a forked child would inherit this process's open
    # database connections (and the live server's), and could close them.
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WORKERS)
    failures = context.Queue()
    database_name = connection.settings_dict["NAME"]
    workers = [
        context.Process(target=post_many, args=(database_name, post.pk, n, start, failures)) for n in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    problems = []
    while not failures.empty():
        problems.append(failures.get())
    assert not problems
    assert [worker.exitcode for worker in workers] == [0] * WORKERS

    rows = list(Comment.objects.filter(post=post).values_list(*TREE_FIELDS))
    assert len(rows) == 1 + WORKERS * COMMENTS_PER_WORKER  # no comment lost
    broken = rows_differing_from_rebuild(rows)
    assert not broken, f"{len(broken)} tree rows differ from a rebuild"
    trees = [tree_id for pk, parent_id, tree_id, *_ in rows if parent_id is None]
    assert len(set(trees)) == len(trees)  # every top-level comment has its own tree
