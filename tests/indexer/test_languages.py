"""Chunking realistic files of the languages added for repository search: symbols, kinds and lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.chunker import chunk_file
from indexer.languages import language_for_path

FILES = Path(__file__).parent / "languages"

# file → every chunk as (kind, symbol, first line, last line), in order
EXPECTED = {
    "retry.scala": [
        ("module", "", 1, 3),
        ("class", "RetryPolicy", 5, 14),
        ("method", "RetryPolicy.delayFor", 9, 11),
        ("method", "RetryPolicy.withMaxAttempts", 13, 13),
        ("class", "RetryPolicy", 16, 23),
        ("method", "RetryPolicy.fromConfig", 19, 22),
        ("class", "Outcome", 25, 25),  # a class without a body is still a definition
        ("class", "Retry", 26, 26),
        ("class", "GiveUp", 27, 27),
        ("class", "Retrier", 29, 37),
        ("method", "Retrier.decide", 32, 34),
        ("module", "", 39, 39),
        ("function", "totalDelay", 40, 41),
        ("function", "retrying", 43, 44),
    ],
    "Downloader.swift": [
        ("module", "", 1, 1),
        ("class", "DownloadError", 3, 12),
        ("method", "DownloadError.isRetryable", 8, 11),  # a computed property
        ("class", "Downloader", 14, 42),
        ("method", "Downloader.init", 19, 21),
        ("method", "Downloader.deinit", 23, 25),
        ("method", "Downloader.download", 27, 37),
        ("method", "Downloader.subscript", 39, 41),
        ("class", "Cancellable", 44, 46),
        ("class", "Downloader", 48, 52),  # the extension
        ("method", "Downloader.cancel", 49, 51),
        ("function", "makeDefaultDownloader", 54, 56),
    ],
    "session.ex": [
        ("class", "Shop.Session", 1, 39),
        ("method", "Shop.Session.sign", 12, 16),  # with its @doc and @spec
        ("method", "Shop.Session.verify", 20, 25),  # two clauses, one function
        ("method", "Shop.Session.expired?", 27, 27),
        ("method", "Shop.Session.require_session", 29, 33),
        ("class", "Shop.Session.Store", 35, 38),
        ("method", "Shop.Session.Store.put", 37, 37),
        ("class", "Inspect.Shop.Session", 41, 43),  # defimpl: the module Elixir defines
        ("method", "Inspect.Shop.Session.inspect", 42, 42),
    ],
    "release.sh": [
        ("module", "", 1, 6),
        ("function", "step", 8, 15),
        ("function", "build_archive", 17, 22),
        ("function", "checksum", 24, 27),
        ("module", "", 29, 29),
        ("function", "sha256sum", 30, 30),  # defined inside an `if`
        ("module", "", 31, 31),
        ("function", "release::notify", 33, 35),  # `::` is part of a Bash name
        ("module", "", 37, 40),
    ],
    "Json.hs": [
        ("module", "", 1, 12),
        ("class", "Value", 13, 20),
        ("class", "Pair", 22, 22),
        ("class", "ToJson", 24, 28),
        ("method", "ToJson.toJsonList", 27, 28),  # its own signature, not toJson's
        ("class", "Bool", 30, 31),  # an instance is named by its type, as Rust's impl
        ("method", "Bool.toJson", 31, 31),
        ("class", "Maybe", 33, 35),
        ("method", "Maybe.toJson", 34, 35),
        ("function", "render", 37, 46),  # haddock, signature and six equations
        ("function", ".=", 48, 49),
        ("function", "escape'", 51, 54),
        ("function", ".:", 56, 59),  # `(.:) (Object m) k = ...`
    ],
    "picker.lua": [
        ("module", "", 1, 8),
        ("method", "Picker.new", 10, 18),
        ("method", "Picker.filter", 20, 28),
        ("method", "Picker.close", 30, 30),
        ("function", "score", 32, 34),
        ("method", "M.sorter", 36, 38),
        ("method", "M.setup", 40, 42),
        ("module", "", 44, 44),
        ("method", "M.cached_score", 46, 48),  # a function handed to a factory
        ("module", "", 50, 54),  # `handlers["<CR>"] = function ...` names nothing
        ("method", "M.default_prompt", 55, 57),  # inside `do ... end`
        ("module", "", 58, 60),
    ],
    "ring_buffer.zig": [
        ("module", "", 1, 3),
        ("class", "RingBuffer", 5, 23),  # a function returning a struct makes a type
        ("method", "RingBuffer.init", 14, 16),
        ("method", "RingBuffer.push", 18, 21),
        ("class", "Stats", 25, 42),
        ("method", "Stats.dropRate", 30, 33),
        ("class", "Stats.Snapshot", 35, 41),
        ("method", "Stats.Snapshot.take", 38, 40),
        ("class", "Mode", 44, 54),
        ("method", "Mode.describe", 48, 53),
        ("function", "nextPowerOfTwo", 56, 58),
        ("module", "", 60, 63),
        ("function", "error", 65, 68),  # `@"error"`
    ],
}

# file → (class symbol, a line its summary keeps, a line of a member's body it leaves out)
SUMMARIES = {
    "retry.scala": ("Retrier", "def decide(attempt: Int, error: Throwable): Outcome = ...", "else Retry("),
    "Downloader.swift": ("Downloader", "public init(session: URLSession = .shared) { ... }", "task.resume()"),
    "session.ex": ("Shop.Session", "def sign(%User{id: id}) ...", "Phoenix.Token.sign("),
    "Json.hs": ("Maybe", "toJson Nothing = ...", "toJson x"),
    "ring_buffer.zig": ("RingBuffer", "pub fn push(self: *Self, item: T) void { ... }", "self.len += 1"),
}


def chunks_of(name):
    text = (FILES / name).read_text()
    return text, chunk_file("repo", f"src/{name}", text)


def test_every_file_is_expected():
    assert sorted(p.name for p in FILES.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_symbols_kinds_and_lines(name):
    text, chunks = chunks_of(name)
    assert [(c.kind, c.symbol, c.start_line, c.end_line) for c in chunks] == EXPECTED[name]
    assert {c.language for c in chunks} == {language_for_path(name)}
    lines = text.split("\n")
    covered = {n for c in chunks for n in range(c.start_line, c.end_line + 1)}
    assert not [n for n, line in enumerate(lines, 1) if line.strip() and n not in covered]
    for c in chunks:
        if c.kind != "class":
            assert c.code == "\n".join(lines[c.start_line - 1 : c.end_line]), c.symbol
        if c.kind in ("function", "method", "class"):
            assert c.parent == c.symbol.rpartition(".")[0] or c.symbol.startswith(".")
            assert c.signature and "\n" not in c.signature


@pytest.mark.parametrize("name", sorted(SUMMARIES))
def test_class_summaries_keep_headers_not_bodies(name):
    symbol, kept, dropped = SUMMARIES[name]
    _, chunks = chunks_of(name)
    summary = next(c for c in chunks if c.kind == "class" and c.symbol == symbol)
    assert kept in summary.code
    assert dropped not in summary.code


def test_signatures_read_the_header():
    signatures = {c.symbol: c.signature for name in EXPECTED for c in chunks_of(name)[1]}
    assert signatures["Downloader.download"].startswith("@discardableResult public func download(_ url: URL")
    assert signatures["Shop.Session.verify"] == "def verify(nil, _opts),"
    assert signatures["Picker.new"] == "function Picker:new(items, opts)"
    assert signatures["M.sorter"] == "M.sorter = function(a, b)"
    assert signatures["build_archive"] == "function build_archive"
    assert signatures["Stats.dropRate"] == "pub fn dropRate(self: Stats) f64"
    assert signatures["RetryPolicy.fromConfig"] == "def fromConfig(conf: Map[String, String]): RetryPolicy ="
