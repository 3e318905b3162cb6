"""`python -m codesift …`: the same as the `codesift` console script."""

from codesift.cli.main import app

app()
