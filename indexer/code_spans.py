"""Code → spans with tree-sitter: functions and methods, class summaries, and module-level groups.

Every non-blank line of a code file lies in some span; a class summary keeps
its members' signatures and replaces their bodies with a marker.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from indexer.grammars import GRAMMARS, Grammar, node_text, split_name
from indexer.languages import parser_for
from indexer.spans import Span, text_spans

MAX_SIGNATURE_CHARS = 300
_MAX_DEPTH = 64  # nesting of classes/blocks searched for definitions


def _last_line(node: Node) -> int:
    """1-based last line of a node, not counting trailing newlines and indentation it swallowed."""
    text = node.text or b""
    return node.end_point.row - text.count(b"\n", len(text.rstrip())) + 1


def _marker(data: bytes, body: Node) -> bytes:
    head = data[body.start_byte : body.start_byte + 2]
    if head.startswith(b"{"):
        return b"{ ... }"
    if head == b"=>":
        return b"=> ..."
    return b"= ..." if head.startswith(b"=") else b"..."


class _CodeChunker:
    """Walks one syntax tree, collecting definition spans."""

    def __init__(self, grammar: Grammar, data: bytes):
        self.g = grammar
        self.data = data
        self.spans: list[Span] = []

    def name(self, node: Node) -> list[str]:
        getter = self.g.names.get(self.g.type_of(node))
        if getter is not None:
            raw = getter(node)
        else:
            name = node.child_by_field_name("name")
            raw = node_text(name) if name is not None else ""
        if self.g.plain_names:
            return [raw.strip()] if raw.strip() else []
        return split_name(raw)

    def body(self, node: Node) -> Node | None:
        getter = self.g.body_of.get(self.g.type_of(node))
        if getter is not None:
            return getter(node)
        body = node.child_by_field_name("body")
        if body is None and self.g.bodies:
            body = next((c for c in node.named_children if c.type in self.g.bodies), None)
        return body

    def resolve(self, node: Node) -> Node | None:
        """The named definition `node` is or wraps (alone), else None."""
        g, kind = self.g, self.g.type_of(node)
        if kind in g.functions or kind in g.classes or kind in g.namespaces:
            has_body = kind in g.bare or self.body(node) is not None
            return node if has_body and self.name(node) else None
        if kind in g.wrappers:
            children = node.named_children
            found = [(c, d) for c in children if (d := self.resolve(c)) is not None]
            if len(found) != 1 or sum(c.type == found[0][0].type for c in children) > 1:
                return None  # `type (A int; B struct{})`: not one definition
            return found[0][1]
        return None

    def walk(self, node: Node, scope: list[str], in_class: bool, holes: list[Node], depth: int = 0) -> None:
        last: Span | None = None  # a function whose next clause may follow (Grammar.clauses)
        for child in node.named_children:
            inner = self.resolve(child)
            if inner is None:
                kind = self.g.type_of(child)
                if kind not in self.g.leading:
                    last = None
                if (kind in self.g.blocks or kind in self.g.wrappers) and depth < _MAX_DEPTH:
                    self.walk(child, scope, in_class, holes, depth + 1)
                continue
            span = self.define(child, inner, scope, in_class, holes, depth)
            if span is not None and last is not None and (span.kind, span.symbol) == (last.kind, last.symbol):
                self.spans.pop()  # `f 0 = 1` then `f n = ...`: the clauses of one function
                last.end = span.end
            else:
                last = span if self.g.clauses and span is not None and span.kind != "class" else None

    def define(
        self, outer: Node, inner: Node, scope: list[str], in_class: bool, holes: list[Node], depth: int
    ) -> Span | None:
        """Record the definition's span (None for a namespace, whose contents are walked)."""
        *qualifier, name = self.name(inner)
        if qualifier and qualifier[0] in scope:  # `ns::Foo::bar` written inside `namespace ns`
            scope = scope[: scope.index(qualifier[0])]
        path = scope + qualifier
        body, kind = self.body(inner), self.g.type_of(inner)
        if kind in self.g.namespaces:
            if depth < _MAX_DEPTH:
                self.walk(body, path + [name], False, holes, depth + 1)
            return None
        if body is not None:
            holes.append(body)
        first = self.leading(outer, name)
        line_start = first.start_byte - first.start_point.column
        span = Span(
            start=first.start_point.row + 1,
            end=_last_line(outer),
            kind="function",
            symbol=".".join(path + [name]),
            signature=self.signature(outer, inner, body),
            parent=".".join(path),
        )
        if kind in self.g.functions:
            span.kind = "method" if in_class or qualifier else "function"
        else:
            members: list[Node] = []
            if body is not None and depth < _MAX_DEPTH:
                self.walk(body, path + [name], True, members, depth + 1)
            span.kind, span.summary = "class", self.summary(line_start, outer.end_byte, members)
        self.spans.append(span)
        return span

    def leading(self, node: Node, name: str) -> Node:
        """The first of the comments/attributes directly above `node` (or `node`).

        A doc block (`/** … */`) also counts when one blank line parts it from the definition, as in
        Express's `/** docs */ <blank> res.send = function …`. One that names something (a Haskell
        type signature) leads only a definition of that name.
        """
        first, previous = node, node.prev_named_sibling
        while (
            previous is not None
            and self.g.type_of(previous) in self.g.leading
            and _last_line(previous) >= first.start_point.row - (1 if self._doc_block(previous) else 0)
            and not self.data[previous.start_byte - previous.start_point.column : previous.start_byte].strip()
            and self.name(previous)[-1:] in ([], [name])
        ):
            first, previous = previous, previous.prev_named_sibling
        return first

    def _doc_block(self, node: Node) -> bool:
        return self.data[node.start_byte : node.start_byte + 3] == b"/**"

    def signature(self, outer: Node, inner: Node, body: Node | None) -> str:
        start = max(outer.start_byte, inner.start_byte - inner.start_point.column)
        comment = next((c for c in inner.children[1:] if self.g.type_of(c) in self.g.leading), None)
        stop = body.start_byte if body is not None else inner.end_byte
        stop = min(stop, comment.start_byte) if comment is not None else stop
        header = self.data[start:stop].decode("utf-8", "replace")
        return " ".join(header.split())[:MAX_SIGNATURE_CHARS]

    def summary(self, start: int, end: int, holes: list[Node]) -> str:
        pieces, position = [], start
        for body in sorted(holes, key=lambda n: n.start_byte):
            pieces += [self.data[position : body.start_byte].rstrip(), b" ", _marker(self.data, body)]
            position = body.start_byte + len((body.text or b"").rstrip())  # Scala bodies end in the next indent
        pieces.append(self.data[position:end])
        return b"".join(pieces).decode("utf-8", "replace")


_CLOSER = re.compile(r"\s*(?:[})\]]|end\b)")


def _absorb(span: Span, line_number: int, line: str) -> None:
    """Extend a definition over one neighbouring closing line (`}`, `end`)."""
    if span.summary is not None:
        span.summary = f"{line}\n{span.summary}" if line_number < span.start else f"{span.summary}\n{line}"
    span.start, span.end = min(span.start, line_number), max(span.end, line_number)


def _module_spans(spans: list[Span], lines: list[str]) -> list[Span]:
    """Group the lines outside every definition; fold a lone closing line into its definition."""
    spans.sort(key=lambda s: (s.start, -s.end))
    tops: list[Span] = []  # outermost definitions, in order
    for span in spans:
        if not tops or span.end > tops[-1].end:
            tops.append(span)
    modules: list[Span] = []
    covered_to = 0
    for index in range(len(tops) + 1):
        before = tops[index - 1] if index else None
        after = tops[index] if index < len(tops) else None
        start, end = covered_to + 1, (after.start if after else len(lines) + 1) - 1
        if after is not None:
            covered_to = max(covered_to, after.end)
        while start <= end and not lines[start - 1].strip():
            start += 1
        while end >= start and not lines[end - 1].strip():
            end -= 1
        if start > end:
            continue
        if start == end and _CLOSER.match(lines[start - 1]):
            # `}` or `end` closing a namespace: folded into the definition above. Any other lone
            # line (an import, `else:`) stays a module chunk, so a definition's lines are exactly its own.
            target = before or after
            if target is not None:
                _absorb(target, start, lines[start - 1])
                continue
        modules.append(Span(start, end, "module"))
    return modules


def code_spans(language: str, text: str, lines: list[str]) -> list[Span]:
    # Grammars read NUL as end of input: blank them out (same length, so offsets hold).
    data = text.encode("utf-8", "replace").replace(b"\x00", b" ")
    tree = parser_for(language).parse(data)
    chunker = _CodeChunker(GRAMMARS[language], data)
    chunker.walk(tree.root_node, [], False, [])
    if not chunker.spans and tree.root_node.has_error:
        return text_spans(lines)
    return chunker.spans + _module_spans(chunker.spans, lines)
