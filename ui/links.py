"""Links to a file at its lines on the repository's web host (GitHub, GitLab, Bitbucket, Gitea/Codeberg).

The remote is what the indexer recorded (`origin`, credentials stripped): https, ssh:// or scp-like
`git@host:owner/repo.git`. Unknown hosts and repositories without a remote get no link.
"""

from __future__ import annotations

import re
from urllib.parse import quote

_SCP = re.compile(r"^[\w.-]+@(?P<host>[\w.-]+):(?P<path>.+)$")
_URL = re.compile(r"^(?:https|ssh|git)://(?:[^@/]+@)?(?P<host>[\w.-]+)(?::\d+)?/(?P<path>.+)$")

# host → blob URL template, from "https://host/owner/repo"
_TEMPLATES = {
    "github.com": "{base}/blob/{ref}/{path}#L{start}-L{end}",
    "gitlab.com": "{base}/-/blob/{ref}/{path}#L{start}-{end}",
    "bitbucket.org": "{base}/src/{ref}/{path}#lines-{start}:{end}",
    "codeberg.org": "{base}/src/commit/{ref}/{path}#L{start}-L{end}",
}


def web_base(remote: str | None) -> tuple[str, str] | None:
    """`(host, "https://host/owner/repo")` for a remote URL, or None when it is not one."""
    if not remote:
        return None
    match = _URL.match(remote) or _SCP.match(remote)
    if not match:
        return None
    host = match["host"].lower()
    path = match["path"].strip("/").removesuffix(".git")
    return (host, f"https://{host}/{path}") if path else None


def source_url(remote: str | None, commit: str | None, path: str, start: int, end: int) -> str | None:
    """The web page of `path` lines `start`–`end` at `commit` (or the default branch), if the host is known."""
    base = web_base(remote)
    if base is None or base[0] not in _TEMPLATES:
        return None
    host, url = base
    return _TEMPLATES[host].format(base=url, ref=commit or "HEAD", path=quote(path), start=start, end=end)
