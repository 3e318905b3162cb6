"""`codesift ask "…"` and `codesift chat`: answers from the index with numbered `[n] path:Lx-Ly` sources.

`ask` shows a spinner from the first second until the model's first words, streams the answer to stdout,
then the sources it was given, then a warning when the answer cites no source sent or names citations
that match none (each one named). Without an LLM configured it prints the top sources and how to
configure one. `chat` reads questions from stdin until EOF or "exit"; follow-ups keep the conversation's
memory.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.markup import escape

from cli import options
from cli.context import console, load_checked_embedder, settings_from, stdout, store_for
from codesift.errors import CodesiftError, LLMUnavailableError
from codesift.llm import CONFIGURE_HINT, LLMSettings
from codesift.store import SearchFilter
from retriever import rag
from retriever.search import MODES, Searcher

Repo = typer.Option(None, "--repo", help="Only this repository.")
Lang = typer.Option(None, "--lang", help="Only this language (python, go, markdown, …).")
K = typer.Option(rag.DEFAULT_K, "-k", help="Number of hits to retrieve.")
Mode = typer.Option("hybrid", "--mode", help="hybrid (dense + BM25, fused), dense or bm25.")
Budget = typer.Option(rag.DEFAULT_BUDGET, "--budget", help="Tokens of retrieved code sent to the LLM (whole chunks only).")

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def ask(
    question: str = typer.Argument(..., help="A question about the indexed code."),
    repo: str = Repo,
    lang: str = Lang,
    k: int = K,
    mode: str = Mode,
    budget: int = Budget,
    model: str = options.Model,
    precision: str = options.Precision,
    home: Path = options.Home,
    qdrant_url: str = options.QdrantUrl,
    collection: str = options.Collection,
) -> None:
    """Answer a question from the indexed code, citing its sources."""
    llm = LLMSettings()
    with _searcher(mode, model, precision, home, qdrant_url, collection) as searcher:
        search_filter = SearchFilter(repo=repo, language=lang)
        if not llm.configured:
            sources = rag.retrieve_sources(question, searcher, search_filter=search_filter, k=k, mode=mode, budget_tokens=budget)
            _print_sources(sources)
            console.print(f"[yellow]no LLM configured[/] ({escape(CONFIGURE_HINT)})", highlight=False, soft_wrap=True)
            return
        answer = rag.ask(question, searcher, llm, search_filter=search_filter, k=k, mode=mode, budget_tokens=budget)
    terminal = Terminal()
    with terminal.waiting(f"asking {llm.model} with {len(answer.sources)} sources…"):
        for piece in answer:
            terminal.write(piece)
    _report(answer)


def chat(
    repo: str = Repo,
    lang: str = Lang,
    k: int = K,
    mode: str = Mode,
    budget: int = Budget,
    model: str = options.Model,
    precision: str = options.Precision,
    home: Path = options.Home,
    qdrant_url: str = options.QdrantUrl,
    collection: str = options.Collection,
) -> None:
    """Ask questions and follow-ups (read from stdin until EOF or "exit"); the conversation is remembered."""
    from retriever.chat import Conversation  # llama-index: imported only for this verb

    llm = LLMSettings().require()
    with _searcher(mode, model, precision, home, qdrant_url, collection) as searcher:
        terminal = Terminal()
        conversation = Conversation(
            searcher, llm, on_text=terminal.write, search_filter=SearchFilter(repo=repo, language=lang), k=k, mode=mode, budget_tokens=budget
        )
        while (question := _read_question()) is not None:
            try:
                with terminal.waiting(f"searching and asking {llm.model}…"):
                    answer = conversation.ask(question)
            except LLMUnavailableError as exc:
                console.print(f"[red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
                continue
            if answer.question != question:
                console.print(f"[dim]searched for: {escape(answer.question)}[/]", highlight=False, soft_wrap=True)
            _report(answer)


@contextmanager
def _searcher(
    mode: str, model: str | None, precision: str | None, home: Path | None, qdrant_url: str | None, collection: str | None
) -> Iterator:
    """The index, open for the duration of a verb, behind a `Searcher` with its matching embedder."""
    if mode not in MODES:
        raise CodesiftError(f"unknown mode {mode!r}: use one of {', '.join(MODES)}")
    settings = settings_from(home, qdrant_url, collection, precision=precision)
    with store_for(settings) as store:
        if not store.exists():
            raise CodesiftError(f"no index {settings.collection!r} yet: run `codesift index PATH` first")
        yield Searcher(load_checked_embedder(store, model, settings), store)


def _read_question() -> str | None:
    while True:
        try:
            line = input("> " if sys.stdin.isatty() else "").strip()
        except EOFError:
            return None
        if line.lower() in {"exit", "quit"}:
            return None
        if line:
            return line


class Terminal:
    """Answer text to stdout; until its first piece arrives, a spinner on stderr shows the question is being answered."""

    def __init__(self):
        self.status = None

    @contextmanager
    def waiting(self, message: str) -> Iterator[None]:
        self.status = console.status(escape(message))
        self.status.start()
        try:
            yield
        finally:
            self.stop()

    def stop(self) -> None:
        if self.status is not None:
            self.status.stop()
            self.status = None

    def write(self, text: str) -> None:
        self.stop()
        _write(text)


def _write(text: str) -> None:
    """Model output goes to the terminal without control characters (no escape sequences from retrieved code)."""
    sys.stdout.write(CONTROL_CHARS.sub("", text))
    sys.stdout.flush()


def _report(answer) -> None:
    """After an answer: a blank line, its numbered sources, and a warning when it cites nothing or invents citations."""
    _write("\n\n")
    _print_sources(answer.sources)
    warning = answer.citations.warning
    if warning:
        console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)


def _print_sources(sources) -> None:
    if not sources:
        stdout.print("no sources: nothing in the index matched", highlight=False)
    for source in sources:
        symbol = source.hit.symbol or source.hit.kind
        stdout.print(f"[bold]\\[{source.number}][/] {escape(source.label)}  [dim]{escape(symbol)}[/]", highlight=False, soft_wrap=True)
