"""LLM synthesis of training pairs, CodeR's way: a task catalog, generation from real code, LLM quality control."""
