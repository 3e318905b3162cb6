"""Paths and line ranges of repository files: what is refused before any lookup, and lines numbered as the indexer numbers them."""

from __future__ import annotations

import pytest

from codesift.errors import CodesiftError
from mcp_server.files import read_lines, relative_path


@pytest.mark.parametrize("path, normalised", [("src/a.py", "src/a.py"), ("./src//a.py", "src/a.py"), ("a..b/c.py", "a..b/c.py")])
def test_relative_paths_are_normalised(path, normalised):
    assert relative_path(path) == normalised


@pytest.mark.parametrize("path", ["/etc/passwd", "C:\\Windows\\win.ini", "C:x", "../x", "a/../../x", "a\\..\\..\\x", "", " ", "a\x00b"])
def test_paths_that_could_name_other_files_are_refused(path):
    with pytest.raises(CodesiftError):
        relative_path(path)


def test_lines_are_numbered_like_the_indexer_and_the_end_is_clamped(tmp_path):
    (tmp_path / "a.py").write_bytes("\ufeffone\r\ntwo\x0cstill two\nthree\n".encode())
    assert read_lines(tmp_path, "a.py", 2, 99) == (["two\x0cstill two", "three"], 3)


def test_a_range_past_the_end_or_backwards_is_refused(tmp_path):
    (tmp_path / "a.py").write_text("one\n")
    with pytest.raises(CodesiftError, match="has 1 lines"):
        read_lines(tmp_path, "a.py", 2, 3)
    with pytest.raises(CodesiftError, match="before start_line"):
        read_lines(tmp_path, "a.py", 3, 2)


def test_a_symlink_out_of_the_root_is_refused_and_one_inside_is_followed(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "secret").write_text("s3cret\n")
    (root / "real.py").write_text("inside\n")
    (root / "out.py").symlink_to(tmp_path / "secret")
    (root / "alias.py").symlink_to(root / "real.py")
    with pytest.raises(CodesiftError, match="resolves outside its repository"):
        read_lines(root, "out.py", 1, 1)
    assert read_lines(root, "alias.py", 1, 1) == (["inside"], 1)


def test_a_vanished_file_asks_for_a_new_index_run(tmp_path):
    with pytest.raises(CodesiftError, match="no longer on disk"):
        read_lines(tmp_path, "gone.py", 1, 1)
