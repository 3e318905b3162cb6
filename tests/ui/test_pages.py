"""Each page's logic through Streamlit's AppTest: the real app script, the real index and MiniLM, a local LLM server."""

from __future__ import annotations

import html
import re
import textwrap
from pathlib import Path

import pytest
from llm_server import Reply
from shop_repo import FILES
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "ui" / "app.py")
TIMEOUT = 120


def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    return at


def search(at: AppTest, query: str) -> AppTest:
    at.text_input(key="nl_query").input(query)
    return at.button[0].click().run()  # the form's Search button comes first


def hit_titles(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**") and "`shop:" in m.value]


def scores(at: AppTest) -> list:
    return [m for m in at.markdown if m.value.startswith("relevance ")]


def code_blocks(at: AppTest) -> list[tuple[list[int | None], list[str]]]:
    """Each code block drawn: its line numbers (None: unnumbered) and its lines of text (highlighting taken off)."""
    blocks = []
    for html_element in at.get("html"):
        body = html_element.proto.body
        if "codesift-code" not in body:
            continue
        column = re.search(r'<td class="linenos"><pre>(.*?)</pre>', body, re.DOTALL).group(1)
        code = re.search(r"<code>(.*?)</code>", body, re.DOTALL).group(1)
        numbers = [int(n) if n else None for n in column.split("\n")]
        blocks.append((numbers, html.unescape(re.sub(r"<[^>]+>", "", code)).split("\n")))
    return blocks


def test_search_finds_the_function_and_shows_its_code(ui_home):
    at = search(app(), "sum the prices of all items in the cart")
    assert not at.exception and not at.error
    assert "Cart.total_price" in hit_titles(at)[0]
    numbers, lines = code_blocks(at)[0]
    assert "return sum(price" in lines[-1]
    found_by = scores(at)[0].value.split("found by ")[1]
    assert ":blue-badge[meaning]" in found_by or ":blue-badge[keywords]" in found_by


def test_code_is_numbered_with_the_files_own_lines(ui_home):
    at = search(app(), "sum the prices of all items in the cart")
    file_lines = (textwrap.dedent(FILES["shop/cart.py"]).lstrip()).split("\n")
    titles = hit_titles(at)
    assert len(titles) == len(code_blocks(at)) >= 2
    summaries = 0
    for title, (numbers, lines) in zip(titles, code_blocks(at)):
        start, end = map(int, re.search(r":(\d+)-(\d+)`", title).groups())
        assert len(lines) == len(numbers) and numbers[0] == start
        if "`Cart`" in title:  # a class summary: bodies elided, numbered as far as they are known
            summaries += 1
            known = [n for n in numbers if n is not None]
            assert known == list(range(start, start + len(known))) and None in numbers
            assert lines[len(known) - 1].endswith("...")
        else:
            assert numbers == list(range(start, end + 1))
        if "shop/cart.py" in title:
            assert [line.removesuffix(" ...") for n, line in zip(numbers, lines) if n] == [file_lines[n - 1] for n in numbers if n]
    assert code_blocks(at)[0][0][0] == 11 and summaries == 1  # Cart.total_price starts at line 11, not 1


def test_the_score_is_a_relevance_with_the_raw_value_only_in_its_tooltip(ui_home):
    at = search(app(), "sum the prices of all items in the cart")
    shown = scores(at)
    assert shown[0].value.startswith("relevance **100 %**")
    shares = [int(re.search(r"\*\*(\d+) %\*\*", m.value).group(1)) for m in shown]
    assert shares == sorted(shares, reverse=True) and all(0 <= share <= 100 for share in shares)
    assert all("found by :blue-badge[" in m.value and not re.search(r"\d\.\d{3}", m.value) for m in shown)
    assert all(re.search(r"Raw ranking score \d+\.\d{3}", m.proto.help) for m in shown)


def test_filters_offer_the_indexed_languages_and_apply(ui_home):
    at = app()
    assert at.selectbox(key="repo").options == ["all", "shop"]
    assert "python" in at.selectbox(key="language").options
    at.text_input(key="path_glob").set_value("shop/mail.py")
    at = search(at, "sum the prices of all items in the cart")
    assert hit_titles(at) and all("shop/mail.py" in title for title in hit_titles(at))


def test_find_similar_searches_from_that_hit_and_never_returns_it(ui_home):
    at = search(app(), "send a receipt e-mail over SMTP")
    first = hit_titles(at)[0]
    assert "send_receipt" in first
    similar = next(b for b in at.button if b.key and b.key.startswith("similar-1-"))
    at = similar.click().run()
    assert not at.exception and not at.error
    assert at.session_state.task == "code2code"
    assert at.text_area(key="code_query").value.startswith("shop/mail.py:")
    assert any("code similar to" in c.value for c in at.caption)
    assert hit_titles(at) and all("send_receipt" not in title for title in hit_titles(at))


def test_group_by_file_lists_each_file_once_with_its_chunks(ui_home):
    at = app()
    at.toggle(key="by_file").set_value(True)
    at = search(at, "cart items and their prices")
    assert not at.exception and not at.error
    files = [e.label for e in at.expander if "`shop:" in e.label]
    assert files and "shop/cart.py" in files[0] and len(set(files)) == len(files)
    assert any("files for" in c.value for c in at.caption)


def test_an_empty_query_is_said_not_answered_with_nothing(ui_home):
    at = search(app(), "   ")
    assert not at.exception and any("empty query" in e.value for e in at.error)


def test_a_rerun_redraws_the_kept_hits_without_searching_again(ui_home, monkeypatch):
    at = search(app(), "sum the prices of all items in the cart")
    from retriever.search import Searcher

    def refuse(*args, **kwargs):
        raise AssertionError("searched again on a rerun")

    monkeypatch.setattr(Searcher, "search", refuse)
    at.slider(key="k").set_value(5).run()  # a widget change reruns the page: the kept hits are redrawn
    assert not at.error and "Cart.total_price" in hit_titles(at)[0]


def test_chat_without_llm_shows_setup_steps_and_the_sources(ui_home):
    at = app().switch_page("pages/chat.py").run()
    assert any("No LLM is configured" in i.value for i in at.info)
    at.chat_input[0].set_value("How is the cart total computed?").run()
    assert not at.exception and not at.error
    assert any("Sources (" in e.label for e in at.expander)
    assert any("shop/cart.py" in m.value for m in at.markdown)


def test_chat_streams_an_answer_with_linked_citations_and_remembers(ui_home, ui_llm):
    ui_llm.default = Reply(text="Cart.total_price sums the prices [1].")
    at = app().switch_page("pages/chat.py").run()
    assert not at.info  # an LLM is configured: no setup banner
    at.chat_input[0].set_value("How is the cart total computed?").run()
    assert not at.exception and not at.error
    answer = next(m.value for m in at.markdown if "sums the prices" in m.value)
    assert "\\[[1](#source-1-1)\\]" in answer
    assert any(m.value.startswith("**[1]**") for m in at.markdown)
    at.chat_input[0].set_value("and where is it called?").run()
    assert not at.exception
    assert len(ui_llm.requests) == 3  # answer, then condense + answer for the follow-up
    assert "How is the cart total computed?" in str(ui_llm.requests[1]["messages"])
    clear = next(b for b in at.button if b.label == "Clear chat")
    at = clear.click().run()
    assert not [m for m in at.markdown if "sums the prices" in m.value]


def test_chat_flags_an_answer_that_cites_no_source_sent(ui_home, ui_llm):
    ui_llm.script(Reply(text="It is split at the first comma."), Reply(text="Shipping is computed in [9]."))
    at = app().switch_page("pages/chat.py").run()
    at.chat_input[0].set_value("How is the cart total computed?").run()
    assert not at.exception and not at.error
    assert [w.value for w in at.warning] == [
        "This answer cites no source: nothing in it is backed by the sources listed, check them yourself"
    ]
    assert any("Sources (" in e.label for e in at.expander)
    at = at.button(key="clear_chat").click().run()
    at.chat_input[0].set_value("And shipping?").run()
    assert len(at.warning) == 1 and at.warning[0].value.startswith("Every citation in this answer is invented ([9])")


def test_chat_with_the_llm_down_is_one_line_and_keeps_the_page(ui_home, ui_llm):
    ui_llm.stop()
    at = app().switch_page("pages/chat.py").run()
    at.chat_input[0].set_value("How is the cart total computed?").run()
    assert not at.exception
    assert [e.value for e in at.error] and "not reachable" in at.error[0].value and "\n" not in at.error[0].value


def test_index_page_adds_lists_and_removes_a_repository(ui_home, tmp_path):
    repo = tmp_path / "tools"
    repo.mkdir()
    (repo / "slug.py").write_text('def slugify(title):\n    """Lower-case words joined by dashes."""\n    return "-".join(title.lower().split())\n')
    (repo / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    at = app().switch_page("pages/index.py").run()
    at.text_input[0].input(str(repo))
    at = at.button[0].click().run()
    assert not at.exception and not at.error
    assert any("Indexed **tools**" in s.value for s in at.success)
    listed = at.dataframe[-1].value
    assert sorted(listed["repo"]) == ["shop", "tools"] and set(listed["model"]) == {"minilm"}
    at.selectbox(key="manage_repo").set_value("tools")
    at = at.button(key="confirm_remove").click().run()
    assert not at.exception and not at.error
    assert list(at.dataframe[-1].value["repo"]) == ["shop"]


@pytest.mark.parametrize(
    ("source", "message"),
    [("/no/such/dir", "no such directory"), ("ext::sh -c touch% /tmp/pwned", "refusing git transport")],
)
def test_index_page_bad_sources_are_one_line_errors(ui_home, source, message):
    at = app().switch_page("pages/index.py").run()
    at.text_input[0].input(source)
    at = at.button[0].click().run()
    assert not at.exception
    assert len(at.error) == 1 and message in at.error[0].value


def test_empty_index_points_to_the_index_page(codesift_home):
    at = app()
    assert any("Nothing is indexed yet" in i.value for i in at.info)


def test_a_file_written_after_indexing_is_found_by_the_next_search(ui_home, tmp_path):
    repo = tmp_path / "tools"
    repo.mkdir()
    (repo / "slug.py").write_text('def slugify(title):\n    """Lower-case words joined by dashes."""\n    return "-".join(title.lower().split())\n')
    at = app().switch_page("pages/index.py").run()
    at.text_input[0].input(str(repo))
    at = at.button[0].click().run()
    assert not at.exception and not at.error
    (repo / "money.py").write_text('def format_price_in_euros(cents):\n    """Cents as a euro amount with two decimals."""\n    return f"{cents / 100:.2f} EUR"\n')
    at = search(at.switch_page("pages/search.py").run(), "format a price in cents as euros")
    assert not at.exception and not at.error
    assert any(c.value.startswith("tools: 1 file (1 new or changed, 0 removed)") for c in at.caption)
    titles = [m.value for m in at.markdown if m.value.startswith("**") and "`tools:" in m.value]
    assert "format_price_in_euros" in titles[0]
