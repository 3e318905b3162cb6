"""What each tree-sitter grammar calls a function, a class, a namespace, and how to read names.

One `Grammar` entry per language in `GRAMMARS`; the code chunker walks every
language with the same logic, driven by these tables.
"""

from __future__ import annotations
import re
from dataclasses import dataclass, field
from typing import Callable

from tree_sitter import Node


_TEMPLATE_ARGS = re.compile(r"<[^<>]*>")
_NAME_SEPARATORS = re.compile(r"::|\\|\.")


def split_name(raw: str) -> list[str]:
    """`ns::Foo<T>::bar` → ["ns", "Foo", "bar"]; also splits `A.B` and PHP `A\\B`."""
    name, previous = raw.strip().strip("\"'`"), None
    while name != previous:
        previous, name = name, _TEMPLATE_ARGS.sub("", name)
    return [" ".join(part.split()) for part in _NAME_SEPARATORS.split(name) if part.strip()]


def node_text(node: Node) -> str:
    return node.text.decode("utf-8", "replace") if node.text else ""


def _declarator_name(node: Node) -> str:
    """C/C++: the name inside nested declarators (`*foo(int)`, `&ns::Foo::bar()`)."""
    current = node
    while True:
        inner = current.child_by_field_name("declarator") or next(
            (c for c in current.named_children if c.type.endswith("declarator")), None
        )
        if inner is None:
            return node_text(current) if current is not node else ""
        current = inner


def _c_type_name(node: Node) -> str:
    """C/C++ struct/union/enum: its tag, or the typedef name of an anonymous one."""
    name = node.child_by_field_name("name")
    if name is not None:
        return node_text(name)
    parent = node.parent
    if parent is not None and parent.type == "type_definition":
        declarator = parent.child_by_field_name("declarator")
        return node_text(declarator) if declarator is not None else ""
    return ""


def _go_method_name(node: Node) -> str:
    """Go: `func (r *Recv[T]) Name()` → "Recv.Name"."""
    name = node.child_by_field_name("name")
    receiver = node.child_by_field_name("receiver")
    params = receiver.named_children if receiver is not None else []
    rtype = params[0].child_by_field_name("type") if params else None
    if name is None or rtype is None:
        return ""
    return f"{node_text(rtype).lstrip('*').split('[')[0].strip()}.{node_text(name)}"


def _rust_impl_name(node: Node) -> str:
    """Rust: `impl<T> fmt::Display for Wrapper<T>` → "Wrapper"."""
    rtype = node.child_by_field_name("type")
    parts = split_name(node_text(rtype)) if rtype is not None else []
    return parts[-1] if parts else ""


def _csharp_operator_name(node: Node) -> str:
    match = re.search(r"\boperator\b\s*([^\s(]+)", node_text(node))
    return f"operator{match.group(1)}" if match else ""


def _csharp_destructor_name(node: Node) -> str:
    name = node.child_by_field_name("name")
    return f"~{node_text(name)}" if name is not None else ""


def _field_name(node: Node) -> str:
    """JS/TS `handler = () => {}` class fields."""
    name = node.child_by_field_name("name") or node.child_by_field_name("property")
    return node_text(name) if name is not None else ""


def _companion_name(node: Node) -> str:
    name = node.child_by_field_name("name")
    return node_text(name) if name is not None else "Companion"


_JS_FUNCTION_VALUES = frozenset({"arrow_function", "function_expression", "function", "generator_function"})


def _function_value_body(node: Node) -> Node | None:
    """JS/TS `const f = (a) => ...` or `res.send = function send() {}`: the body of the function assigned, if one is.

    A factory call whose last argument is the function counts too: `const ZodObject = $constructor("ZodObject",
    (inst, def) => {...})`, `const Button = forwardRef((props, ref) => ...)`.
    """
    value = node.child_by_field_name("value") or node.child_by_field_name("right")
    if value is not None and value.type == "call_expression":
        arguments = value.child_by_field_name("arguments")
        last = arguments.named_children[-1] if arguments is not None and arguments.named_children else None
        value = last
    if value is None or value.type not in _JS_FUNCTION_VALUES:
        return None
    return value.child_by_field_name("body")


_JS_EXPORTS = frozenset({"module.exports", "exports"})


def _assigned_name(node: Node) -> str:
    """JS/TS `res.sendFile = function …` → "res.sendFile"; `Foo.prototype.bar = …` → "Foo.bar";
    `module.exports = function createApplication …` → "createApplication" (the function's own name)."""
    left = node.child_by_field_name("left")
    if left is None or left.type != "member_expression":
        return ""
    target = node_text(left)
    if target in _JS_EXPORTS:
        own = node.child_by_field_name("right").child_by_field_name("name")
        return node_text(own) if own is not None else ""
    return target.replace(".prototype.", ".")


@dataclass(frozen=True)
class Grammar:
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
        " variable_declarator field_definition public_field_definition assignment_expression"
    ),
    wrappers=_set("export_statement lexical_declaration variable_declaration expression_statement"),
    leading=_set("comment decorator"),
    names={"field_definition": _field_name, "assignment_expression": _assigned_name},
    body_of={
        t: _function_value_body
        for t in ("variable_declarator", "field_definition", "public_field_definition", "assignment_expression")
    },
)
def _type_alias_value(node: Node) -> Node | None:
    """TS `type Reducer<S> = (state: S) => S`: the aliased type stands for the body."""
    return node.child_by_field_name("value")


_TS = dict(
    _JS,
    classes=_set(
        "class_declaration abstract_class_declaration interface_declaration enum_declaration type_alias_declaration"
    ),
    namespaces=_set("internal_module module"),
    wrappers=_JS["wrappers"] | _set("ambient_declaration"),
    blocks=_blocks(""),
    body_of=_JS["body_of"] | {"type_alias_declaration": _type_alias_value},
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

GRAMMARS: dict[str, Grammar] = {
    "python": Grammar(
        functions=_set("function_definition"),
        classes=_set("class_definition"),
        wrappers=_set("decorated_definition"),
        blocks=_blocks(
            "if_statement elif_clause else_clause try_statement except_clause except_group_clause"
            " finally_clause with_statement block"
        ),
    ),
    "javascript": Grammar(classes=_set("class_declaration"), blocks=_blocks(""), **_JS),
    "typescript": Grammar(**_TS),
    "tsx": Grammar(**_TS),
    "go": Grammar(
        functions=_set("function_declaration method_declaration"),
        classes=_set("type_spec"),
        wrappers=_set("type_declaration"),
        blocks=_blocks(""),
        bodies=_set("struct_type interface_type"),
        names={"method_declaration": _go_method_name},
    ),
    "rust": Grammar(
        functions=_set("function_item"),
        classes=_set("struct_item enum_item union_item trait_item impl_item"),
        namespaces=_set("mod_item"),
        blocks=_blocks(""),
        leading=_set("line_comment block_comment attribute_item"),
        names={"impl_item": _rust_impl_name},
    ),
    "java": Grammar(
        functions=_set("method_declaration constructor_declaration compact_constructor_declaration"),
        classes=_set(
            "class_declaration interface_declaration enum_declaration record_declaration annotation_type_declaration"
        ),
        blocks=_blocks("enum_body_declarations"),
        leading=_set("line_comment block_comment"),
    ),
    "c": Grammar(**_C),
    "cpp": Grammar(
        **dict(
            _C,
            classes=_C["classes"] | {"class_specifier"},
            namespaces=_set("namespace_definition"),
            wrappers=_C["wrappers"] | _set("template_declaration field_declaration"),
            blocks=_C["blocks"] | _set("linkage_specification declaration_list"),
        )
    ),
    "csharp": Grammar(
        functions=_set("method_declaration constructor_declaration destructor_declaration operator_declaration"),
        classes=_set(
            "class_declaration struct_declaration interface_declaration enum_declaration"
            " record_declaration record_struct_declaration"
        ),
        namespaces=_set("namespace_declaration"),
        blocks=_blocks("preproc_if preproc_else preproc_elif preproc_region"),
        names={"operator_declaration": _csharp_operator_name, "destructor_declaration": _csharp_destructor_name},
    ),
    "ruby": Grammar(
        functions=_set("method singleton_method"),
        classes=_set("class module"),
        blocks=_blocks("singleton_class body_statement"),
    ),
    "php": Grammar(
        functions=_set("function_definition method_declaration"),
        classes=_set("class_declaration interface_declaration trait_declaration enum_declaration"),
        namespaces=_set("namespace_definition"),
        blocks=_blocks("if_statement else_clause compound_statement"),
    ),
    "kotlin": Grammar(
        functions=_set("function_declaration"),
        classes=_set("class_declaration object_declaration companion_object"),
        blocks=_blocks(""),
        leading=_set("line_comment block_comment"),
        bodies=_set("function_body class_body enum_class_body"),
        names={"companion_object": _companion_name},
    ),
}

