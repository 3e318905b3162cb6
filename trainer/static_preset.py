"""Builds the `static` preset on this machine: mine the installed Python, distil MiniLM, train, install.

No weights or data are downloaded. The training pairs are mined from the standard library and the
site-packages of the running interpreter (docstring → function, documentation heading → section), the
leakage guard drops any that overlap the evaluation sets given in `exclude`, and `trainer/configs/static.yaml`
distils the bundled MiniLM into a token bag and trains it (trainer.static). Work happens in
`<home>/models/static.build/` and resumes there when interrupted; the finished model is moved to
`<home>/models/static/`, where the preset loads it from. For a given machine and seed the result is the same.
"""

from __future__ import annotations

import shutil
import sysconfig
from collections.abc import Callable, Sequence
from pathlib import Path

from codesift.embedding.presets import built_model_dir
from trainer.config import load_config
from trainer.data.leakage import LeakageGuard
from trainer.data.mining import mine
from trainer.data.rows import read_rows, write_rows
from trainer.train import train

STATIC_CONFIG = Path(__file__).parent / "configs" / "static.yaml"
STATIC_TASKS = ("nl2code", "techqa")
SKIP = ("site-packages/",)  # the standard library's folder holds site-packages: mined as its own source


def python_sources() -> list[str]:
    """The running interpreter's standard library and site-packages."""
    paths = sysconfig.get_paths()
    return list(dict.fromkeys(str(Path(paths[key])) for key in ("stdlib", "purelib", "platlib")))


def build_static(
    home: Path,
    *,
    sources: Sequence[str] | None = None,
    exclude: Sequence[Path] = (),
    config: Path | None = None,
    max_steps: int | None = None,
    echo: Callable[[str], None] = print,
    on_file: Callable[[str, int, int], None] | None = None,
) -> Path:
    """Build the static model into `home` (resuming an interrupted build) and return its directory.

    `sources` default to the interpreter's own (`python_sources`), `config` to `STATIC_CONFIG`.
    """
    target = built_model_dir(home, "static")
    work = target.with_name("static.build")
    work.mkdir(parents=True, exist_ok=True)
    pairs = work / "mined.jsonl"
    if not pairs.is_file():
        report = mine(
            list(sources or python_sources()),
            clones_dir=home / "repos",
            tasks=STATIC_TASKS,
            commits=False,
            guard=LeakageGuard.from_dirs(list(exclude)) if exclude else None,
            skip=SKIP,
            on_file=on_file,
        )
        write_rows(pairs, report.rows)  # atomic: a half-written file never counts as mined
        echo(f"mined {len(report.rows):,} pairs from {report.files:,} files in {report.seconds:.0f} s")
    else:
        echo(f"reusing {len(read_rows(pairs)):,} mined pairs in {pairs}")
    settings = load_config(config or STATIC_CONFIG, data_overrides={"mined": str(pairs)}, output_dir=work / "run", max_steps=max_steps)
    final = train(settings, echo=echo)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(final, target)
    shutil.rmtree(work)
    return target
