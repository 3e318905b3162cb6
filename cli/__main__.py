"""`python -m cli …`: the same as the `codesift` console script."""

from cli.main import app

app()
