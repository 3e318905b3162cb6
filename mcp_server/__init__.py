"""codesift as an MCP server (`codesift mcp`): the retrieval layer for coding agents.

server.py   the MCPServer and its tools (search_code, find_similar, get_file_range, list_repos, index_repo, ask)
results.py  what the tools return: the JSON shapes behind their output schemas
index.py    the served index: store and matching embedder, opened on first use and kept for the server's life
files.py    line ranges of indexed files, never outside their repository
bounds.py   byte limits on results, every cut stated
progress.py indexing progress as MCP progress notifications
"""
