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
_WORD = re.compile(r"\w")


def split_name(raw: str) -> list[str]:
    """`ns::Foo<T>::bar` → ["ns", "Foo", "bar"]; also splits `A.B` and PHP `A\\B`.

    An operator (no word character: `<*>`, `.:`) is one name as written; quotes around a
    name go (`'key'`), a Haskell prime stays (`foldl'`).
    """
    name, previous = raw.strip(), None
    if not _WORD.search(name):
        return [name] if name else []
    if len(name) > 1 and name[0] == name[-1] and name[0] in "\"'`":
        name = name[1:-1]
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


def _fixed_name(name: str) -> Callable[[Node], str]:
    """Swift `init`, `deinit`, `subscript`: definitions named by their keyword."""
    return lambda node: name


def _first_of(node: Node, types: frozenset[str]) -> Node | None:
    return next((c for c in node.named_children if c.type in types), None)


def _zig_identifier(name: Node | None) -> str:
    """A Zig name; `@"zls env"` → "zls env"."""
    text = node_text(name) if name is not None else ""
    return text[2:-1] if text.startswith('@"') and text.endswith('"') else text


def _first_identifier(node: Node) -> str:
    """Zig `const Foo = struct {...}`: the declared name."""
    return _zig_identifier(_first_of(node, frozenset({"identifier"})))


_ZIG_CONTAINERS = frozenset({"struct_declaration", "enum_declaration", "union_declaration", "opaque_declaration"})


def _zig_container(node: Node) -> Node | None:
    """Zig: the struct/enum/union a `const` declares, if it declares one."""
    return _first_of(node, _ZIG_CONTAINERS)


def _zig_type(node: Node) -> str:
    """Zig `fn ArrayList(comptime T: type) type { return struct {...}; }` makes a type: it counts as a class."""
    if node.type == "function_declaration":
        returns = node.child_by_field_name("type")
        if returns is not None and node_text(returns) == "type":
            return "type_function"
    return node.type


_RETURN = frozenset({"return_expression"})


def _zig_returned_container(node: Node) -> Node | None:
    """A type function's `return struct {...}` (its members are the type's), else its whole body."""
    body = node.child_by_field_name("body")
    for statement in reversed(body.named_children if body is not None else []):
        value = _first_of(statement, _RETURN) if statement.type == "expression_statement" else None
        container = _zig_container(value) if value is not None else None
        if container is not None:
            return container
    return body


def _lua_function_name(node: Node) -> str:
    """Lua `function M.Picker:new()` → "M.Picker.new"."""
    name = node.child_by_field_name("name")
    return node_text(name).replace(":", ".") if name is not None else ""


def _lua_function_body(node: Node) -> Node | None:
    """Lua: the body, or for an empty `function M.noop() end` its `end`."""
    return node.child_by_field_name("body") or (node.children[-1] if node.children[-1].type == "end" else None)


_LUA_TARGETS = frozenset({"identifier", "dot_index_expression", "method_index_expression"})


def _lua_assigned_function(node: Node) -> Node | None:
    """Lua `M.on_attach = function(buf) ... end`, `M.cat = wrap(function(opts) ... end)`: the function
    assigned to one named target (not `t[k] = ...`)."""
    targets, values = (_first_of(node, frozenset({kind})) for kind in ("variable_list", "expression_list"))
    if targets is None or values is None or len(targets.named_children) != 1 or len(values.named_children) != 1:
        return None
    if targets.named_children[0].type not in _LUA_TARGETS:
        return None
    value = values.named_children[0]
    if value.type == "function_call":  # `wrap(function ...)`, like JS `forwardRef(() => ...)`
        arguments = value.child_by_field_name("arguments")
        value = arguments.named_children[-1] if arguments is not None and arguments.named_children else value
    return value if value.type == "function_definition" else None


def _lua_assigned_name(node: Node) -> str:
    targets = _first_of(node, frozenset({"variable_list"}))
    return node_text(targets).replace(":", ".") if _lua_assigned_function(node) is not None else ""


def _lua_assigned_body(node: Node) -> Node | None:
    function = _lua_assigned_function(node)
    return _lua_function_body(function) if function is not None else None


def _haskell_name(name: Node | None) -> str:
    """A variable's name; an operator's without the parentheses of `(.:) = ...`."""
    if name is None:
        return ""
    return node_text(name).strip("()") if name.type == "prefix_id" else node_text(name)


def _haskell_function_name(node: Node) -> str:
    """Haskell: `area (Circle r) = ...` → "area"; `a <+> b = ...` and `(<+>) a b = ...` → "<+>"."""
    name = node.child_by_field_name("name")
    if name is not None:
        return _haskell_name(name)
    infix = _first_of(node, frozenset({"infix"}))
    operator = infix.child_by_field_name("operator") if infix is not None else None
    return node_text(operator).strip("`") if operator is not None else ""


def _haskell_instance_name(node: Node) -> str:
    """Haskell `instance FromJSON a => FromJSON (Maybe a)` → "Maybe": the type, as Rust's `impl` is named."""
    patterns = node.child_by_field_name("patterns")
    stack = list(reversed(patterns.named_children)) if patterns is not None else []
    while stack:
        current = stack.pop()
        if current.type == "name":
            return node_text(current)
        stack.extend(reversed(current.named_children))
    name = node.child_by_field_name("name")
    return node_text(name) if name is not None else ""


def _elixir_type(node: Node) -> str:
    """Elixir is all calls: `def f(x) do` counts as "call:def", `@doc "..."` as "@doc"."""
    if node.type == "call":
        target = node.child_by_field_name("target")
        if target is not None and target.type == "identifier":
            return f"call:{node_text(target)}"
    elif node.type == "unary_operator" and node_text(node).startswith("@"):
        operand = node.child_by_field_name("operand")
        target = operand.child_by_field_name("target") if operand is not None and operand.type == "call" else None
        if target is not None:
            return f"@{node_text(target)}"
    return node.type


def _elixir_arguments(node: Node) -> list[Node]:
    arguments = _first_of(node, frozenset({"arguments"}))
    return arguments.named_children if arguments is not None else []


def _elixir_function_name(node: Node) -> str:
    """`def changeset(user, attrs) do`, `defp f(x) when x > 0, do: ...`, `def zero do` → the name."""
    head = next(iter(_elixir_arguments(node)), None)
    while head is not None and head.type == "binary_operator":  # `f(x) when guard`
        operator = head.child_by_field_name("operator")
        head = head.child_by_field_name("left") if operator is not None and node_text(operator) == "when" else None
    if head is not None and head.type == "call":
        head = head.child_by_field_name("target")
    return node_text(head) if head is not None and head.type == "identifier" else ""


def _elixir_module_name(node: Node) -> str:
    """`defmodule A.B do` → "A.B"; `defimpl String.Chars, for: User` → "String.Chars.User", as Elixir names it."""
    arguments = _elixir_arguments(node)
    if not arguments or arguments[0].type != "alias":
        return ""
    name = node_text(arguments[0])
    for pair in (p for a in arguments[1:] if a.type == "keywords" for p in a.named_children):
        key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
        if key is not None and value is not None and node_text(key).startswith("for:") and value.type == "alias":
            name = f"{name}.{node_text(value)}"
    return name


def _elixir_body(node: Node) -> Node | None:
    """The `do ... end` block, or the `do: expr` of a one-line definition."""
    block = _first_of(node, frozenset({"do_block"}))
    if block is not None:
        return block
    for pair in (p for a in _elixir_arguments(node) if a.type == "keywords" for p in a.named_children):
        key = pair.child_by_field_name("key")
        if key is not None and node_text(key).startswith("do:"):
            return pair
    return None


def _node_type(node: Node) -> str:
    return node.type


@dataclass(frozen=True)
class Grammar:
    functions: frozenset[str]  # definitions with a body → function/method chunks
    classes: frozenset[str] = frozenset()  # containers → class summary chunk; members are methods
    namespaces: frozenset[str] = frozenset()  # qualify the names inside; no chunk of their own
    wrappers: frozenset[str] = frozenset()  # hold one definition: decorators, export, template
    blocks: frozenset[str] = frozenset()  # searched for definitions: if/try/#ifdef, ERROR
    leading: frozenset[str] = frozenset({"comment"})  # siblings attached above a definition
    bodies: frozenset[str] = frozenset()  # body node types where the grammar has no `body` field
    bare: frozenset[str] = frozenset()  # classes that are definitions without a body: `case class P(x: Int)`
    clauses: bool = False  # consecutive definitions of one name are one function (`f 0 = 1; f n = ...`)
    plain_names: bool = False  # `::` and `.` are part of a name, never a qualifier (Bash `bats::on_failure`)
    names: dict[str, Callable[[Node], str]] = field(default_factory=dict)
    body_of: dict[str, Callable[[Node], Node | None]] = field(default_factory=dict)
    # The type a node counts as in the sets above (Elixir: the `call` of `def` counts as "call:def").
    type_of: Callable[[Node], str] = _node_type


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

_ELIXIR_FUNCTIONS = _set("call:def call:defp call:defmacro call:defmacrop call:defguard call:defguardp")
_ELIXIR_MODULES = _set("call:defmodule call:defprotocol call:defimpl")

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
        bare=_set("struct_item"),  # `struct Unit;`
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
        bare=_set("record_declaration record_struct_declaration class_declaration struct_declaration"),
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
        bare=_set("class_declaration object_declaration"),  # `data class Point(val x: Int)`
        names={"companion_object": _companion_name},
    ),
    "scala": Grammar(
        functions=_set("function_definition"),
        classes=_set(
            "class_definition object_definition trait_definition enum_definition package_object given_definition"
        ),
        namespaces=_set("package_clause"),
        blocks=_blocks("extension_definition given_definition with_template_body"),  # an unnamed `given` is searched
        leading=_set("comment block_comment"),
        bare=_set("class_definition object_definition trait_definition"),
    ),
    "swift": Grammar(
        functions=_set(
            "function_declaration init_declaration deinit_declaration subscript_declaration property_declaration"
        ),
        classes=_set("class_declaration protocol_declaration"),
        leading=_set("comment multiline_comment"),
        blocks=_blocks(""),
        names={
            "deinit_declaration": _fixed_name("deinit"),
            "subscript_declaration": _fixed_name("subscript"),
        },
        body_of={
            "property_declaration": lambda node: node.child_by_field_name("computed_value"),
            "subscript_declaration": lambda node: _first_of(node, frozenset({"computed_property"})),
        },
    ),
    "elixir": Grammar(
        functions=_ELIXIR_FUNCTIONS,
        classes=_ELIXIR_MODULES,
        blocks=_blocks(""),
        leading=_set("comment @doc @spec @impl @deprecated"),
        clauses=True,
        names={
            **dict.fromkeys(_ELIXIR_FUNCTIONS, _elixir_function_name),
            **dict.fromkeys(_ELIXIR_MODULES, _elixir_module_name),
        },
        body_of=dict.fromkeys(_ELIXIR_FUNCTIONS | _ELIXIR_MODULES, _elixir_body),
        type_of=_elixir_type,
    ),
    "bash": Grammar(
        functions=_set("function_definition"),
        blocks=_blocks("if_statement elif_clause else_clause"),
        plain_names=True,
    ),
    "haskell": Grammar(
        functions=_set("function bind"),
        classes=_set("class instance data_type newtype"),
        blocks=_blocks("declarations"),
        leading=_set("comment haddock pragma signature"),
        clauses=True,
        names={
            "function": _haskell_function_name,
            "bind": _haskell_function_name,
            "instance": _haskell_instance_name,
            "signature": lambda node: _haskell_name(node.child_by_field_name("name")),
        },
        body_of={
            "function": lambda node: node.child_by_field_name("match"),
            "bind": lambda node: node.child_by_field_name("match"),
            "class": lambda node: node.child_by_field_name("declarations"),
            "instance": lambda node: node.child_by_field_name("declarations"),
            "data_type": lambda node: node.child_by_field_name("constructors"),
            "newtype": lambda node: node.child_by_field_name("constructor"),
        },
    ),
    "lua": Grammar(
        functions=_set("function_declaration assignment_statement"),
        wrappers=_set("variable_declaration"),
        blocks=_blocks("do_statement block"),
        names={"function_declaration": _lua_function_name, "assignment_statement": _lua_assigned_name},
        body_of={"function_declaration": _lua_function_body, "assignment_statement": _lua_assigned_body},
    ),
    "zig": Grammar(
        functions=_set("function_declaration"),
        classes=_set("variable_declaration type_function"),
        blocks=_blocks(""),
        names={
            "variable_declaration": _first_identifier,
            "function_declaration": lambda node: _zig_identifier(node.child_by_field_name("name")),
        },
        body_of={"variable_declaration": _zig_container, "type_function": _zig_returned_container},
        type_of=_zig_type,
    ),
}
