"""Several processes posting into one thread at once must leave a correct tree.

django-mptt's nested-set updates race without a lock; comment services lock
the tree they write to (PostgreSQL: the root row, plus an advisory lock for new
trees; SQLite: IMMEDIATE transactions). Runs on both databases.
"""

import multiprocessing
import random
from collections import defaultdict

import pytest
from django.db import connections

from forum import services
from forum.models import Comment, Post
from tests.factories import make_comment, make_post

WORKERS = 4
COMMENTS_PER_WORKER = 30


def post_many(post_pk: int, worker: int, start, failures) -> None:
    """Runs in a forked process with its own database connection."""
    try:
        rng = random.Random(worker)
        post = Post.objects.get(pk=post_pk)
        start.wait(timeout=30)
        for number in range(COMMENTS_PER_WORKER):
            parent = None
            if rng.random() < 0.75:
                ids = list(Comment.objects.filter(post=post).values_list("pk", flat=True))
                parent = Comment.objects.get(pk=rng.choice(ids))
            services.comment_post(post=post, parent=parent, text=f"worker {worker} comment {number}")
    except Exception as error:  # reported to the parent, which fails the test
        failures.put(f"worker {worker}: {error!r}")
    finally:
        connections.close_all()


def expected_nested_sets(rows) -> dict[int, tuple[int, int, int, int]]:
    """What mptt's rebuild() gives: from parent links alone, siblings in posting (pk) order."""
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
    connections.close_all()  # children must not share this connection
    context = multiprocessing.get_context("fork")
    start = context.Barrier(WORKERS)
    failures = context.Queue()
    workers = [context.Process(target=post_many, args=(post.pk, n, start, failures)) for n in range(WORKERS)]
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
