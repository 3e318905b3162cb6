"""Links to a hit's lines on the repository's web host."""

from __future__ import annotations

import pytest

from ui.links import source_url, web_base


@pytest.mark.parametrize(
    ("remote", "url"),
    [
        ("https://github.com/owner/repo.git", "https://github.com/owner/repo/blob/abc123/src/a%20b.py#L3-L9"),
        ("git@github.com:owner/repo.git", "https://github.com/owner/repo/blob/abc123/src/a%20b.py#L3-L9"),
        ("ssh://git@gitlab.com/group/sub/repo.git", "https://gitlab.com/group/sub/repo/-/blob/abc123/src/a%20b.py#L3-9"),
        ("https://bitbucket.org/team/repo", "https://bitbucket.org/team/repo/src/abc123/src/a%20b.py#lines-3:9"),
        ("https://codeberg.org/owner/repo.git", "https://codeberg.org/owner/repo/src/commit/abc123/src/a%20b.py#L3-L9"),
    ],
)
def test_known_hosts_link_to_the_lines_at_the_commit(remote, url):
    assert source_url(remote, "abc123", "src/a b.py", 3, 9) == url


def test_without_a_commit_the_default_branch_is_linked():
    assert source_url("https://github.com/o/r", None, "x.py", 1, 2) == "https://github.com/o/r/blob/HEAD/x.py#L1-L2"


@pytest.mark.parametrize("remote", [None, "", "/srv/git/repo.git", "https://git.example.org/o/r.git", "not a url"])
def test_no_link_without_a_known_web_host(remote):
    assert source_url(remote, "abc", "x.py", 1, 2) is None


def test_web_base_drops_credentials_ports_and_git_suffix():
    assert web_base("ssh://git@github.com:22/o/r.git/") == ("github.com", "https://github.com/o/r")


def test_a_hit_of_a_repo_indexed_from_a_subdirectory_links_to_its_path_in_the_work_tree():
    from retriever.search import SearchHit
    from ui.render import hit_url

    hit = SearchHit("shop", "cart.py", 11, 13, "Cart.total_price", "python", "method", 1.0, "")
    repos = {"shop": {"url": "git@github.com:o/mono.git", "commit": "abc", "subdir": "services/shop"}}
    assert hit_url(hit, repos) == "https://github.com/o/mono/blob/abc/services/shop/cart.py#L11-L13"
    assert hit_url(hit, {"shop": {"url": None}}) is None
