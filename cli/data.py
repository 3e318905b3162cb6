"""`codesift data …`: build training sets — mine pairs, synthesize them with an LLM, add hard negatives, report stats."""

from __future__ import annotations

import typer

from cli import data_mine, data_negatives, data_stats, data_synth

data_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Build training data for the embedder.")
data_app.command("mine")(data_mine.mine)
data_app.command("negatives")(data_negatives.negatives)
data_app.command("stats")(data_stats.stats)
data_app.command("synth")(data_synth.synth)
data_app.command("brainstorm")(data_synth.brainstorm)
data_app.command("tasks")(data_synth.tasks)
