"""Repository → files → tree-sitter chunks → vectors → store, incrementally."""
