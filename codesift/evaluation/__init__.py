"""Retrieval evaluation: BEIR-format sets and ranking metrics (nDCG@k, MRR@k, Recall@k)."""

from codesift.evaluation.beir import BeirSet, load_beir
from codesift.evaluation.metrics import evaluate_rankings

__all__ = ["BeirSet", "evaluate_rankings", "load_beir"]
