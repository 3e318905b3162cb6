"""`codesift data synth|brainstorm|tasks`: LLM-synthesized training pairs and the task catalog behind them."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich import box
from rich.table import Table

from cli import options
from cli.context import console, settings_from, stdout
from codesift.errors import CodesiftError

if TYPE_CHECKING:
    from trainer.data.synth.client import SynthClient

Catalog = typer.Option(
    None, "--catalog", help="User task catalog (YAML), added to the built-in one (default CODESIFT_HOME/synth-tasks.yaml)."
)
Cache = typer.Option(None, "--cache", help="Response cache directory (default CODESIFT_HOME/synth-cache).")


def _catalog_path(catalog: Path | None, home: Path | None) -> Path:
    return catalog or settings_from(home, None, None).home / "synth-tasks.yaml"


def stop_on_ctrl_c(client: SynthClient) -> None:
    """Ctrl-C stops the run for certain: the client sends nothing more and the main task is cancelled.

    Our own loop handler rather than asyncio's: it works whatever SIGINT handler the process had, and a
    cancellation swallowed somewhere below still ends the run at the client's next request.
    """
    loop, main = asyncio.get_running_loop(), asyncio.current_task()

    def interrupt() -> None:
        client.interrupted = True
        main.cancel()

    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no signals
        loop.add_signal_handler(signal.SIGINT, interrupt)


def _cache_dir(cache: Path | None, home: Path | None) -> Path:
    return cache or settings_from(home, None, None).home / "synth-cache"


def _chosen_tasks(known: dict, wanted: list[str] | None) -> list:
    ids = [part.strip() for value in wanted or () for part in value.split(",") if part.strip()]
    unknown = [task_id for task_id in ids if task_id not in known]
    if unknown:
        raise CodesiftError(f"unknown task {unknown[0]!r}: see `codesift data tasks`")
    return [known[task_id] for task_id in dict.fromkeys(ids)] if ids else list(known.values())


def synth(
    sources: list[str] = typer.Argument(..., help="Directories, git URLs or mined .jsonl files whose code seeds the generation."),
    output: Path = typer.Option(..., "-o", "--output", help="JSONL file to append kept pairs to (a rerun resumes it)."),
    tasks: list[str] = typer.Option(None, "--task", "--tasks", help="Only these catalog task ids (repeatable or comma-separated; default: all)."),
    per_seed: int = typer.Option(1, "--per-seed", min=1, help="Tasks per seed function."),
    limit: int = typer.Option(100, "--limit", min=0, help="Seed functions to use (0: all)."),
    concurrency: int = typer.Option(8, "--concurrency", min=1, help="Requests in flight at once."),
    retries: int = typer.Option(4, "--retries", min=0, help="Retries of a request that failed (timeouts, 429, 5xx)."),
    use_judge: bool = typer.Option(True, "--judge/--no-judge", help="Keep only pairs the LLM judges relevant."),
    seed: int = typer.Option(0, "--seed", help="Seed of the seed-function shuffle."),
    exclude: list[Path] = typer.Option(
        None, "--exclude", help="Evaluation sets (BEIR folders, or a folder of them) no seed or pair may overlap (repeatable)."
    ),
    cache: Path = Cache,
    catalog: Path = Catalog,
    home: Path = options.Home,
) -> None:
    """Generate query/positive pairs from real code with an LLM, judge them, keep the relevant ones."""
    from cli.progress import progress_bar
    from codesift.llm import LLMSettings
    from trainer.data.leakage import LeakageGuard
    from trainer.data.synth.cache import ResponseCache
    from trainer.data.synth.catalog import load_catalog
    from trainer.data.synth.client import SynthClient
    from trainer.data.synth.generate import plan, synthesize
    from trainer.data.synth.seeds import collect_seeds

    settings = LLMSettings().require()
    chosen = _chosen_tasks(load_catalog(_catalog_path(catalog, home)), tasks)
    guard = LeakageGuard.from_dirs(exclude) if exclude else None
    with console.status("collecting seed functions…"):
        seeds = collect_seeds(sources, clones_dir=settings_from(home, None, None).clones_dir, limit=limit or None, seed=seed)
    found = len(seeds)
    if guard:
        seeds = [s for s in seeds if not guard.matches(s.code)]
    items = plan(seeds, chosen, per_seed)
    if not items:
        raise CodesiftError(
            f"nothing to generate: {len(seeds)} seed functions of 3+ lines found, none in a language the chosen tasks accept"
        )

    async def run():
        client = SynthClient(settings, ResponseCache(_cache_dir(cache, home)), concurrency=concurrency, retries=retries)
        stop_on_ctrl_c(client)
        try:
            with progress_bar() as bar:
                bar_task = bar.add_task("synth", total=len(items))

                def progress(counts) -> None:
                    tokens = client.counts["prompt_tokens"] + client.counts["completion_tokens"]
                    bar.update(
                        bar_task,
                        completed=sum(counts.values()),
                        description=f"kept {counts['kept']} · rejected {counts['rejected']} · malformed "
                        f"{counts['malformed']} · failed {counts['failed']} · {tokens:,} tokens",
                    )

                report = await synthesize(
                    items, client, output, concurrency=concurrency, use_judge=use_judge, guard=guard, progress=progress
                )
        except asyncio.CancelledError:
            if client.interrupted:
                raise KeyboardInterrupt from None
            raise
        finally:
            await client.close()
            client.cache.close()
        if client.interrupted:  # a cancellation lost inside the HTTP stack must not pass for a finished run
            raise KeyboardInterrupt
        return report

    try:
        report = asyncio.run(run())
    except KeyboardInterrupt:
        console.print(f"kept pairs so far are in {output}: run the same command again to resume")
        raise
    counts, usage = report.counts, report.usage
    leaked = f", dropped as evaluation-set leakage {counts['leaked']} (and {found - len(seeds)} seeds)" if guard else ""
    console.print(
        f"{len(items)} items from {len(seeds)} seeds on {settings.model}: generated "
        f"{counts['kept'] + counts['rejected'] + counts['leaked']} (kept {counts['kept']}, rejected by the judge "
        f"{counts['rejected']}{leaked}), malformed {counts['malformed']}, failed {counts['failed']}, already done "
        f"{counts['skipped']}; {usage['requests']} requests ({usage['cached']} answered from the cache, "
        f"{usage['retries']} retries), {usage['prompt_tokens']:,} prompt + {usage['completion_tokens']:,} completion tokens",
        highlight=False,
    )
    if counts["failed"]:
        console.print(f"{counts['failed']} failed item(s): run the same command again to retry them", highlight=False)


def brainstorm(
    n: int = typer.Option(5, "-n", min=1, help="Tasks to ask for."),
    model: str = typer.Option(None, "--model", help="A stronger model for this step (default CODESIFT_LLM_MODEL)."),
    catalog: Path = Catalog,
    cache: Path = Cache,
    home: Path = options.Home,
) -> None:
    """Ask the LLM for new synthesis tasks; valid ones are added to the user catalog."""
    from codesift.llm import LLMSettings
    from trainer.data.leakage import LeakageGuard
    from trainer.data.synth.brainstorm import brainstorm as propose
    from trainer.data.synth.cache import ResponseCache
    from trainer.data.synth.catalog import append_tasks, load_catalog
    from trainer.data.synth.client import SynthClient

    settings = LLMSettings()
    settings = replace(settings, model=model or settings.model).require()
    path = _catalog_path(catalog, home)
    known = load_catalog(path)

    async def run():
        client = SynthClient(settings, ResponseCache(_cache_dir(cache, home)))
        try:
            with console.status(f"asking {settings.model} for {n} new tasks…"):
                return await propose(client, known, n)
        finally:
            await client.close()
            client.cache.close()

    accepted, rejected = asyncio.run(run())
    if accepted:
        append_tasks(path, accepted)
    for reason in rejected:
        console.print(f"[yellow]rejected[/] {reason}", highlight=False, soft_wrap=True)
    console.print(f"added {len(accepted)} task(s) to {path}: {', '.join(t.id for t in accepted) or 'none'}", highlight=False)


def tasks(catalog: Path = Catalog, home: Path = options.Home) -> None:
    """List the synthesis task catalog (a task for some seed languages only names them in brackets)."""
    from trainer.data.synth.catalog import load_catalog

    table = Table(title="synthesis tasks", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("id", "family", "task"):
        table.add_column(column, no_wrap=True)
    table.add_column("instruction", overflow="fold")
    for task in load_catalog(_catalog_path(catalog, home)).values():
        languages = f" [{', '.join(task.languages)}]" if task.languages else ""
        table.add_row(task.id, task.family, task.task, task.instruction + languages)
    stdout.print(table, highlight=False)
