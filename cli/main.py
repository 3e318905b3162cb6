"""Entry point of the `codesift` console script: registers the verbs and turns failures into one line."""

from __future__ import annotations

import sys

import click
import typer

from cli import ask as ask_cmd
from cli import evaluate as evaluate_cmd
from cli import index as index_cmd
from cli import mcp as mcp_cmd
from cli import migrate as migrate_cmd
from cli import repos as repos_cmd
from cli import search as search_cmd
from cli import train as train_cmd
from cli import ui as ui_cmd
from cli import watch as watch_cmd
from cli.context import console
from cli.data import data_app
from cli.model import model_app
from codesift.errors import CodesiftError

cli = typer.Typer(add_completion=False, no_args_is_help=True, help="Code search and RAG over your repositories.")
cli.command("index")(index_cmd.index)
cli.command("watch")(watch_cmd.watch)
cli.command("repos")(repos_cmd.repos)
cli.command("remove")(repos_cmd.remove)
cli.command("search")(search_cmd.search)
cli.command("ask")(ask_cmd.ask)
cli.command("chat")(ask_cmd.chat)
cli.add_typer(data_app, name="data")
cli.add_typer(model_app, name="model")
cli.command("train")(train_cmd.train)
cli.command("eval")(evaluate_cmd.evaluate)
cli.command("ui")(ui_cmd.ui)
cli.command("mcp")(mcp_cmd.mcp)
cli.command("migrate")(migrate_cmd.migrate)


def app() -> None:
    try:
        cli(standalone_mode=False)
    except CodesiftError as exc:
        console.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        console.print("[yellow]interrupted[/]")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        sys.exit(1)
