"""One file's text → its chunks (``codesift.chunks.Chunk``).

Code is parsed with tree-sitter: one chunk per function or method, one summary
chunk per class (member bodies replaced by a marker), and the module-level
lines between definitions grouped into "module" chunks, so that every
non-blank line of a code file lies in some chunk. Markdown and reStructuredText
are split by headings, any other text into overlapping line windows. What each
grammar calls a function, a class or a namespace lives in the ``_GRAMMARS``
table below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable

from tree_sitter import Node

from codesift.chunks import Chunk
from indexer.languages import CODE_LANGUAGES, language_for_path, parser_for

MAX_CHUNK_LINES = 2000  # longer chunks (a huge function) become line windows
WINDOW_LINES = 60
WINDOW_OVERLAP = 10
MAX_SIGNATURE_CHARS = 300
_MAX_DEPTH = 64  # nesting of classes/blocks searched for definitions


# --------------------------------------------------------------------------- grammar tables


def _text(node: Node) -> str:
    return node.text.decode("utf-8", "replace") if node.text else ""


def _declarator_name(node: Node) -> str:
    """C/C++: the name inside nested declarators (`*foo(int)`, `&ns::Foo::bar()`)."""
    current = node
    while True:
        inner = current.child_by_field_name("declarator") or next(
            (c for c in current.named_children if c.type.endswith("declarator")), None
        )
        if inner is None:
            return _text(current) if current is not node else ""
        current = inner


def _c_type_name(node: Node) -> str:
    """C/C++ struct/union/enum: its tag, or the typedef name of an anonymous one."""
    name = node.child_by_field_name("name")
    if name is not None:
        return _text(name)
    parent = node.parent
    if parent is not None and parent.type == "type_definition":
        declarator = parent.child_by_field_name("declarator")
        return _text(declarator) if declarator is not None else ""
    return ""


def _go_method_name(node: Node) -> str:
    """Go: `func (r *Recv[T]) Name()` → "Recv.Name"."""
    name = node.child_by_field_name("name")
    receiver = node.child_by_field_name("receiver")
    params = receiver.named_children if receiver is not None else []
    rtype = params[0].child_by_field_name("type") if params else None
    if name is None or rtype is None:
        return ""
    return f"{_text(rtype).lstrip('*').split('[')[0].strip()}.{_text(name)}"


def _rust_impl_name(node: Node) -> str:
    """Rust: `impl<T> fmt::Display for Wrapper<T>` → "Wrapper"."""
    rtype = node.child_by_field_name("type")
    parts = _split_name(_text(rtype)) if rtype is not None else []
    return parts[-1] if parts else ""


def _csharp_operator_name(node: Node) -> str:
    match = re.search(r"\boperator\b\s*([^\s(]+)", _text(node))
    return f"operator{match.group(1)}" if match else ""


def _csharp_destructor_name(node: Node) -> str:
    name = node.child_by_field_name("name")
    return f"~{_text(name)}" if name is not None else ""


def _field_name(node: Node) -> str:
    """JS/TS `handler = () => {}` class fields."""
    name = node.child_by_field_name("name") or node.child_by_field_name("property")
    return _text(name) if name is not None else ""


def _companion_name(node: Node) -> str:
    name = node.child_by_field_name("name")
    return _text(name) if name is not None else "Companion"


_JS_FUNCTION_VALUES = frozenset({"arrow_function", "function_expression", "function", "generator_function"})


def _function_value_body(node: Node) -> Node | None:
    """JS/TS `const f = (a) => ...`: the body of the function assigned, if one is."""
    value = node.child_by_field_name("value")
    if value is None or value.type not in _JS_FUNCTION_VALUES:
        return None
    return value.child_by_field_name("body")


@dataclass(frozen=True)
class _Grammar:
    functions: frozenset[str]  # definitions with a body → function/method chunks
    classes: frozenset[str]  # containers → class summary chunk; members are methods
    namespaces: frozenset[str] = frozenset()  # qualify the names inside; no chunk of their own
    wrappers: frozenset[str] = frozenset()  # hold one definition: decorators, export, template
    blocks: frozenset[str] = frozenset()  # searched for definitions: if/try/#ifdef, ERROR
    leading: frozenset[str] = frozenset({"comment"})  # siblings attached above a definition
    bodies: frozenset[str] = frozenset()  # body node types where the grammar has no `body` field
    names: dict[str, Callable[[Node], str]] = field(default_factory=dict)
    body_of: dict[str, Callable[[Node], Node | None]] = field(default_factory=dict)


def _set(names: str) -> frozenset[str]:
    return frozenset(names.split())


def _blocks(names: str) -> frozenset[str]:
    return _set(names + " ERROR")


_JS = dict(
    functions=_set(
        "function_declaration generator_function_declaration method_definition"
        " variable_declarator field_definition public_field_definition"
    ),
    wrappers=_set("export_statement lexical_declaration variable_declaration"),
    leading=_set("comment decorator"),
    names={"field_definition": _field_name},
    body_of={t: _function_value_body for t in ("variable_declarator", "field_definition", "public_field_definition")},
)
_TS = dict(
    _JS,
    classes=_set("class_declaration abstract_class_declaration interface_declaration enum_declaration"),
    namespaces=_set("internal_module module"),
    wrappers=_JS["wrappers"] | _set("expression_statement ambient_declaration"),
    blocks=_blocks(""),
)
_C = dict(
    functions=_set("function_definition"),
    classes=_set("struct_specifier union_specifier enum_specifier"),
    wrappers=_set("declaration type_definition"),
    blocks=_blocks("preproc_if preproc_ifdef preproc_else preproc_elif preproc_elifdef"),
    names={
        "function_definition": _declarator_name,
        **dict.fromkeys(("struct_specifier", "union_specifier", "enum_specifier", "class_specifier"), _c_type_name),
    },
)

_GRAMMARS: dict[str, _Grammar] = {
    "python": _Grammar(
        functions=_set("function_definition"),
        classes=_set("class_definition"),
        wrappers=_set("decorated_definition"),
        blocks=_blocks(
            "if_statement elif_clause else_clause try_statement except_clause except_group_clause"
            " finally_clause with_statement block"
        ),
    ),
    "javascript": _Grammar(classes=_set("class_declaration"), blocks=_blocks(""), **_JS),
    "typescript": _Grammar(**_TS),
    "tsx": _Grammar(**_TS),
    "go": _Grammar(
        functions=_set("function_declaration method_declaration"),
        classes=_set("type_spec"),
        wrappers=_set("type_declaration"),
        blocks=_blocks(""),
        bodies=_set("struct_type interface_type"),
        names={"method_declaration": _go_method_name},
    ),
    "rust": _Grammar(
        functions=_set("function_item"),
        classes=_set("struct_item enum_item union_item trait_item impl_item"),
        namespaces=_set("mod_item"),
        blocks=_blocks(""),
        leading=_set("line_comment block_comment attribute_item"),
        names={"impl_item": _rust_impl_name},
    ),
    "java": _Grammar(
        functions=_set("method_declaration constructor_declaration compact_constructor_declaration"),
        classes=_set(
            "class_declaration interface_declaration enum_declaration record_declaration annotation_type_declaration"
        ),
        blocks=_blocks("enum_body_declarations"),
        leading=_set("line_comment block_comment"),
    ),
    "c": _Grammar(**_C),
    "cpp": _Grammar(
        **dict(
            _C,
            classes=_C["classes"] | {"class_specifier"},
            namespaces=_set("namespace_definition"),
            wrappers=_C["wrappers"] | _set("template_declaration field_declaration"),
            blocks=_C["blocks"] | _set("linkage_specification declaration_list"),
        )
    ),
    "csharp": _Grammar(
        functions=_set("method_declaration constructor_declaration destructor_declaration operator_declaration"),
        classes=_set(
            "class_declaration struct_declaration interface_declaration enum_declaration"
            " record_declaration record_struct_declaration"
        ),
        namespaces=_set("namespace_declaration"),
        blocks=_blocks("preproc_if preproc_else preproc_elif preproc_region"),
        names={"operator_declaration": _csharp_operator_name, "destructor_declaration": _csharp_destructor_name},
    ),
    "ruby": _Grammar(
        functions=_set("method singleton_method"),
        classes=_set("class module"),
        blocks=_blocks("singleton_class body_statement"),
    ),
    "php": _Grammar(
        functions=_set("function_definition method_declaration"),
        classes=_set("class_declaration interface_declaration trait_declaration enum_declaration"),
        namespaces=_set("namespace_definition"),
        blocks=_blocks("if_statement else_clause compound_statement"),
    ),
    "kotlin": _Grammar(
        functions=_set("function_declaration"),
        classes=_set("class_declaration object_declaration companion_object"),
        blocks=_blocks(""),
        leading=_set("line_comment block_comment"),
        bodies=_set("function_body class_body enum_class_body"),
        names={"companion_object": _companion_name},
    ),
}


# --------------------------------------------------------------------------- code


@dataclass
class _Span:
    """A chunk before its text is cut out: 1-based inclusive lines."""

    start: int
    end: int
    kind: str
    symbol: str = ""
    signature: str = ""
    parent: str = ""
    summary: str | None = None  # class summaries; None → the exact lines
    window: int = 0


_TEMPLATE_ARGS = re.compile(r"<[^<>]*>")
_NAME_SEPARATORS = re.compile(r"::|\\|\.")


def _split_name(raw: str) -> list[str]:
    """`ns::Foo<T>::bar` → ["ns", "Foo", "bar"]; also splits `A.B` and PHP `A\\B`."""
    name, previous = raw.strip().strip("\"'`"), None
    while name != previous:
        previous, name = name, _TEMPLATE_ARGS.sub("", name)
    return [" ".join(part.split()) for part in _NAME_SEPARATORS.split(name) if part.strip()]


def _last_line(node: Node) -> int:
    """1-based last line of a node, not counting a trailing newline it swallowed."""
    row = node.end_point.row
    if node.end_point.column == 0 and row > node.start_point.row:
        row -= 1
    return row + 1


def _marker(data: bytes, body: Node) -> bytes:
    head = data[body.start_byte : body.start_byte + 2]
    if head.startswith(b"{"):
        return b"{ ... }"
    if head == b"=>":
        return b"=> ..."
    return b"= ..." if head.startswith(b"=") else b"..."


class _CodeChunker:
    """Walks one syntax tree, collecting definition spans."""

    def __init__(self, grammar: _Grammar, data: bytes):
        self.g = grammar
        self.data = data
        self.spans: list[_Span] = []

    def name(self, node: Node) -> list[str]:
        getter = self.g.names.get(node.type)
        if getter is not None:
            return _split_name(getter(node))
        name = node.child_by_field_name("name")
        return _split_name(_text(name)) if name is not None else []

    def body(self, node: Node) -> Node | None:
        getter = self.g.body_of.get(node.type)
        if getter is not None:
            return getter(node)
        body = node.child_by_field_name("body")
        if body is None and self.g.bodies:
            body = next((c for c in node.named_children if c.type in self.g.bodies), None)
        return body

    def resolve(self, node: Node) -> Node | None:
        """The named definition `node` is or wraps (alone), else None."""
        g = self.g
        if node.type in g.functions or node.type in g.classes or node.type in g.namespaces:
            return node if self.body(node) is not None and self.name(node) else None
        if node.type in g.wrappers:
            children = node.named_children
            found = [(c, d) for c in children if (d := self.resolve(c)) is not None]
            if len(found) != 1 or sum(c.type == found[0][0].type for c in children) > 1:
                return None  # `type (A int; B struct{})`: not one definition
            return found[0][1]
        return None

    def walk(self, node: Node, scope: list[str], in_class: bool, holes: list[Node], depth: int = 0) -> None:
        for child in node.named_children:
            inner = self.resolve(child)
            if inner is not None:
                self.define(child, inner, scope, in_class, holes, depth)
            elif (child.type in self.g.blocks or child.type in self.g.wrappers) and depth < _MAX_DEPTH:
                self.walk(child, scope, in_class, holes, depth + 1)

    def define(self, outer: Node, inner: Node, scope: list[str], in_class: bool, holes: list[Node], depth: int):
        *qualifier, name = self.name(inner)
        if qualifier and qualifier[0] in scope:  # `ns::Foo::bar` written inside `namespace ns`
            scope = scope[: scope.index(qualifier[0])]
        path = scope + qualifier
        body = self.body(inner)
        if inner.type in self.g.namespaces:
            if depth < _MAX_DEPTH:
                self.walk(body, path + [name], False, holes, depth + 1)
            return
        holes.append(body)
        first = self.leading(outer)
        line_start = first.start_byte - first.start_point.column
        span = _Span(
            start=first.start_point.row + 1,
            end=_last_line(outer),
            kind="function",
            symbol=".".join(path + [name]),
            signature=self.signature(outer, inner, body),
            parent=".".join(path),
        )
        if inner.type in self.g.functions:
            span.kind = "method" if in_class or qualifier else "function"
        else:
            members: list[Node] = []
            if depth < _MAX_DEPTH:
                self.walk(body, path + [name], True, members, depth + 1)
            span.kind, span.summary = "class", self.summary(line_start, outer.end_byte, members)
        self.spans.append(span)

    def leading(self, node: Node) -> Node:
        """The first of the comments/attributes directly above `node` (or `node`)."""
        first, previous = node, node.prev_named_sibling
        while (
            previous is not None
            and previous.type in self.g.leading
            and _last_line(previous) >= first.start_point.row
            and not self.data[previous.start_byte - previous.start_point.column : previous.start_byte].strip()
        ):
            first, previous = previous, previous.prev_named_sibling
        return first

    def signature(self, outer: Node, inner: Node, body: Node) -> str:
        start = max(outer.start_byte, inner.start_byte - inner.start_point.column)
        comment = next((c for c in inner.children[1:] if c.type in self.g.leading), None)
        stop = min(body.start_byte, comment.start_byte) if comment is not None else body.start_byte
        header = self.data[start:stop].decode("utf-8", "replace")
        return " ".join(header.split())[:MAX_SIGNATURE_CHARS]

    def summary(self, start: int, end: int, holes: list[Node]) -> str:
        pieces, position = [], start
        for body in sorted(holes, key=lambda n: n.start_byte):
            pieces += [self.data[position : body.start_byte].rstrip(), b" ", _marker(self.data, body)]
            position = body.end_byte
        pieces.append(self.data[position:end])
        return b"".join(pieces).decode("utf-8", "replace")


_CLOSER = re.compile(r"\s*(?:[})\]]|end\b)")


def _absorb(span: _Span, line_number: int, line: str) -> None:
    """Extend a definition over one neighbouring closing line (`}`, `end`)."""
    if span.summary is not None:
        span.summary = f"{line}\n{span.summary}" if line_number < span.start else f"{span.summary}\n{line}"
    span.start, span.end = min(span.start, line_number), max(span.end, line_number)


def _module_spans(spans: list[_Span], lines: list[str]) -> list[_Span]:
    """Group the lines outside every definition; fold a lone closing line into its definition."""
    spans.sort(key=lambda s: (s.start, -s.end))
    tops: list[_Span] = []  # outermost definitions, in order
    for span in spans:
        if not tops or span.end > tops[-1].end:
            tops.append(span)
    modules: list[_Span] = []
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
        modules.append(_Span(start, end, "module"))
    return modules


def _code_spans(language: str, text: str, lines: list[str]) -> list[_Span]:
    # Grammars read NUL as end of input: blank them out (same length, so offsets hold).
    data = text.encode("utf-8", "replace").replace(b"\x00", b" ")
    tree = parser_for(language).parse(data)
    chunker = _CodeChunker(_GRAMMARS[language], data)
    chunker.walk(tree.root_node, [], False, [])
    if not chunker.spans and tree.root_node.has_error:
        return _text_spans(lines)
    return chunker.spans + _module_spans(chunker.spans, lines)


# --------------------------------------------------------------------------- prose and text

_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_SETEXT = re.compile(r" {0,3}(=+|-+)[ \t]*$")
_NOT_PARAGRAPH = re.compile(r" {4}| {0,3}(?:[-*+>|]|\d+[.)])(?:\s|$)")  # code, list, quote, table
_RST_ADORNMENT = re.compile(r"([!-/:-@\[-`{-~])\1{2,}[ \t]*$")

# A heading: (index of its first line, level, title, signature)
_Heading = tuple[int, int, str, str]


def _markdown_headings(lines: list[str]) -> list[_Heading]:
    headings: list[_Heading] = []
    fence = ""
    i = 0
    if lines and lines[0].strip() == "---":  # YAML front matter
        i = next((j + 1 for j in range(1, len(lines)) if lines[j].strip() in ("---", "...")), 0)
    previous_is_text = False
    for i in range(i, len(lines)):
        line = lines[i]
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                if not line.strip().strip(fence[0]):
                    fence = ""
            previous_is_text = False
            continue
        if opening:
            fence, previous_is_text = opening.group(1), False
            continue
        atx = _ATX.match(line)
        setext = _SETEXT.match(line)
        if atx:
            headings.append((i, len(atx.group(1)), (atx.group(2) or "").strip(), line.strip()))
        elif setext and previous_is_text:
            title = lines[i - 1].strip()
            headings.append((i - 1, 1 if setext.group(1)[0] == "=" else 2, title, title))
        previous_is_text = bool(line.strip()) and not atx and not setext and not _NOT_PARAGRAPH.match(line)
    return headings


def _rst_headings(lines: list[str]) -> list[_Heading]:
    headings: list[_Heading] = []
    styles: list[tuple[str, bool]] = []  # order of first use gives the level
    i, after_heading = 0, -1
    while i < len(lines) - 1:
        line, following = lines[i], lines[i + 1]
        over = _RST_ADORNMENT.match(line)
        if over and i + 2 < len(lines) and following.strip() and lines[i + 2].strip() == line.strip():
            style, title, consumed = (over.group(1), True), following.strip(), 3
        else:
            under = _RST_ADORNMENT.match(following)
            title = line.rstrip()
            fits = under and (len(following.strip()) >= len(title) or len(following.strip()) >= 4)
            standalone = i == 0 or not lines[i - 1].strip() or i == after_heading
            if not (fits and title and not line[0].isspace() and not over and standalone):
                i += 1
                continue
            style, consumed = (under.group(1), False), 2
        if style not in styles:
            styles.append(style)
        headings.append((i, styles.index(style) + 1, title.strip(), title.strip()))
        i += consumed
        after_heading = i
    return headings


def _section_spans(lines: list[str], headings: list[_Heading]) -> list[_Span]:
    spans: list[_Span] = []
    stack: list[tuple[int, str]] = []
    starts = [h[0] for h in headings] + [len(lines)]
    if headings and headings[0][0] > 0:
        spans.append(_Span(1, headings[0][0], "section"))
    elif not headings:
        spans.append(_Span(1, len(lines), "section"))
    for (start, level, title, signature), stop in zip(headings, starts[1:]):
        while stack and stack[-1][0] >= level:
            stack.pop()
        parent = " > ".join(t for _, t in stack)
        stack.append((level, title))
        spans.append(_Span(start + 1, stop, "section", " > ".join(t for _, t in stack), signature, parent))
    for span in spans:
        while span.end > span.start and not lines[span.end - 1].strip():
            span.end -= 1
    return spans


def _windows(span: _Span) -> list[_Span]:
    """Overlapping windows of WINDOW_LINES lines over a span, numbered in `window`."""
    windows, start = [], span.start
    while True:
        end = min(start + WINDOW_LINES - 1, span.end)
        windows.append(replace(span, start=start, end=end, window=len(windows)))
        if end == span.end:
            return windows
        start += WINDOW_LINES - WINDOW_OVERLAP


def _text_spans(lines: list[str]) -> list[_Span]:
    return _windows(_Span(1, len(lines), "text"))


# --------------------------------------------------------------------------- entry point


def chunk_file(repo: str, path: str, text: str) -> list[Chunk]:
    """Split one decoded file into chunks ordered by start line; [] for a blank file."""
    if not text.strip():
        return []
    language = language_for_path(path)
    lines = text.split("\n")
    if language in CODE_LANGUAGES:
        spans = _code_spans(language, text, lines)
    elif language == "markdown":
        spans = _section_spans(lines, _markdown_headings(lines))
    elif language == "rst":
        spans = _section_spans(lines, _rst_headings(lines))
    else:
        spans = _text_spans(lines)
    chunks: list[Chunk] = []
    for whole in spans:
        too_long = whole.summary is None and whole.end - whole.start + 1 > MAX_CHUNK_LINES
        for span in _windows(whole) if too_long else [whole]:
            code = span.summary if span.summary is not None else "\n".join(lines[span.start - 1 : span.end])
            if code.strip():
                chunks.append(
                    Chunk(repo, path, language, span.kind, span.symbol, span.signature,
                          span.start, span.end, code, span.parent, span.window)
                )
    chunks.sort(key=lambda c: (c.start_line, -c.end_line, c.symbol, c.window))
    return chunks
