"""`codesift data synth|brainstorm|tasks`: LLM-synthesized training pairs and the task catalog behind them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.table import Table

from codesift.cli import options
from codesift.cli.context import console, settings_from, stdout
from codesift.errors import CodesiftError

Catalog = typer.Option(None, "--catalog", help="User task catalog (YAML), added to the built-in one (default CODESIFT_HOME/synth-tasks.yaml).")


def _catalog_path(catalog: Path | None, home: Path | None) -> Path:
    return catalog or settings_from(home, None, None).home / "synth-tasks.yaml"


def synth(
    sources: list[str] = typer.Argument(..., help="Directories or git URLs whose functions seed the generation."),
    output: Path = typer.Option(..., "-o", "--output", help="JSONL file to append kept pairs to."),
    tasks: list[str] = typer.Option(None, "--task", help="Only these catalog task ids (repeatable; default: all)."),
    per_seed: int = typer.Option(1, "--per-seed", help="Tasks per seed function."),
    limit: int = typer.Option(100, "--limit", help="Seed functions to use (0: all)."),
    concurrency: int = typer.Option(8, "--concurrency", help="Requests in flight at once."),
    use_judge: bool = typer.Option(True, "--judge/--no-judge", help="Keep only pairs the LLM judges relevant."),
    seed: int = typer.Option(0, "--seed", help="Seed of the seed-function shuffle."),
    cache: Path = typer.Option(None, "--cache", help="Response cache directory (default CODESIFT_HOME/synth-cache)."),
    catalog: Path = Catalog,
    home: Path = options.Home,
) -> None:
    """Generate query/positive pairs from real code with an LLM, judge them, keep the relevant ones."""
    from retriever.llm import LLMSettings
    from trainer.data.synth.cache import ResponseCache
    from trainer.data.synth.catalog import load_catalog
    from trainer.data.synth.client import SynthClient
    from trainer.data.synth.generate import plan, synthesize
    from trainer.data.synth.seeds import code_seeds

    settings = LLMSettings().require()
    known = load_catalog(_catalog_path(catalog, home))
    unknown = [t for t in tasks or () if t not in known]
    if unknown:
        raise CodesiftError(f"unknown task {unknown[0]!r}: see `codesift data tasks`")
    chosen = [known[t] for t in tasks] if tasks else list(known.values())
    config = settings_from(home, None, None)
    with console.status("collecting seed functions…"):
        seeds = code_seeds(sources, clones_dir=config.clones_dir, limit=limit or None, seed=seed)
    items = plan(seeds, chosen, per_seed)
    cache_dir = cache or config.home / "synth-cache"
    from codesift.cli.progress import progress_bar

    async def run():
        client = SynthClient(LLMSettings(), ResponseCache(cache_dir), concurrency=concurrency)
        try:
            with progress_bar() as bar:
                task = bar.add_task("synth", total=len(items))

                def progress(counts) -> None:
                    bar.update(task, completed=sum(counts.values()),
                               description=f"kept {counts['kept']} · rejected {counts['rejected']} · tokens "
                                           f"{client.counts['prompt_tokens'] + client.counts['completion_tokens']:,}")

                return await synthesize(items, client, output, use_judge=use_judge, progress=progress)
        finally:
            await client.close()
            client.cache.close()

    try:
        report = asyncio.run(run())
    except KeyboardInterrupt:
        console.print(f"kept pairs are in {output}: run the same command again to resume")
        raise
    counts, usage = report.counts, report.usage
    console.print(
        f"{len(items)} items from {len(seeds)} seeds on {settings.model}: kept {counts['kept']}, "
        f"rejected by the judge {counts['rejected']}, malformed {counts['malformed']}, failed {counts['failed']}, "
        f"already done {counts['skipped']}; {usage['requests']} requests ({usage['cached']} from the cache, "
        f"{usage['retries']} retries), {usage['prompt_tokens']:,} prompt + {usage['completion_tokens']:,} completion tokens"
    )


def brainstorm(
    n: int = typer.Option(5, "-n", help="Tasks to ask for."),
    catalog: Path = Catalog,
    cache: Path = typer.Option(None, "--cache", help="Response cache directory (default CODESIFT_HOME/synth-cache)."),
    home: Path = options.Home,
) -> None:
    """Ask the LLM for new synthesis tasks; valid ones are added to the user catalog."""
    from retriever.llm import LLMSettings
    from trainer.data.synth.brainstorm import brainstorm as propose
    from trainer.data.synth.cache import ResponseCache
    from trainer.data.synth.catalog import append_tasks, load_catalog
    from trainer.data.synth.client import SynthClient

    settings = LLMSettings().require()
    path = _catalog_path(catalog, home)
    known = load_catalog(path)

    async def run():
        client = SynthClient(settings, ResponseCache(cache or settings_from(home, None, None).home / "synth-cache"))
        try:
            return await propose(client, known, n)
        finally:
            await client.close()
            client.cache.close()

    accepted, rejected = asyncio.run(run())
    if accepted:
        append_tasks(path, accepted)
    for reason in rejected:
        console.print(f"[yellow]rejected[/] {reason}", highlight=False)
    console.print(f"added {len(accepted)} task(s) to {path}: {', '.join(t.id for t in accepted) or 'none'}")


def tasks(catalog: Path = Catalog, home: Path = options.Home) -> None:
    """List the synthesis task catalog."""
    from trainer.data.synth.catalog import load_catalog

    table = Table(title="synthesis tasks", title_justify="left")
    for column in ("id", "family", "task", "generates", "instruction"):
        table.add_column(column)
    for task in load_catalog(_catalog_path(catalog, home)).values():
        table.add_row(task.id, task.family, task.task, task.generates, task.instruction)
    stdout.print(table)
