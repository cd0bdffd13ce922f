"""Is a reply tree exactly what its parent links say? For the concurrency and restart tests and the load test."""

from collections import defaultdict

TREE_FIELDS = ("pk", "parent_id", "tree_id", "lft", "rght", "level")  # the rows these functions take, in order


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


def rows_differing_from_rebuild(rows) -> set[int]:
    """The comments (TREE_FIELDS rows) whose tree id, lft, rght or level differ from a rebuild's."""
    tree_of_root = {pk: tree_id for pk, parent_id, tree_id, *_ in rows if parent_id is None}
    expected = {
        pk: (tree_of_root[root], lft, rght, level)
        for pk, (root, lft, rght, level) in expected_nested_sets(rows).items()
    }
    return {pk for pk, _, tree_id, lft, rght, level in rows if (tree_id, lft, rght, level) != expected.get(pk)}
