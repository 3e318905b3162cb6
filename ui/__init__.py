"""Streamlit app over the retriever and indexer."""
