from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from forum.models import Comment, Post

SEEDS = Path(settings.BASE_DIR) / "seeds"
FIRST_SEED = SEEDS / "000_b08d91ac12d443d5.txt"
SECOND_SEED = SEEDS / "004_ec4f3d10ed3a39f5.txt"

pytestmark = pytest.mark.django_db


def refused(path: Path, capsys) -> str:
    """Import a file that must be refused; return what the command said on stderr."""
    with pytest.raises(CommandError):
        call_command("import_seeds", str(path))
    return capsys.readouterr().err


def shape(post: Post) -> list[tuple[int, int]]:
    """(level, number of direct replies) for every comment, in thread order."""
    comments = list(Comment.objects.filter(post=post).in_thread_order())
    return [(c.level, sum(1 for other in comments if other.parent_id == c.pk)) for c in comments]


def write(tmp_path: Path, text: str, name: str = "post.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_first_seed_imports_with_exact_tree_shape(capsys):
    call_command("import_seeds", str(FIRST_SEED))
    post = Post.objects.get()
    assert post.title == "At Odds With The Evidence"
    assert str(post.published_on) == "2020-10-29"
    sections = list(post.sections.all())
    assert [s.removed_at_authors_request for s in sections] == [False, True]
    assert sections[0].body.startswith("Two emails a day apart")
    assert sections[0].body.rstrip().endswith("Set tasks: Record, cut and paste repeatedly")
    assert sections[1].body == ""
    roots = list(Comment.objects.filter(post=post, level=0).in_thread_order())
    assert [r.get_descendant_count() for r in roots] == [6, 0, 2, 4, 4, 0, 0, 1]
    assert Comment.objects.filter(post=post).count() == 25
    assert max(level for level, _ in shape(post)) == 1
    assert "imported “At Odds With The Evidence”" in capsys.readouterr().out


def test_second_seed_imports_with_exact_tree_shape():
    call_command("import_seeds", str(SECOND_SEED))
    post = Post.objects.get()
    assert post.title == "The Real Problem"
    assert str(post.published_on) == "2021-03-18"
    assert post.sections.count() == 1
    roots = list(Comment.objects.filter(post=post, level=0).in_thread_order())
    assert [r.get_descendant_count() for r in roots] == [0, 1, 0, 1, 3, 2, 1, 9, 0, 0]
    assert Comment.objects.filter(post=post).count() == 27


def test_seed_text_is_kept_verbatim_and_comments_are_anonymous_without_times():
    call_command("import_seeds", str(FIRST_SEED))
    first_comment = Comment.objects.filter(level=0).in_thread_order().first()
    first_reply = first_comment.get_children().first()
    assert first_comment.text.startswith("Especially for CQSW-qualified PO's:-\n\nThe latest edition")
    assert first_reply.text.startswith("Moving Away from Social Work and Half Way Back Again")
    getafix = Comment.objects.get(text__contains="gender specifics")
    # Continuation lines lose only their six-space indent; the signature line survives.
    assert getafix.text.splitlines()[1].startswith("I completely acknowledge")
    assert getafix.text.rstrip().endswith("'Getafix")
    nbsp_section = Post.objects.get().sections.first().body
    assert "\u00a0" in nbsp_section
    assert not Comment.objects.exclude(author=None).exists()
    assert not Comment.objects.exclude(author_name="").exists()
    assert not Comment.objects.exclude(created_at=None).exists()


def test_import_is_idempotent(capsys):
    call_command("import_seeds")
    before = list(Comment.objects.values_list("pk", "tree_id", "lft", "rght", "text"))
    call_command("import_seeds")
    assert list(Comment.objects.values_list("pk", "tree_id", "lft", "rght", "text")) == before
    assert Post.objects.count() == 2
    assert "already imported; nothing changed" in capsys.readouterr().out


MINIMAL = """Thursday, 18 March 2021

A Title

Body text.

{count}

{comments}"""


def test_comma_date_one_comment_and_numbered_lines_inside_a_body(tmp_path):
    comments = (
        "  1. My points:\n"
        "\n"
        "    1. Not a reply, a list item.\n"
        "    2. Another list item.\n"
        "    Replies are welcome.\n"
        "\n"
        "    ReplyDelete\n"
    )
    path = write(tmp_path, MINIMAL.format(count="1 comment:", comments=comments))
    call_command("import_seeds", str(path))
    comment = Comment.objects.get()
    assert comment.text == "My points:\n\n1. Not a reply, a list item.\n2. Another list item.\nReplies are welcome."
    assert comment.level == 0


def test_no_comments(tmp_path):
    path = write(tmp_path, MINIMAL.format(count="No comments:", comments=""))
    call_command("import_seeds", str(path))
    assert Post.objects.get().comments.count() == 0


def test_tombstones_import_as_removed_and_keep_their_replies(tmp_path):
    comments = (
        "  1. This comment has been removed by the author.\n\n    ReplyDelete\n    Replies\n"
        "    1. A reply to a removed comment.\n\n      Delete\n"
        "  2. This comment has been removed by a blog administrator.\n\n    ReplyDelete\n"
    )
    path = write(tmp_path, MINIMAL.format(count="3 comments:", comments=comments))
    call_command("import_seeds", str(path))
    first, reply, second = Comment.objects.in_thread_order()
    assert (first.state, first.text) == (Comment.State.REMOVED_BY_AUTHOR, "")
    assert (second.state, second.text) == (Comment.State.REMOVED_BY_MODERATOR, "")
    assert reply.parent == first and reply.text == "A reply to a removed comment."


def test_count_mismatch_is_refused_whole_naming_file_and_line(tmp_path, capsys):
    comments = "  1. Only one.\n\n    ReplyDelete\n"
    path = write(tmp_path, MINIMAL.format(count="2 comments:", comments=comments))
    error = refused(path, capsys)
    assert f"{path}:7:" in error and "declares 2 comments but holds 1" in error
    assert not Post.objects.exists() and not Comment.objects.exists()


def test_unclosed_comment_is_refused(tmp_path, capsys):
    comments = "  1. Never closed.\n"
    path = write(tmp_path, MINIMAL.format(count="1 comment:", comments=comments))
    assert f"{path}:9: this comment is not closed by a 'ReplyDelete' line" in refused(path, capsys)


def test_bad_date_is_refused(tmp_path, capsys):
    path = write(tmp_path, "Someday soon\n\nTitle\n\nBody\n\nNo comments:\n")
    assert f"{path}:1: expected a date" in refused(path, capsys)


def test_invalid_comment_text_rolls_back_the_whole_file(tmp_path, capsys):
    comments = "  1. Fine.\n\n    ReplyDelete\n  2. Bad \x00 byte.\n\n    ReplyDelete\n"
    path = write(tmp_path, MINIMAL.format(count="2 comments:", comments=comments))
    assert f"{path}:12: This text contains control characters (such as a NUL byte)" in refused(path, capsys)
    assert not Post.objects.exists() and not Comment.objects.exists()


def test_over_long_comment_is_refused(tmp_path, capsys):
    comments = "  1. " + "x" * 10_001 + "\n\n    ReplyDelete\n"
    path = write(tmp_path, MINIMAL.format(count="1 comment:", comments=comments))
    assert "at most 10000 characters" in refused(path, capsys)
    assert not Post.objects.exists()


def test_a_refused_file_does_not_stop_the_others(tmp_path, capsys):
    bad = write(tmp_path, "not a date\n", name="bad.txt")
    with pytest.raises(CommandError, match="1 of 2 files refused"):
        call_command("import_seeds", str(bad), str(SECOND_SEED))
    assert Post.objects.get().title == "The Real Problem"


def test_non_utf8_file_is_refused(tmp_path, capsys):
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"Thursday 29 October 2020\n\nCaf\xe9\n")
    assert f"{path}:3: the file is not valid UTF-8" in refused(path, capsys)
