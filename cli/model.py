"""`codesift model build static`: build a model that is made on this machine rather than downloaded.

The `static` preset is such a model (trainer/static_preset.py). Every verb that loads it builds it first if it
is missing (`build_missing`), so `codesift index PATH --model static` works on a fresh machine.
"""

from __future__ import annotations

from pathlib import Path

import typer

from cli import options
from cli.context import console, settings_from, stdout
from cli.progress import progress_bar
from codesift.embedding.presets import PRESETS, built_model_dir, is_built
from codesift.errors import CodesiftError

model_app = typer.Typer(add_completion=False, no_args_is_help=True, help="Models built on this machine.")
BUILT = sorted(p.source.removeprefix("built:") for p in PRESETS.values() if p.source.startswith("built:"))


@model_app.command("build")
def build(
    name: str = typer.Argument(..., help=f"The model to build: {', '.join(BUILT)}."),
    rebuild: bool = typer.Option(False, "--rebuild", help="Build again even if it is built."),
    exclude: list[Path] = typer.Option(
        None, "--exclude", help="Evaluation sets (BEIR folders, or a folder of them) no training pair may overlap (repeatable)."
    ),
    home: Path = options.Home,
) -> None:
    """Mine the installed Python, distil MiniLM into a token bag and train it (minutes, offline; resumes if interrupted)."""
    if name not in BUILT:
        raise CodesiftError(f"unknown model {name!r}: the models built here are {', '.join(BUILT)}")
    settings = settings_from(home, None, None)
    if is_built(settings.home, name) and not rebuild:
        console.print(f"{name} is already built (--rebuild builds it again)")
    else:
        build_static_model(settings.home, exclude or ())
    stdout.print(str(built_model_dir(settings.home, name)), highlight=False, soft_wrap=True)


def build_static_model(home: Path, exclude=()) -> Path:
    """Build the static preset into `home` with progress bars."""
    from trainer.static_preset import build_static

    console.print("building the static model (mine the installed Python, distil MiniLM, train): a few minutes, once")
    try:
        with progress_bar() as bar:
            tasks: dict[str, int] = {}

            def on_file(source: str, done: int, total: int) -> None:
                if source not in tasks:
                    tasks[source] = bar.add_task(Path(source).name, total=total)
                bar.update(tasks[source], completed=done)

            path = build_static(home, exclude=exclude, echo=console.print, on_file=on_file)
    except KeyboardInterrupt:
        console.print("the build's work so far is kept: run it again to resume")
        raise
    console.print(f"[green]built[/] {path}", highlight=False)
    return path
