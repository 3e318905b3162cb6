"""Every tool of `codesift mcp`, called by the MCP SDK's client over stdio against a copy of the indexed shop.

One server process serves the whole module, with small byte limits so that the bounds show, and the local
LLM server configured so that `ask` is offered. A second repository is indexed through the index_repo tool.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from llm_server import FakeLLMServer, Reply
from mcp_client import McpProcess, error_text, structured

HIT_BYTES = 400
RESULT_BYTES = 2000
SECRET = "TOP-SECRET-TOKEN-5f2a"
TOOLS = {"search_code", "find_similar", "get_file_range", "list_repos", "index_repo", "ask"}

RETRY_PY = '''
import time


def retry_with_backoff(call, attempts=5, base_delay=0.5):
    """Call `call` until it succeeds, sleeping twice as long after every failure."""
    delay = base_delay
    for attempt in range(attempts):
        try:
            return call()
        except ConnectionError as error:
            if attempt == attempts - 1:
                raise
            print(f"attempt {attempt + 1} of {attempts} failed with {error!r}; retrying in {delay:.1f} seconds")
            time.sleep(delay)
            delay = delay * 2
            # Jitter keeps many clients from retrying in lockstep after a shared outage.
            delay = delay + (attempt % 3) * 0.01
    raise RuntimeError("retry_with_backoff: no attempts were made because attempts was zero or negative")
'''


@pytest.fixture(scope="module")
def llm():
    server = FakeLLMServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def home(indexed_home, tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("mcp") / "home"
    shutil.copytree(indexed_home, copy)
    return copy


@pytest.fixture(scope="module")
def server(home, llm, tmp_path_factory):
    env = {"CODESIFT_HOME": str(home), "CODESIFT_LLM_BASE_URL": llm.base_url, "CODESIFT_LLM_MODEL": llm.model}
    log = tmp_path_factory.mktemp("logs") / "server.stderr"
    with McpProcess("--max-hit-bytes", str(HIT_BYTES), "--max-result-bytes", str(RESULT_BYTES), env=env, stderr_log=log) as process:
        yield process


@pytest.fixture(scope="module")
def shop_root(server) -> Path:
    [shop] = structured(server.call("list_repos"))["repos"]
    return Path(shop["root"])


@pytest.fixture(scope="module")
def tools_repo(server, tmp_path_factory):
    """A second repository, indexed through the index_repo tool: (its root, the tool's result, its progress notifications)."""
    base = tmp_path_factory.mktemp("tools-src")
    (base / "secret.txt").write_text(f"{SECRET}\n")
    root = base / "tools"
    (root / "tools").mkdir(parents=True)
    (root / "tools" / "retry.py").write_text(RETRY_PY.lstrip())
    (root / "tools" / "leak.py").write_text("def harmless():\n    return 1\n")
    (root / "tools" / "big.txt").write_text("".join(f"entry {n:03d}: a line of the long log file\n" for n in range(1, 301)))
    (root / "tools" / ".env").write_text(f"API_KEY={SECRET}\n")  # skipped by the indexer as a likely secret
    (root / "tools" / "escape.py").symlink_to(base / "secret.txt")  # skipped: it leaves the repository
    progress: list = []
    result = server.call("index_repo", {"path_or_url": str(root)}, progress=progress)
    return root, structured(result), progress


def test_the_tools_are_listed_with_their_schemas(server):
    tools = server.list_tools()
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert len(tool.description) > 80, tool.name
        assert tool.output_schema is not None, tool.name
    search = tools["search_code"].input_schema
    assert search["required"] == ["query"]
    assert search["properties"]["task"]["enum"] == ["nl2code", "code2code", "techqa"]
    assert (search["properties"]["k"]["minimum"], search["properties"]["k"]["maximum"]) == (1, 50)
    assert set(search["properties"]) == {"query", "task", "repo", "language", "path_glob", "kind", "group", "k"}
    assert search["properties"]["group"]["enum"] == ["chunk", "file"]
    assert tools["get_file_range"].input_schema["required"] == ["repo", "path", "start_line", "end_line"]
    assert tools["find_similar"].input_schema["required"] == ["path", "start_line", "end_line"]
    assert tools["index_repo"].input_schema["required"] == ["path_or_url"]
    assert "ctx" not in tools["index_repo"].input_schema["properties"]
    assert {"path", "start_line", "end_line", "symbol", "score", "code", "truncated"} <= set(
        tools["search_code"].output_schema["$defs"]["CodeHit"]["properties"]
    )
    assert tools["search_code"].annotations.read_only_hint is True
    assert tools["index_repo"].annotations.read_only_hint is False


def test_search_code_finds_the_function_described(server, shop_root):
    result = structured(server.call("search_code", {"query": "sum the prices of all items in the cart", "k": 3}))
    top = result["hits"][0]
    assert (top["repo"], top["path"], top["symbol"]) == ("shop", "shop/cart.py", "Cart.total_price")
    lines = (shop_root / "shop/cart.py").read_text().split("\n")
    assert top["code"] == "\n".join(lines[top["start_line"] - 1 : top["end_line"]])
    assert top["truncated"] is False and result["truncation"] is None
    assert len(result["hits"]) <= 3


def test_search_code_with_a_snippet_finds_similar_code(server):
    snippet = "with smtplib.SMTP(host) as smtp:\n    smtp.sendmail(sender, [to], text)"
    result = structured(server.call("search_code", {"query": snippet, "task": "code2code", "k": 3}))
    assert result["hits"][0]["symbol"] == "send_receipt"


def test_search_code_filters(server):
    hits = structured(server.call("search_code", {"query": "greeting banner", "repo": "shop", "path_glob": "notes/**"}))["hits"]
    assert hits and all(h["path"].startswith("notes/") for h in hits)
    classes = structured(server.call("search_code", {"query": "shopping cart", "kind": "class"}))["hits"]
    assert classes and {h["kind"] for h in classes} == {"class"}


@pytest.mark.parametrize(
    "arguments,expected",
    [
        ({"query": "cart", "language": "go"}, "unknown language 'go' in the index: use one of python"),
        ({"query": "cart", "language": "pyton", "repo": "shop"}, "did you mean 'python'?"),
        ({"query": "   "}, "empty query"),
    ],
)
def test_a_search_that_cannot_mean_what_was_asked_is_a_one_line_tool_error(server, arguments, expected):
    result = server.call("search_code", arguments)
    assert result.is_error and expected in error_text(result) and "\n" not in error_text(result)


def test_search_code_groups_by_file(server):
    result = structured(server.call("search_code", {"query": "cart items and their prices", "group": "file", "k": 2}))
    assert result["hits"] == [] and result["files"][0]["path"] == "shop/cart.py"
    assert len(result["files"]) <= 2 and len({f["path"] for f in result["files"]}) == len(result["files"])
    assert all(h["path"] == "shop/cart.py" for h in result["files"][0]["hits"])


def test_unknown_repository_is_one_line_tool_error(server):
    for tool, arguments in [
        ("search_code", {"query": "cart", "repo": "nope"}),
        ("get_file_range", {"repo": "nope", "path": "shop/cart.py", "start_line": 1, "end_line": 2}),
    ]:
        result = server.call(tool, arguments)
        assert result.is_error
        assert "no repository 'nope' in index 'codesift' (indexed: shop" in error_text(result)
        assert "\n" not in error_text(result)


def test_arguments_outside_the_schema_are_refused_and_the_server_keeps_serving(server):
    for arguments in [{"query": "cart", "k": 500}, {"query": "cart", "task": "code2nl"}, {"query": ""}]:
        assert server.call("search_code", arguments).is_error
    assert structured(server.call("search_code", {"query": "cart", "k": 1}))["hits"]


def test_find_similar_never_returns_the_lines_asked_about(server):
    result = structured(server.call("find_similar", {"path": "shop/cart.py", "start_line": 7, "end_line": 9, "k": 5}))
    assert result["hits"]
    for hit in result["hits"]:
        assert hit["path"] != "shop/cart.py" or hit["end_line"] < 7 or hit["start_line"] > 9
    refused = server.call("find_similar", {"path": "shop/missing.py", "start_line": 1, "end_line": 2})
    assert refused.is_error and "not an indexed file" in error_text(refused)


def test_get_file_range_returns_the_lines_and_clamps_the_end(server, shop_root):
    lines = (shop_root / "shop/checkout.py").read_text().split("\n")
    result = structured(server.call("get_file_range", {"repo": "shop", "path": "shop/checkout.py", "start_line": 4, "end_line": 99}))
    assert result["text"] == "\n".join(lines[3:]).rstrip("\n")
    assert (result["start_line"], result["end_line"], result["total_lines"]) == (4, len(lines) - 1, len(lines) - 1)
    assert result["truncation"] is None


@pytest.mark.parametrize(
    "path",
    ["../shop/shop/cart.py", "shop/../../shop/shop/cart.py", "/etc/passwd", "{root}/shop/cart.py", "{root}/../secret", "shop\\..\\..\\x"],
)
def test_get_file_range_refuses_paths_that_leave_the_repository(server, shop_root, path):
    result = server.call("get_file_range", {"repo": "shop", "path": path.format(root=shop_root), "start_line": 1, "end_line": 5})
    assert result.is_error
    assert "absolute" in error_text(result) or "'..'" in error_text(result)
    assert "class Cart" not in error_text(result)


def test_index_repo_reports_what_it_indexed_with_progress(server, tools_repo):
    _, summary, progress = tools_repo
    assert summary["repo"] == "tools"
    assert summary["files_indexed"] == 3  # retry.py, leak.py, big.txt; not the symlink leaving the repository
    assert summary["skipped"].get("symlink-outside") == 1 and sum(summary["skipped"].values()) == 2
    assert summary["chunks_total"] > 3 and summary["warning"] is None
    values = [value for value, _, _ in progress]
    assert values and values == sorted(set(values)), "progress must rise with every notification"
    assert progress[-1][0] == progress[-1][1] and progress[-1][2].startswith("embedding: ")
    names = {repo["name"]: repo for repo in structured(server.call("list_repos"))["repos"]}
    assert set(names) == {"shop", "tools"} and names["tools"]["chunks"] == summary["chunks_total"]
    hits = structured(server.call("search_code", {"query": "retry a call with exponential backoff", "k": 1}))["hits"]
    assert hits[0]["symbol"] == "retry_with_backoff"


def test_get_file_range_serves_only_indexed_files(server, tools_repo):
    result = server.call("get_file_range", {"repo": "tools", "path": "tools/.env", "start_line": 1, "end_line": 1})
    assert result.is_error and "not an indexed file" in error_text(result) and SECRET not in error_text(result)


def test_a_symlink_leaving_the_repository_is_never_read(server, tools_repo):
    root, _, _ = tools_repo
    outside = server.call("get_file_range", {"repo": "tools", "path": "tools/escape.py", "start_line": 1, "end_line": 1})
    assert outside.is_error and SECRET not in error_text(outside)
    leak = root / "tools" / "leak.py"  # indexed as a plain file, then swapped for a link to the secret
    leak.unlink()
    leak.symlink_to(root.parent / "secret.txt")
    swapped = server.call("get_file_range", {"repo": "tools", "path": "tools/leak.py", "start_line": 1, "end_line": 1})
    assert swapped.is_error and "not an indexed file" in error_text(swapped)  # the refresh before the call dropped it
    assert SECRET not in error_text(swapped)


def test_an_edit_is_searchable_at_the_next_call_and_a_deletion_is_gone(server, tools_repo):
    root, _, _ = tools_repo
    slugs = root / "tools" / "slugs.py"
    slugs.write_text('def slugify_title(title):\n    """Turn a title into a URL slug."""\n    return "-".join(title.lower().split())\n')
    found = structured(server.call("search_code", {"query": "slugify_title", "repo": "tools", "k": 3}))
    assert found["refreshed"][0].startswith("tools: 1 file (1 new or changed, 0 removed), 1 chunk written")
    assert (found["hits"][0]["path"], found["hits"][0]["symbol"]) == ("tools/slugs.py", "slugify_title")
    lines = structured(server.call("get_file_range", {"repo": "tools", "path": "tools/slugs.py", "start_line": 1, "end_line": 1}))
    assert lines["text"] == "def slugify_title(title):" and lines["refreshed"] == []  # nothing changed since
    slugs.unlink()
    gone = structured(server.call("search_code", {"query": "slugify_title", "repo": "tools", "k": 3}))
    assert gone["refreshed"][0].startswith("tools: 1 file (0 new or changed, 1 removed)")
    assert all(hit["path"] != "tools/slugs.py" for hit in gone["hits"])


def test_search_results_stay_within_the_byte_limits_and_say_so(server, tools_repo):
    _, summary, _ = tools_repo
    result = structured(server.call("search_code", {"query": "entry of the long log file", "repo": "tools", "k": 20}))
    hits = result["hits"]
    sizes = [len(h["code"].encode()) for h in hits]
    assert max(sizes) <= HIT_BYTES and sum(sizes) <= RESULT_BYTES
    assert any(h["truncated"] for h in hits)
    assert len(hits) < min(20, summary["chunks_total"])
    assert f"cut to {HIT_BYTES} bytes" in result["truncation"] and "left out" in result["truncation"]
    assert len(json.dumps(result)) < RESULT_BYTES + 20 * 600  # code within the limit, plus bounded metadata per hit


def test_a_long_file_range_is_cut_at_a_line_and_can_be_continued(server, tools_repo):
    first = structured(server.call("get_file_range", {"repo": "tools", "path": "tools/big.txt", "start_line": 1, "end_line": 300}))
    assert len(first["text"].encode()) <= RESULT_BYTES
    last = first["end_line"]
    assert 1 < last < 300 and first["text"].split("\n")[-1] == f"entry {last:03d}: a line of the long log file"
    assert f"start_line={last + 1}" in first["truncation"]
    rest = structured(server.call("get_file_range", {"repo": "tools", "path": "tools/big.txt", "start_line": last + 1, "end_line": last + 1}))
    assert rest["text"] == f"entry {last + 1:03d}: a line of the long log file"


def test_ask_answers_with_numbered_sources_and_flags_invented_citations(server, llm):
    llm.script(Reply(text="Cart.total_price adds up the prices [1]. Shipping is computed in [9]."))
    result = structured(server.call("ask", {"question": "How is the cart total computed?", "repo": "shop"}))
    assert result["answer"] == "Cart.total_price adds up the prices [1]. Shipping is computed in [9]."
    assert result["invented_citations"] == ["[9]"] and result["cited"] == [1]
    assert result["warning"].startswith("invented citations") and "[9]" in result["warning"]
    assert [s["number"] for s in result["sources"]] == list(range(1, len(result["sources"]) + 1))
    assert ("shop/cart.py", "Cart.total_price") in {(s["path"], s["symbol"]) for s in result["sources"]}
    assert "How is the cart total computed?" in llm.user_prompts()[-1]


@pytest.mark.parametrize(
    "text,warning",
    [("Prices are split at the first comma.", "this answer cites no source"), ("See [12].", "every citation in this answer is invented ([12])")],
)
def test_ask_flags_an_answer_that_cites_no_source_sent(server, llm, text, warning):
    llm.script(Reply(text=text))
    result = structured(server.call("ask", {"question": "How is the cart total computed?", "repo": "shop"}))
    assert result["answer"] == text and result["cited"] == [] and result["sources"]
    assert result["warning"].startswith(warning)


def test_an_llm_failure_is_a_one_line_tool_error(server, llm):
    llm.script(Reply(status=401))
    result = server.call("ask", {"question": "Where is the receipt sent?"})
    assert result.is_error
    assert "rejected the API key (401): set OPENAI_API_KEY" in error_text(result) and "\n" not in error_text(result)


def test_a_second_server_on_the_same_index_reports_it_busy(server, home, tmp_path):
    structured(server.call("list_repos"))  # the first server holds the embedded index from its first call on
    with McpProcess(env={"CODESIFT_HOME": str(home)}, stderr_log=tmp_path / "second.stderr") as second:
        assert set(second.list_tools()) == TOOLS - {"ask"}  # no LLM configured for this one
        for _ in range(2):  # refused, and still serving
            result = second.call("search_code", {"query": "cart"})
            assert result.is_error
            assert "index 'codesift' is busy: another codesift process is using it" in error_text(result)
