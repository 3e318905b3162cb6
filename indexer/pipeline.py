"""Index one repository incrementally: walk → plan → chunk → fit to window → embed → upsert → delete stale.

Only new or changed files are read, chunked and embedded; chunks of removed
or changed files are deleted after their replacements are written. Point ids
are derived from (repo, path, file hash, ordinal), so a re-run after an
interruption rewrites nothing twice and resumes where it stopped. A run given
`paths` (the files a refresh saw change) walks and compares only those.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from codesift.chunks import Chunk, text_hash
from codesift.embedding import Embedder
from codesift.errors import CodesiftError
from codesift.store import SearchFilter, Store, StorePoint, check_compatible, new_meta
from codesift.store.filters import ancestor_dirs
from codesift.store.sparse import bm25_document
from indexer.chunker import chunk_file
from indexer.progress import IndexProgress
from indexer.sources import RepoSource
from indexer.state import StoredFile, load_repo_state
from indexer.walker import SourceFile, read_source, walk_repo
from indexer.windows import fit_to_window

POINT_NAMESPACE = uuid.UUID("5b0c8e4e-3f0a-4c1e-9a57-c0de51f7ea11")
WRITE_GROUP = 512  # chunks embedded and written together; a kill loses at most one group


@dataclass
class IndexReport:
    repo: str
    files_seen: int = 0
    files_indexed: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    chunks_written: int = 0
    chunks_deleted: int = 0
    chunks_total: int = 0
    chunks_split: int = 0  # chunks longer than the model window, embedded as several windows
    skipped: Counter = field(default_factory=Counter)
    skipped_files: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class _FileWork:
    file: SourceFile
    file_hash: str
    text: str
    chunks: list[Chunk] = field(default_factory=list)


def point_id(repo: str, path: str, file_hash: str, ordinal: int) -> str:
    return str(uuid.uuid5(POINT_NAMESPACE, f"{repo}\0{path}\0{file_hash}\0{ordinal}"))


def _payload(chunk: Chunk, work: _FileWork) -> dict:
    payload = chunk.to_payload()
    payload.update(
        file_hash=work.file_hash,
        file_size=work.file.size,
        file_mtime_ns=work.file.mtime_ns,
        file_chunks=len(work.chunks),
        dirs=ancestor_dirs(chunk.path),
    )
    return payload


def ensure_collection(store: Store, embedder: Embedder) -> dict:
    """Create the collection for this embedder, or check that the existing one was built with it.

    An index whose repositories were all removed holds nothing built the old way: it takes this run's
    settings (chunker version, model description) when its vectors have the same dimension.
    """
    fresh = new_meta(embedder.describe())
    meta = store.ensure(embedder.dim, fresh)
    emptied = not meta.get("repos") and store.count() == 0
    if emptied and meta != fresh and meta.get("embedder", {}).get("dim") == embedder.dim:
        store.set_meta(fresh)
        meta = fresh
    check_compatible(meta, embedder.describe(), store.collection)
    return meta


def vector_precision(previous: dict | None, precision: str, report: IndexReport) -> str:
    """The precision(s) a repository's vectors were made in after this run, e.g. `bf16` or `bf16+fp32`.

    This run's precision where it wrote chunks, plus the last record's where chunks of unchanged files are
    kept (a record from before precisions were recorded is fp32).
    """
    made = {precision} if report.chunks_written or not previous else set()
    if previous and report.files_unchanged:
        made.update(str(previous.get("precision", "fp32")).split("+"))
    return "+".join(sorted(made or {precision}))


def remove_repo(store: Store, name: str) -> None:
    """Delete a repository's chunks and its record; an unknown name is refused with the names that exist."""
    store.repo(name)
    store.delete_repo(name)
    store.forget_repo(name)
    store.flush()


def is_clone(info: dict, clones_dir) -> bool:
    """True for a recorded repository that codesift cloned from a git URL (it changes only when fetched again)."""
    return bool(info.get("url")) and Path(info["root"]).resolve().is_relative_to(Path(clones_dir).resolve())


def reindex_source(info: dict, clones_dir) -> str:
    """What to index again for a recorded repository: its URL when codesift cloned it (to fetch), else its directory."""
    return info["url"] if is_clone(info, clones_dir) else info["root"]


def _check_repo_name(meta: dict, name: str, source: RepoSource) -> None:
    known = meta.get("repos", {}).get(name)
    same_remote = source.url is not None and known is not None and known.get("url") == source.url
    if known and not same_remote and known.get("root") != str(source.root):
        raise CodesiftError(
            f"a different repository is already indexed as {name!r} ({known.get('url') or known.get('root')}): "
            "pass --name to index this one under another name"
        )


def _plan(files: list[SourceFile], state: dict[str, StoredFile], report: IndexReport) -> tuple[list[_FileWork], list[str]]:
    """Files to (re)index, and ids of points that no longer match any current file."""
    todo: list[_FileWork] = []
    stale: list[str] = []
    unreadable = 0
    for file in files:
        stored = state.get(file.path)
        current = stored.hash_for_stat(file.size, file.mtime_ns) if stored else None
        if current is None:
            try:
                text = read_source(file)
            except OSError:
                unreadable += 1
                report.skipped_files.append((file.path, "unreadable"))
                continue
            current = text_hash(text)
            if stored is None or stored.complete_hash() != current:
                todo.append(_FileWork(file, current, text))
        if stored is not None:
            stale.extend(stored.ids_except(current))
    if unreadable:
        report.skipped["unreadable"] += unreadable
    report.files_unchanged = len(files) - len(todo) - unreadable
    current_paths = {f.path for f in files}
    for path, stored in state.items():
        if path not in current_paths:
            report.files_removed += 1
            stale.extend(stored.ids_except(None))
    return todo, stale


class Indexer:
    def __init__(self, embedder: Embedder, store: Store, *, batch_size: int = 64, progress: IndexProgress | None = None):
        self.embedder = embedder
        self.store = store
        self.batch_size = batch_size
        self.progress = progress or IndexProgress()

    def index(
        self, source: RepoSource, name: str | None = None, max_file_bytes: int = 1_000_000, paths: Collection[str] | None = None
    ) -> IndexReport:
        """Bring the store up to date with the repository; with `paths`, with those files only (a refresh)."""
        started = time.monotonic()
        name = name or source.name
        meta = ensure_collection(self.store, self.embedder)
        _check_repo_name(meta, name, source)
        report = IndexReport(repo=name)

        walk = walk_repo(source.root, max_file_bytes=max_file_bytes, only=paths)
        report.files_seen = len(walk.files)
        report.skipped.update(walk.skipped)
        report.skipped_files.extend(walk.skipped_files)

        state = load_repo_state(self.store, name, paths)
        todo, stale = _plan(walk.files, state, report)
        chunks, works, tokens = self._chunk(name, todo)
        report.files_indexed = len(todo)
        self._embed_and_write(chunks, works, tokens, report)

        self.store.delete_ids(stale)
        report.chunks_deleted = len(stale)
        report.chunks_total = self.store.count(SearchFilter(repo=name))
        previous = meta.get("repos", {}).get(name)
        if paths is None:
            self._record_repo(name, source, report, previous, files=report.files_seen, skipped=dict(report.skipped))
        else:  # the other files are as the last run counted them
            known = previous or {}
            added = sum(1 for f in walk.files if f.path not in state)
            files = known.get("files", 0) + added - report.files_removed
            self._record_repo(name, source, report, previous, files=files, skipped=known.get("skipped", {}))
        self.store.flush()
        report.seconds = time.monotonic() - started
        return report

    def _chunk(self, repo: str, todo: list[_FileWork]) -> tuple[list[Chunk], list[_FileWork], list[int]]:
        """Chunk every file to index and fit chunks to the model window: chunks, their file, their token counts."""
        self.progress.stage("chunking", len(todo))
        budget = self.embedder.document_token_budget()
        chunks: list[Chunk] = []
        owners: list[_FileWork] = []
        tokens: list[int] = []
        for work in todo:
            work.chunks, counts = fit_to_window(chunk_file(repo, work.file.path, work.text), self.embedder.count_tokens, budget)
            work.text = ""  # no longer needed; keeps memory flat on big repos
            chunks.extend(work.chunks)
            owners.extend([work] * len(work.chunks))
            tokens.extend(counts)
            self.progress.advance()
        return chunks, owners, tokens

    def _embed_and_write(self, chunks: list[Chunk], owners: list[_FileWork], tokens: list[int], report: IndexReport) -> None:
        ordinals = {}
        ids = []
        for chunk, work in zip(chunks, owners):
            ordinal = ordinals.get(work.file.path, 0)
            ordinals[work.file.path] = ordinal + 1
            ids.append(point_id(report.repo, chunk.path, work.file_hash, ordinal))
        report.chunks_split = sum(1 for c in chunks if c.window == 1)  # every split chunk has one window 1
        # Similar token counts together: least padding per batch.
        order = sorted(range(len(chunks)), key=tokens.__getitem__)
        self.progress.stage("embedding", len(chunks))
        for start in range(0, len(order), WRITE_GROUP):
            group = order[start : start + WRITE_GROUP]
            texts = [chunks[i].embed_text() for i in group]
            vectors = self.embedder.encode_documents(texts, batch_size=self.batch_size)
            self.store.upsert(
                [
                    StorePoint(ids[i], vector.tolist(), bm25_document(text), _payload(chunks[i], owners[i]))
                    for i, vector, text in zip(group, vectors, texts)
                ]
            )
            report.chunks_written += len(group)
            self.progress.advance(len(group))

    def _record_repo(
        self, name: str, source: RepoSource, report: IndexReport, previous: dict | None, files: int, skipped: dict
    ) -> None:
        self.store.record_repo(name, {
            "root": str(source.root),
            "url": source.url,
            "commit": source.commit,
            "subdir": source.subdir,
            "indexed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "files": files,
            "chunks": report.chunks_total,
            "skipped": skipped,
            "precision": vector_precision(previous, self.embedder.precision, report),
        })

