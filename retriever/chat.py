"""Follow-up questions with memory, through llama-index's condense-question chat engine over our search.

Each turn, `CondenseQuestionChatEngine` (with an `OpenAILike` model) rewrites the message and the
conversation so far into a standalone question ("and where is it called?" → "Where is
Cart.total_price called?"), retrieves with `SearcherRetriever` and answers through
`FencedAnswerEngine`, which builds the same fenced, numbered, budgeted prompt as `retriever.rag`
and returns a checked `Answer`. The engine writes a turn to memory only once it has succeeded.
"""

from __future__ import annotations

from collections.abc import Callable

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.base.response.schema import Response
from llama_index.core.chat_engine import CondenseQuestionChatEngine
from llama_index.core.llms import LLM
from llama_index.core.query_engine import CustomQueryEngine
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from llama_index.llms.openai_like import OpenAILike

from codesift.llm import TEMPERATURE, LLMSettings, client_for, llm_errors
from codesift.store import SearchFilter
from retriever.rag import DEFAULT_BUDGET, DEFAULT_K, Answer, CountTokens, build_messages, build_sources
from retriever.search import Searcher, SearchHit

HIT_FIELDS = ("repo", "path", "start_line", "end_line", "symbol", "language", "kind")
CONTEXT_WINDOW = 8192  # tokens of conversation the condense step may see


class SearcherRetriever(BaseRetriever):
    """llama-index retriever over `Searcher`: one node per hit, its code as text, its location as metadata."""

    def __init__(self, searcher: Searcher, *, search_filter: SearchFilter | None = None, k: int = DEFAULT_K, mode: str = "hybrid"):
        super().__init__()
        self.searcher = searcher
        self.search_filter = search_filter
        self.k = k
        self.mode = mode

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = self.searcher.search(query_bundle.query_str, mode=self.mode, search_filter=self.search_filter, k=self.k)
        return [NodeWithScore(node=hit_to_node(hit), score=hit.score) for hit in hits]


def hit_to_node(hit: SearchHit) -> TextNode:
    metadata = {name: getattr(hit, name) for name in HIT_FIELDS} | {"citation": hit.citation}
    return TextNode(id_=hit.id, text=hit.code, metadata=metadata)


def node_to_hit(node: NodeWithScore) -> SearchHit:
    fields = {name: node.node.metadata[name] for name in HIT_FIELDS}
    return SearchHit(**fields, score=node.score or 0.0, code=node.node.get_content(), id=node.node.node_id)


class FencedAnswerEngine(CustomQueryEngine):
    """Answers a standalone question from retrieved nodes with `retriever.rag`'s prompt; streams to `on_text`."""

    retriever: BaseRetriever
    llm: LLM
    count_tokens: CountTokens
    budget_tokens: int = DEFAULT_BUDGET
    on_text: Callable[[str], None] = lambda _text: None

    def custom_query(self, query_str: str) -> Response:
        nodes = self.retriever.retrieve(query_str)
        sources = build_sources([node_to_hit(n) for n in nodes], self.budget_tokens, self.count_tokens)
        messages = [ChatMessage(role=m["role"], content=m["content"]) for m in build_messages(query_str, sources)]
        answer = Answer(query_str, sources, (r.delta or "" for r in self.llm.stream_chat(messages)))
        for piece in answer:
            self.on_text(piece)
        sent = {s.hit.id for s in sources}
        return Response(answer.text, source_nodes=[n for n in nodes if n.node.node_id in sent], metadata={"answer": answer})


class Conversation:
    """Questions and follow-ups over one index; `ask` returns the turn's `Answer` (its question is the condensed one)."""

    def __init__(
        self,
        searcher: Searcher,
        llm: LLMSettings,
        *,
        on_text: Callable[[str], None] = lambda _text: None,
        search_filter: SearchFilter | None = None,
        k: int = DEFAULT_K,
        mode: str = "hybrid",
        budget_tokens: int = DEFAULT_BUDGET,
    ):
        self.llm = llm.require()
        model = OpenAILike(
            model=llm.model,
            api_base=llm.base_url,
            api_key=llm.api_key,
            is_chat_model=True,
            context_window=CONTEXT_WINDOW,
            temperature=TEMPERATURE,
            max_tokens=llm.max_tokens or None,
            timeout=llm.timeout,
            max_retries=0,  # retries happen once, in the openai client below, not again in llama-index
            openai_client=client_for(llm),
        )
        engine = FencedAnswerEngine(
            retriever=SearcherRetriever(searcher, search_filter=search_filter, k=k, mode=mode),
            llm=model,
            count_tokens=searcher.embedder.count_tokens,
            budget_tokens=budget_tokens,
            on_text=on_text,
        )
        self.engine = CondenseQuestionChatEngine.from_defaults(query_engine=engine, llm=model)

    def ask(self, message: str) -> Answer:
        with llm_errors(self.llm):
            response = self.engine.chat(message)
        return response.sources[0].raw_output.metadata["answer"]
