"""Query → dense + BM25 → fusion → hits; RAG answers (see the retriever issue)."""
