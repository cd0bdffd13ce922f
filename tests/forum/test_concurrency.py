"""Several processes posting into one thread at once must leave a correct tree.

django-mptt's nested-set updates race without a lock; comment services lock
the tree they write to (PostgreSQL: the root row, plus an advisory lock for new
trees; SQLite: IMMEDIATE transactions). Runs on both databases.
"""

import multiprocessing
from collections import defaultdict

import pytest
from django.db import connection

from forum.models import Comment
from tests.factories import make_comment, make_post
from tests.forum.posting_worker import COMMENTS_PER_WORKER, post_many

WORKERS = 4


def expected_nested_sets(rows) -> dict[int, tuple[int, int, int, int]]:
    """The nested sets that the parent links alone determine, siblings in posting (pk) order.

    This is what mptt's rebuild() recomputes; it is built here because
    rebuild() leaves sibling order to the database's row order.
    """
    children = defaultdict(list)
    for pk, parent_id, *_ in sorted(rows):
        children[parent_id].append(pk)
    expected = {}

    def walk(pk, left, level, root):
        right = left + 1
        for child in children[pk]:
            right = walk(child, right, level + 1, root) + 1
        expected[pk] = (root, left, right, level)
        return right

    for root in children[None]:
        walk(root, 1, 0, root)
    return expected


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
        context.Process(target=post_many, args=(database_name, post.pk, n, start, failures))
        for n in range(WORKERS)
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

    rows = list(Comment.objects.filter(post=post).values_list("pk", "parent_id", "tree_id", "lft", "rght", "level"))
    assert len(rows) == 1 + WORKERS * COMMENTS_PER_WORKER  # no comment lost
    tree_of_root = {pk: tree_id for pk, parent_id, tree_id, *_ in rows if parent_id is None}
    actual = {pk: (tree_id, lft, rght, level) for pk, _, tree_id, lft, rght, level in rows}
    expected = {
        pk: (tree_of_root[root], lft, rght, level)
        for pk, (root, lft, rght, level) in expected_nested_sets(rows).items()
    }
    broken = {pk for pk in actual if actual[pk] != expected.get(pk)}
    assert not broken, f"{len(broken)} tree rows differ from a rebuild"
    assert len(set(tree_of_root.values())) == len(tree_of_root)  # every top-level comment has its own tree
