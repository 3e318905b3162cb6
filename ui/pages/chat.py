"""Chat page: questions and follow-ups answered from the index, streamed, with clickable `[n]` citations and sources.

Memory is the retriever's condense-question conversation, one per browser session (and per repository
filter). Without an LLM the page says how to configure one and still shows the sources a question finds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from codesift.llm import LLMSettings
from codesift.store import SearchFilter
from retriever import rag
from retriever.rag import Source
from ui.citations import link_citations, source_anchor
from ui.render import ANY, errors_as_messages, hit_url, one_line, show_code
from ui.resources import current_index

SETUP = """\
**No LLM is configured**, so this page shows the sources a question finds but writes no answer (search works as usual).
To get answers, point codesift at any OpenAI-compatible endpoint and restart `codesift ui`:

1. start one, e.g. [Ollama](https://ollama.com): `ollama pull qwen2.5-coder:7b` (vLLM, llama.cpp's server and OpenAI work too)
2. `export CODESIFT_LLM_BASE_URL=http://localhost:11434/v1 CODESIFT_LLM_MODEL=qwen2.5-coder:7b`
3. set `OPENAI_API_KEY` if the endpoint needs a key
"""


@dataclass
class Turn:
    question: str
    answer: str | None = None  # None: no LLM, sources only
    searched_for: str = ""
    sources: list[Source] = field(default_factory=list)
    warning: str | None = None  # the answer cites nothing, or invents citations
    error: str | None = None


class StreamSink:
    """Receives answer text as it streams and redraws it in the current placeholder."""

    def __init__(self):
        self.placeholder = None
        self.text = ""

    def start(self, placeholder) -> None:
        """From the first second: the placeholder says the question is being answered, until the first words."""
        self.placeholder, self.text = placeholder, ""
        placeholder.caption("searching and waiting for the model's first words…")

    def write(self, piece: str) -> None:
        self.text += piece
        if self.placeholder is not None:
            self.placeholder.markdown(self.text + " ▌")


def conversation(search_filter: SearchFilter, llm: LLMSettings):
    """The session's conversation for this filter and endpoint (a new one, with empty memory, when they change)."""
    from retriever.chat import Conversation  # llama-index: imported only when an LLM is configured

    key = (search_filter, llm)
    kept = st.session_state.get("conversation")
    if kept is None or kept[0] != key:
        sink = StreamSink()
        kept = (key, Conversation(current_index().searcher(), llm, on_text=sink.write, search_filter=search_filter), sink)
        st.session_state.conversation = kept
    return kept[1], kept[2]


def answer(question: str, search_filter: SearchFilter, llm: LLMSettings, placeholder) -> Turn:
    for line in current_index().freshness.before_search(search_filter.repo):  # edits since the last question are read as they are now
        st.caption(line)
    if not llm.configured:
        sources = rag.retrieve_sources(question, current_index().searcher(), search_filter=search_filter)
        return Turn(question, sources=sources)
    chat, sink = conversation(search_filter, llm)
    sink.start(placeholder)
    result = chat.ask(question)
    return Turn(
        question, result.text, result.question if result.question != question else "", result.sources, result.citations.warning
    )


def show_turn(number: int, turn: Turn, repos: dict[str, dict]) -> None:
    with st.chat_message("user"):
        st.markdown(turn.question)
    with st.chat_message("assistant"):
        if turn.error:
            st.error(turn.error)
            return
        if turn.searched_for:
            st.caption(f"searched for: {turn.searched_for}")
        if turn.answer is not None:
            st.markdown(link_citations(turn.answer, turn.sources, lambda s: _target(number, s, repos)))
        if turn.warning:
            st.warning(turn.warning[0].upper() + turn.warning[1:], icon=":material/warning:")
        show_sources(number, turn.sources, repos)


def _target(turn: int, source: Source, repos: dict[str, dict]) -> str:
    return hit_url(source.hit, repos) or f"#{source_anchor(turn, source.number)}"


def show_sources(turn: int, sources: list[Source], repos: dict[str, dict]) -> None:
    if not sources:
        st.caption("No sources: nothing in the index matched.")
        return
    with st.expander(f"Sources ({len(sources)})", expanded=True):
        for source in sources:
            st.html(f'<span id="{source_anchor(turn, source.number)}"></span>')
            url = hit_url(source.hit, repos)
            label = f"**[{source.number}]** `{source.label}` · `{source.hit.symbol or source.hit.kind}`"
            st.markdown(label + (f" · [open file]({url})" if url else ""))
            show_code(source.hit)


def main() -> None:
    st.title("Chat")
    llm = LLMSettings()
    with errors_as_messages():
        index = current_index()
        repos = index.repos()
        if not llm.configured:
            st.info(SETUP, icon=":material/info:")
        if not repos:
            st.info("Nothing is indexed yet: add a repository on the Index page first.")
            return
        with st.sidebar:
            repo = st.selectbox("Repository", [ANY, *repos], key="chat_repo")
            if st.button("Clear chat", key="clear_chat", icon=":material/delete:"):
                st.session_state.pop("turns", None)
                st.session_state.pop("conversation", None)
        search_filter = SearchFilter(repo=None if repo == ANY else repo)
        turns: list[Turn] = st.session_state.setdefault("turns", [])
        for number, turn in enumerate(turns, 1):
            show_turn(number, turn, repos)
        question = st.chat_input("Ask about the indexed code")
        if not question:
            return
        with st.chat_message("user"):
            st.markdown(question)
        with st.chat_message("assistant"):
            placeholder = st.empty()
            try:
                with st.spinner("searching and answering…"):
                    turn = answer(question, search_filter, llm, placeholder)
            except Exception as exc:  # noqa: BLE001 - shown as the turn's one-line error, never a traceback
                turn = Turn(question, error=one_line(exc))
        turns.append(turn)
        st.rerun()

main()
