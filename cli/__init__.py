"""The `codesift` command line: one module per verb behind a small typer app."""
