"""Training data for the embedder: mined and synthesized pairs, hard negatives, difficulty, leakage guard.

Every step reads and writes `trainer.data.rows.TrainingRow` JSONL files.
"""
