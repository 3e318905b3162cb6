"""Training data, curriculum and contrastive training of code embedders."""
