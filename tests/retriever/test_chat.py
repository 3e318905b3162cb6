"""The llama-index conversation: follow-ups are condensed with the history before retrieval; answers stay fenced and checked."""

from __future__ import annotations

from dataclasses import replace

import pytest
from llm_server import Reply

from codesift.errors import LLMUnavailableError
from retriever.chat import Conversation, SearcherRetriever, node_to_hit

FIRST = "how does the cart add up its prices?"
FOLLOW_UP = "and where is it called?"
CONDENSED = "Which function calls Cart.total_price to charge the customer?"


def test_retriever_returns_nodes_that_round_trip_to_hits(shop_searcher):
    nodes = SearcherRetriever(shop_searcher, k=3).retrieve("sum the prices in the cart")
    hits = {h.id: replace(h, signals=()) for h in shop_searcher.search("sum the prices in the cart", k=3)}
    assert {n.node.node_id: node_to_hit(n) for n in nodes} == hits  # by id: tied scores may come in either order
    assert all(n.node.metadata["citation"] == hits[n.node.node_id].citation for n in nodes)


def test_follow_up_is_condensed_with_the_history_before_retrieval(shop_searcher, llm, llm_server):
    llm_server.script(
        Reply(text="Cart.total_price sums the prices [2]."),
        Reply(text=CONDENSED),
        Reply(text="checkout calls it [1]; so does [6]."),
    )
    streamed: list[str] = []
    conversation = Conversation(shop_searcher, llm, on_text=streamed.append, k=4)

    first = conversation.ask(FIRST)
    assert first.question == FIRST and first.text == "Cart.total_price sums the prices [2]."
    assert any(s.hit.symbol == "Cart.total_price" for s in first.sources)

    second = conversation.ask(FOLLOW_UP)
    condense, answer = llm_server.requests[1], llm_server.requests[2]
    assert condense.get("stream") is not True
    condense_prompt = condense["messages"][-1]["content"]
    assert FIRST in condense_prompt and first.text in condense_prompt and FOLLOW_UP in condense_prompt

    assert second.question == CONDENSED
    retrieved = {s.hit.id for s in second.sources}
    assert retrieved == {h.id for h in shop_searcher.search(CONDENSED, k=4)}
    assert "checkout" in {s.hit.symbol for s in second.sources}
    assert "checkout" not in {h.symbol for h in shop_searcher.search(FOLLOW_UP, k=3)}  # the bare follow-up misses it
    assert f"Question: {CONDENSED}" in answer["messages"][-1]["content"] and "untrusted" in answer["messages"][0]["content"]
    assert second.citations.cited == (1,) and second.citations.invented == ("[6]",)
    assert "".join(streamed) == first.text + second.text


@pytest.mark.parametrize(
    "failure,message",
    [
        (Reply(status=401), r"rejected the API key \(401\)"),
        (Reply(malformed="html"), r"not OpenAI-compatible \(got text/html\)"),
        (Reply(malformed="json"), r"not OpenAI-compatible \(invalid JSON\)"),
    ],
)
def test_a_failed_turn_is_one_line_and_not_remembered(shop_searcher, llm, llm_server, failure, message):
    llm_server.script(Reply(text="Cart.total_price sums the prices [2]."), failure, Reply(text=CONDENSED))
    conversation = Conversation(shop_searcher, llm, k=3)
    conversation.ask(FIRST)
    with pytest.raises(LLMUnavailableError, match=message) as caught:
        conversation.ask("what does send_receipt do?")  # its condense request fails
    assert "\n" not in str(caught.value)
    assert conversation.ask(FOLLOW_UP).question == CONDENSED
    condense_prompt = llm_server.requests[2]["messages"][-1]["content"]
    assert FIRST in condense_prompt and "send_receipt" not in condense_prompt
