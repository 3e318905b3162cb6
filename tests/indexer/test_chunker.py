"""Chunking real sources of every supported language, prose and damaged input."""

from __future__ import annotations

import textwrap

import pytest

from indexer.spans import WINDOW_LINES
from indexer.chunker import chunk_file
from indexer.languages import CODE_LANGUAGES, language_for_path, parser_for


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def spans(chunks, *kinds):
    return [(c.kind, c.symbol, c.start_line, c.end_line) for c in chunks if not kinds or c.kind in kinds]


def one(chunks, kind, symbol):
    found = [c for c in chunks if c.kind == kind and c.symbol == symbol]
    assert len(found) == 1, spans(chunks)
    return found[0]


def assert_covers_every_line(chunks, text):
    covered = {n for c in chunks for n in range(c.start_line, c.end_line + 1)}
    lost = [n for n, line in enumerate(text.split("\n"), 1) if line.strip() and n not in covered]
    assert not lost, f"lines not in any chunk: {lost}"


def assert_exact_code(chunks, text):
    lines = text.split("\n")
    for c in chunks:
        if c.kind != "class":
            assert c.code == "\n".join(lines[c.start_line - 1 : c.end_line]), c.symbol


# ------------------------------------------------------------------------ languages


def test_language_for_path():
    assert language_for_path("a/b.py") == "python"
    assert language_for_path("x.PYI") == "python"
    assert language_for_path("web/app.mjs") == "javascript"
    assert language_for_path("web/app.cts") == "typescript"
    assert language_for_path("web/App.tsx") == "tsx"
    assert language_for_path("src/lib.h") == "c"
    assert language_for_path("src/lib.hxx") == "cpp"
    assert language_for_path("Prog.cs") == "csharp"
    assert language_for_path("build.gradle.kts") == "kotlin"
    assert language_for_path("Rakefile") == "ruby"
    assert language_for_path("build.sc") == "scala"
    assert language_for_path("Sources/App.swift") == "swift"
    assert language_for_path("mix.exs") == "elixir"
    assert language_for_path("lib/bats-core/test_functions.bash") == "bash"
    assert language_for_path("install.sh") == "bash"
    assert language_for_path("src/Data/Aeson.hs") == "haskell"
    assert language_for_path("lua/mini/ai.lua") == "lua"
    assert language_for_path("lib/std/mem.zig") == "zig"
    assert language_for_path("docs/README.markdown") == "markdown"
    assert language_for_path("docs/index.rst") == "rst"
    assert language_for_path("LICENSE") == "text"
    assert language_for_path("data.csv") == "text"


def test_every_grammar_loads():
    assert CODE_LANGUAGES == {
        "python", "javascript", "typescript", "tsx", "go", "rust", "java",
        "c", "cpp", "csharp", "ruby", "php", "kotlin",
        "scala", "swift", "elixir", "bash", "haskell", "lua", "zig",
    }
    for language in CODE_LANGUAGES:
        tree = parser_for(language).parse(b"x")
        assert tree.root_node is not None
    assert parser_for("markdown") is None
    assert parser_for("text") is None


# ------------------------------------------------------------------------ class, method, function per language

# (path, source, class symbol, class lines, method symbol, method lines,
#  method header as the class summary shows it, function symbol, function lines)
CASES = [
    (
        "pkg/greet.py",
        '''
        class Greeter:
            """Says hello."""

            def greet(self, name):
                return "BODY_TOKEN"


        def helper():
            return 1
        ''',
        "Greeter", (1, 5), "Greeter.greet", (4, 5), "def greet(self, name): ...", "helper", (8, 9),
    ),
    (
        "web/greet.js",
        '''
        class Greeter {
          greet(name) {
            return "BODY_TOKEN";
          }
        }

        function helper() {
          return 1;
        }
        ''',
        "Greeter", (1, 5), "Greeter.greet", (2, 4), "greet(name) { ... }", "helper", (7, 9),
    ),
    (
        "web/greet.ts",
        '''
        export class Greeter {
          greet(name: string): string {
            return "BODY_TOKEN";
          }
        }

        const helper = (n: number): number => {
          return n;
        };
        ''',
        "Greeter", (1, 5), "Greeter.greet", (2, 4), "greet(name: string): string { ... }", "helper", (7, 9),
    ),
    (
        "web/Greet.tsx",
        '''
        class Greeter extends Component {
          greet(name: string) {
            return <b>BODY_TOKEN</b>;
          }
        }

        export default function helper() {
          return <i />;
        }
        ''',
        "Greeter", (1, 5), "Greeter.greet", (2, 4), "greet(name: string) { ... }", "helper", (7, 9),
    ),
    (
        "cmd/greet.go",
        '''
        package main

        import "fmt"

        // Greeter greets.
        type Greeter interface {
        \tGreet(name string) string
        }

        // Greet says hello.
        func (g *Greeter) Greet(name string) string {
        \treturn "BODY_TOKEN"
        }

        func helper() int {
        \treturn fmt.Sprint(1)
        }
        ''',
        "Greeter", (5, 8), "Greeter.Greet", (10, 13), "Greet(name string) string", "helper", (15, 17),
    ),
    (
        "src/greet.rs",
        '''
        /// A greeter.
        #[derive(Debug)]
        struct Greeter {
            name: String,
        }

        impl Greeter {
            fn greet(&self, name: &str) -> String {
                "BODY_TOKEN".to_string()
            }
        }

        fn helper() -> i32 {
            1
        }
        ''',
        "Greeter", (7, 11), "Greeter.greet", (8, 10), "fn greet(&self, name: &str) -> String { ... }",
        "helper", (13, 15),
    ),
    (
        "src/Greeter.java",
        '''
        package app;

        import java.util.List;

        /** Greets. */
        public class Greeter {
            private String prefix;

            @Override
            public String greet(String name) {
                return "BODY_TOKEN";
            }
        }
        ''',
        "Greeter", (5, 13), "Greeter.greet", (9, 12), "public String greet(String name) { ... }", None, None,
    ),
    (
        "src/greet.c",
        '''
        #include <stdio.h>
        #include <string.h>

        struct greeter {
            const char *prefix;
        };

        /* Says hello. */
        static const char *greet(struct greeter *g, const char *name) {
            return "BODY_TOKEN";
        }
        ''',
        "greeter", (4, 6), None, None, "const char *prefix;", "greet", (8, 11),
    ),
    (
        "src/greet.cpp",
        '''
        #include <string>
        #include <vector>

        namespace app {

        class Greeter {
        public:
            std::string greet(const std::string &name) {
                return "BODY_TOKEN";
            }
        };

        int helper() { return 1; }
        }
        ''',
        "app.Greeter", (6, 11), "app.Greeter.greet", (8, 10), "std::string greet(const std::string &name) { ... }",
        "app.helper", (13, 14),
    ),
    (
        "src/Greeter.cs",
        '''
        using System;

        namespace App.Core
        {
            public class Greeter
            {
                public string Greet(string name)
                {
                    return "BODY_TOKEN";
                }
            }
        }
        ''',
        "App.Core.Greeter", (5, 12), "App.Core.Greeter.Greet", (7, 10), "public string Greet(string name) { ... }",
        None, None,
    ),
    (
        "lib/greet.rb",
        '''
        require "json"
        require "set"

        module Greetings
          class Greeter
            def greet(name)
              "BODY_TOKEN"
            end
          end
        end

        def helper
          1
        end
        ''',
        "Greetings.Greeter", (5, 9), "Greetings.Greeter.greet", (6, 8), "def greet(name) ...", "helper", (12, 14),
    ),
    (
        "src/Greeter.php",
        '''
        <?php
        namespace App;

        class Greeter
        {
            public function greet(string $name): string
            {
                return "BODY_TOKEN";
            }
        }

        function helper() { return 1; }
        ''',
        "Greeter", (4, 10), "Greeter.greet", (6, 9), "public function greet(string $name): string { ... }",
        "helper", (12, 12),
    ),
    (
        "src/Greeter.kt",
        '''
        package app

        import kotlin.math.max

        class Greeter(val prefix: String) {
            val count = 0

            fun greet(name: String): String {
                return "BODY_TOKEN"
            }
        }

        fun helper(): Int {
            return 1
        }
        ''',
        "Greeter", (5, 11), "Greeter.greet", (8, 10), "fun greet(name: String): String { ... }", "helper", (13, 15),
    ),
    (
        "src/Greeter.scala",
        '''
        class Greeter(prefix: String) {
          def greet(name: String): String = {
            "BODY_TOKEN"
          }
        }

        def helper(): Int = 1
        ''',
        "Greeter", (1, 5), "Greeter.greet", (2, 4), "def greet(name: String): String = { ... }", "helper", (7, 7),
    ),
    (
        "Sources/Greeter.swift",
        '''
        struct Greeter {
            func greet(name: String) -> String {
                return "BODY_TOKEN"
            }
        }

        func helper() -> Int { 1 }
        ''',
        "Greeter", (1, 5), "Greeter.greet", (2, 4), "func greet(name: String) -> String { ... }", "helper", (7, 7),
    ),
    (
        "lib/greeter.ex",
        '''
        defmodule App.Greeter do
          def greet(name) do
            "BODY_TOKEN"
          end
        end
        ''',
        "App.Greeter", (1, 5), "App.Greeter.greet", (2, 4), "def greet(name) ...", None, None,
    ),
    (
        "bin/greet.sh",
        '''
        greet() {
          echo "BODY_TOKEN"
        }
        ''',
        None, None, None, None, None, "greet", (1, 3),
    ),
    (
        "src/Greeter.hs",
        '''
        class Greeter a where
          greet :: a -> String
          greet _ = "BODY_TOKEN"

        helper :: Int
        helper = 1
        ''',
        "Greeter", (1, 3), "Greeter.greet", (2, 3), "greet _ = ...", "helper", (5, 6),
    ),
    (
        "lua/greeter.lua",
        '''
        local Greeter = {}

        function Greeter:greet(name)
          return "BODY_TOKEN"
        end

        local function helper()
          return 1
        end
        ''',
        None, None, "Greeter.greet", (3, 5), None, "helper", (7, 9),
    ),
    (
        "src/greeter.zig",
        '''
        const Greeter = struct {
            pub fn greet(name: []const u8) []const u8 {
                return "BODY_TOKEN";
            }
        };

        fn helper() u32 {
            return 1;
        }
        ''',
        "Greeter", (1, 5), "Greeter.greet", (2, 4), "pub fn greet(name: []const u8) []const u8 { ... }",
        "helper", (7, 9),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0].rsplit(".", 1)[1] for c in CASES])
def test_class_method_and_function(case):
    path, source, cls, cls_lines, method, method_lines, summary_line, function, function_lines = case
    text = src(source)
    chunks = chunk_file("repo", path, text)
    assert all(c.repo == "repo" and c.path == path for c in chunks)
    assert all(c.language == language_for_path(path) for c in chunks)

    if cls is not None:  # Bash and Lua have no classes
        classes = [c for c in chunks if c.kind == "class" and c.symbol == cls]
        [klass] = [c for c in classes if (c.start_line, c.end_line) == cls_lines]  # Rust: struct and impl
        assert summary_line in klass.code
        assert "BODY_TOKEN" not in klass.code
        assert klass.parent == cls.rpartition(".")[0]

    if method is not None:
        chunk = one(chunks, "method", method)
        assert (chunk.start_line, chunk.end_line) == method_lines
        assert "BODY_TOKEN" in chunk.code
        assert chunk.parent == method.rpartition(".")[0]
        assert chunk.signature and "BODY_TOKEN" not in chunk.signature
    if function is not None:
        chunk = one(chunks, "function", function)
        assert (chunk.start_line, chunk.end_line) == function_lines
        assert chunk.parent == function.rpartition(".")[0]

    assert_covers_every_line(chunks, text)
    assert_exact_code(chunks, text)
    assert [c.start_line for c in chunks] == sorted(c.start_line for c in chunks)


def test_all_languages_covered_by_cases():
    assert {language_for_path(c[0]) for c in CASES} == CODE_LANGUAGES


# ------------------------------------------------------------------------ language specifics


def test_go_struct_and_receiver_methods():
    text = src(
        """
        package shapes

        type Point struct {
        \tX, Y int
        }

        func (p Point) Norm() int { return p.X }
        func (p *Point[T]) Move() {}
        """
    )
    chunks = chunk_file("r", "shapes.go", text)
    assert spans(chunks) == [
        ("module", "", 1, 1),
        ("class", "Point", 3, 5),
        ("method", "Point.Norm", 7, 7),
        ("method", "Point.Move", 8, 8),
    ]
    assert "X, Y int" in one(chunks, "class", "Point").code
    assert one(chunks, "method", "Point.Norm").signature == "func (p Point) Norm() int"


def test_rust_trait_impl_and_mod():
    text = src(
        """
        impl<T> fmt::Display for Wrapper<T> {
            fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
                Ok(())
            }
        }

        mod inner {
            pub fn f() {}
        }
        """
    )
    chunks = chunk_file("r", "lib.rs", text)
    assert spans(chunks) == [
        ("class", "Wrapper", 1, 5),
        ("method", "Wrapper.fmt", 2, 4),
        ("module", "", 7, 7),  # the lone `mod inner {` opener stays a module chunk
        ("function", "inner.f", 8, 9),  # the closing `}` joins the definition above it
    ]
    assert one(chunks, "function", "inner.f").parent == "inner"


def test_cpp_out_of_line_methods_and_templates():
    text = src(
        """
        #include "greeter.h"
        #include <utility>

        int Greeter::count(int a) {
            return a;
        }

        Greeter::~Greeter() {}

        template <typename T>
        T identity(T x) { return x; }
        """
    )
    chunks = chunk_file("r", "greeter.cc", text)
    assert spans(chunks, "function", "method") == [
        ("method", "Greeter.count", 4, 6),
        ("method", "Greeter.~Greeter", 8, 8),
        ("function", "identity", 10, 11),
    ]
    count = one(chunks, "method", "Greeter.count")
    assert count.parent == "Greeter"
    assert count.signature == "int Greeter::count(int a)"
    assert_covers_every_line(chunks, text)


def test_java_enum_and_interface_members():
    text = src(
        """
        enum Color {
            RED, GREEN;

            int code() {
                return 1;
            }
        }

        interface Shape {
            double area();
        }
        """
    )
    chunks = chunk_file("r", "Color.java", text)
    assert spans(chunks) == [("class", "Color", 1, 7), ("method", "Color.code", 4, 6), ("class", "Shape", 9, 11)]
    assert "double area();" in one(chunks, "class", "Shape").code  # a bodiless method is summary only


def test_ruby_class_and_module_keywords():
    """Ruby's `class`/`module` keyword tokens must not be taken for definitions."""
    text = src(
        """
        module Outer
          class Inner < Base
            attr_reader :x

            def self.build(x)
              new(x)
            end

            class << self
              def registry
                @registry ||= {}
              end
            end
          end
        end

        class A::B
          def m = 1
        end
        """
    )
    chunks = chunk_file("r", "outer.rb", text)
    assert spans(chunks) == [
        ("class", "Outer", 1, 15),
        ("class", "Outer.Inner", 2, 14),
        ("method", "Outer.Inner.build", 5, 7),
        ("method", "Outer.Inner.registry", 10, 12),
        ("class", "A.B", 17, 19),
        ("method", "A.B.m", 18, 18),
    ]
    inner = one(chunks, "class", "Outer.Inner")
    assert "attr_reader :x" in inner.code
    assert "def self.build(x) ..." in inner.code
    assert "new(x)" not in inner.code
    assert one(chunks, "class", "Outer").code.count("class Inner < Base ...") == 1


@pytest.mark.parametrize(
    "path, text, expected",
    [
        (
            "Shapes.kt",
            "sealed class Shape\ndata class Circle(val r: Double) : Shape()\nobject Empty : Shape()\n",
            [("class", "Shape", 1, 1), ("class", "Circle", 2, 2), ("class", "Empty", 3, 3)],
        ),
        (
            "Point.cs",
            "namespace Geo;\n\npublic record Point(int X, int Y);\npublic readonly record struct Size(int W);\n",
            [("module", "", 1, 1), ("class", "Point", 3, 3), ("class", "Size", 4, 4)],
        ),
        (
            "units.rs",
            "pub struct Meters(pub f64);\npub struct Marker;\n",
            [("class", "Meters", 1, 1), ("class", "Marker", 2, 2)],
        ),
    ],
)
def test_types_without_a_body_are_definitions(path, text, expected):
    chunks = chunk_file("r", path, text)
    assert spans(chunks) == expected
    lines = text.split("\n")
    assert all(c.code == lines[c.start_line - 1] for c in chunks)  # the summary of a bodiless type is itself


def test_kotlin_objects_and_companions():
    text = src(
        """
        object Registry {
            fun lookup(key: String): Int {
                return 0
            }
        }

        class Widget {
            companion object {
                fun create(): Widget = Widget()
            }
        }
        """
    )
    chunks = chunk_file("r", "Registry.kt", text)
    assert spans(chunks) == [
        ("class", "Registry", 1, 5),
        ("method", "Registry.lookup", 2, 4),
        ("class", "Widget", 7, 11),
        ("class", "Widget.Companion", 8, 10),
        ("method", "Widget.Companion.create", 9, 9),
    ]
    assert "fun create(): Widget = ..." in one(chunks, "class", "Widget.Companion").code


def test_javascript_arrow_functions_and_class_fields():
    text = src(
        """
        import x from "y";
        import z from "w";

        export const add = (a, b) => a + b;

        class Button {
          onClick = (event) => {
            return event;
          };
        }
        """
    )
    chunks = chunk_file("r", "button.jsx", text)
    assert spans(chunks) == [
        ("module", "", 1, 2),
        ("function", "add", 4, 4),
        ("class", "Button", 6, 10),
        ("method", "Button.onClick", 7, 9),
    ]
    assert one(chunks, "function", "add").signature == "export const add = (a, b) =>"
    assert "onClick = (event) => { ... };" in one(chunks, "class", "Button").code


def test_javascript_functions_assigned_to_members_are_definitions():
    text = src(
        """
        var res = Object.create(http.ServerResponse.prototype);

        /**
         * Send a file.
         */

        res.sendFile = function sendFile(path, options) {
          return send(path, options);
        };

        Router.prototype.route = function (path) {
          return new Route(path);
        };

        module.exports = function createApplication() {
          return app;
        };

        export const ZodObject = /*@__PURE__*/ $constructor("ZodObject", (inst, def) => {
          inst.shape = def.shape;
        });

        res.locals = {};
        """
    )
    chunks = chunk_file("r", "lib/response.js", text)
    assert spans(chunks) == [
        ("module", "", 1, 1),
        ("method", "res.sendFile", 3, 9),  # with its doc block, one blank line above
        ("method", "Router.route", 11, 13),
        ("function", "createApplication", 15, 17),
        ("function", "ZodObject", 19, 21),  # a factory call whose last argument is the function
        ("module", "", 23, 23),
    ]
    assert one(chunks, "method", "res.sendFile").signature == "res.sendFile = function sendFile(path, options)"


def test_typescript_namespace_and_interface():
    text = src(
        """
        namespace Geometry {
          export function area(r: number): number {
            return r * r;
          }
        }

        export interface Shape {
          area(): number;
        }

        /** A function from a state to the next. */
        export type Reducer<S> = (
          state: S
        ) => S
        """
    )
    chunks = chunk_file("r", "geo.ts", text)
    assert ("function", "Geometry.area", 2, 5) in spans(chunks)  # with the closing `}`, not the opener
    assert ("class", "Shape", 7, 9) in spans(chunks)
    assert ("class", "Reducer", 11, 14) in spans(chunks)  # a type alias is a definition, its doc comment with it
    assert one(chunks, "function", "Geometry.area").parent == "Geometry"
    assert_covers_every_line(chunks, text)


def test_csharp_expression_bodied_and_operator():
    text = src(
        """
        public struct Money
        {
            public int Cents => cents;
            public int Twice(int x) => x * 2;
            public static Money operator +(Money a, Money b) { return a; }
        }
        """
    )
    chunks = chunk_file("r", "Money.cs", text)
    assert spans(chunks) == [
        ("class", "Money", 1, 6),
        ("method", "Money.Twice", 4, 4),
        ("method", "Money.operator+", 5, 5),
    ]
    summary = one(chunks, "class", "Money").code
    assert "public int Twice(int x) => ...;" in summary
    assert "x * 2" not in summary


def test_php_methods_in_trait():
    text = src(
        """
        <?php
        trait Greets {
            public function hello() { return "hi"; }
        }
        """
    )
    chunks = chunk_file("r", "greets.php", text)
    assert spans(chunks) == [("module", "", 1, 1), ("class", "Greets", 2, 4), ("method", "Greets.hello", 3, 3)]


# ------------------------------------------------------------------------ python details


PYTHON_MODULE = src(
    '''
    #!/usr/bin/env python
    """Module docstring."""
    import os
    import sys

    CONSTANT = 1


    # Attached comment.
    @decorator
    @other(arg=1)
    def top(a, b) -> int:
        def nested():
            return 1

        return a + b


    class Outer(Base):
        """Outer docstring."""

        attr: int = 1

        class Inner:
            def method(self):
                return "INNER_BODY"

        @property
        def value(self):
            """Value docstring."""
            return self.attr


    if sys.platform == "win32":
        def platform_name():
            return "windows"
    else:
        def platform_name():
            return "posix"

    result = top(1, 2)
    print(result)
    '''
)


def test_python_chunks():
    chunks = chunk_file("r", "mod.py", PYTHON_MODULE)
    assert spans(chunks) == [
        ("module", "", 1, 6),
        ("function", "top", 9, 16),
        ("class", "Outer", 19, 31),
        ("class", "Outer.Inner", 24, 26),
        ("method", "Outer.Inner.method", 25, 26),
        ("method", "Outer.value", 28, 31),
        ("module", "", 34, 34),  # a lone `if …:` stays a module chunk: definitions keep exact lines
        ("function", "platform_name", 35, 36),
        ("module", "", 37, 37),
        ("function", "platform_name", 38, 39),
        ("module", "", 41, 42),
    ]
    assert_covers_every_line(chunks, PYTHON_MODULE)
    assert_exact_code(chunks, PYTHON_MODULE)


def test_python_decorators_and_nested_functions_stay_in_function():
    chunks = chunk_file("r", "mod.py", PYTHON_MODULE)
    top = one(chunks, "function", "top")
    assert top.code.startswith("# Attached comment.\n@decorator\n@other(arg=1)\ndef top(a, b) -> int:")
    assert "def nested():" in top.code
    assert top.signature == "def top(a, b) -> int:"
    assert top.parent == ""
    assert not [c for c in chunks if "nested" in c.symbol]


def test_python_class_summary():
    chunks = chunk_file("r", "mod.py", PYTHON_MODULE)
    outer = one(chunks, "class", "Outer")
    assert outer.code == src(
        '''
        class Outer(Base):
            """Outer docstring."""

            attr: int = 1

            class Inner: ...

            @property
            def value(self): ...
        '''
    ).rstrip("\n")
    assert outer.signature == "class Outer(Base):"
    inner = one(chunks, "class", "Outer.Inner")
    assert inner.parent == "Outer"
    assert inner.code == "    class Inner:\n        def method(self): ..."
    method = one(chunks, "method", "Outer.Inner.method")
    assert method.parent == "Outer.Inner"
    assert method.code == '        def method(self):\n            return "INNER_BODY"'


def test_python_module_groups_are_split_by_definitions():
    text = src(
        """
        import a
        import b

        def f():
            pass

        X = 1
        Y = 2

        def g():
            pass

        Z = 3
        """
    )
    chunks = chunk_file("r", "m.py", text)
    assert spans(chunks) == [
        ("module", "", 1, 2),
        ("function", "f", 4, 5),
        ("module", "", 7, 8),
        ("function", "g", 10, 11),
        ("module", "", 13, 13),  # a lone trailing line stays its own chunk
    ]
    assert one(chunks, "function", "g").code == "def g():\n    pass"
    assert_covers_every_line(chunks, text)


def test_long_function_becomes_windows():
    body = "".join(f"    x{i} = {i}\n" for i in range(2100))
    text = "def huge():\n" + body
    chunks = chunk_file("r", "big.py", text)
    assert {c.symbol for c in chunks} == {"huge"}
    assert {c.kind for c in chunks} == {"function"}
    assert [c.window for c in chunks] == list(range(len(chunks)))
    assert chunks[0].start_line == 1 and chunks[-1].end_line == 2101
    assert all(c.end_line - c.start_line + 1 <= WINDOW_LINES for c in chunks)
    assert_covers_every_line(chunks, text)
    assert_exact_code(chunks, text)


def test_class_summary_stays_whole_for_long_class():
    methods = "".join(f"    def m{i}(self):\n" + "        pass\n" * 10 for i in range(200))
    text = "class Big:\n" + methods
    chunks = chunk_file("r", "big.py", text)
    big = one(chunks, "class", "Big")
    assert (big.start_line, big.end_line) == (1, 2201)
    assert big.code.count("): ...") == 200
    assert len([c for c in chunks if c.kind == "method"]) == 200


# ------------------------------------------------------------------------ prose and text


MARKDOWN = src(
    """
    Intro before any heading.

    # Install

    Get it.

    ## From source

    ```bash
    # not a heading
    make install
    ```

    ## From PyPI ##
    pip install it

    Usage
    =====

    Run it.

    Options
    -------
    --help
    """
)


def test_markdown_sections():
    chunks = chunk_file("r", "docs/README.md", MARKDOWN)
    assert [(c.symbol, c.parent, c.start_line, c.end_line, c.signature) for c in chunks] == [
        ("", "", 1, 1, ""),
        ("Install", "", 3, 5, "# Install"),
        ("Install > From source", "Install", 7, 12, "## From source"),
        ("Install > From PyPI", "Install", 14, 15, "## From PyPI ##"),
        ("Usage", "", 17, 20, "Usage"),
        ("Usage > Options", "Usage", 22, 24, "Options"),
    ]
    assert {c.kind for c in chunks} == {"section"}
    assert "# not a heading" in chunks[2].code
    assert_exact_code(chunks, MARKDOWN)


def test_markdown_front_matter_and_unclosed_fence():
    text = src(
        """
        ---
        title: Page
        ---
        # Real
        ~~~
        # inside an unclosed fence
        """
    )
    chunks = chunk_file("r", "page.md", text)
    assert [(c.symbol, c.start_line, c.end_line) for c in chunks] == [("", 1, 3), ("Real", 4, 6)]


RST = src(
    """
    =========
     Project
    =========

    Intro.

    Install
    -------

    Text::

        code
        ----

    Details
    ~~~~~~~

    More.

    Usage
    -----

    Use it.
    """
)


def test_rst_sections():
    chunks = chunk_file("r", "docs/index.rst", RST)
    assert [(c.symbol, c.parent, c.start_line, c.end_line) for c in chunks] == [
        ("Project", "", 1, 5),
        ("Project > Install", "Project", 7, 13),
        ("Project > Install > Details", "Project > Install", 15, 18),
        ("Project > Usage", "Project", 20, 23),
    ]
    assert chunks[0].signature == "Project"
    assert {c.kind for c in chunks} == {"section"}
    assert_covers_every_line(chunks, RST)


def test_text_windows():
    text = "\n".join(f"line {i}" for i in range(1, 131))
    chunks = chunk_file("r", "notes.txt", text)
    assert [(c.start_line, c.end_line, c.window) for c in chunks] == [(1, 60, 0), (51, 110, 1), (101, 130, 2)]
    assert {(c.kind, c.language, c.symbol) for c in chunks} == {("text", "text", "")}
    assert chunks[1].code.startswith("line 51\n")


def test_short_text_is_one_chunk():
    chunks = chunk_file("r", "LICENSE", "MIT License\n\nCopyright\n")
    assert spans(chunks) == [("text", "", 1, 4)]
    assert chunks[0].code == "MIT License\n\nCopyright\n"


@pytest.mark.parametrize("path", ["a.py", "a.go", "a.md", "a.rst", "a.txt"])
@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\n"])
def test_blank_files_have_no_chunks(path, text):
    assert chunk_file("r", path, text) == []


# ------------------------------------------------------------------------ damaged input


GARBAGE = [
    "\x00\x00def f(:\n\x00",
    "\ufffd\ufffd class {{{ \ufffd\n}}}",
    "\ud800 lone surrogate\ndef g(): pass\n",
    "(" * 5000,
    "class " * 500,
    "{" * 3000 + "}" * 3,
    "def f():\n" + "    " * 500 + "x\n",
    "fn ) } ] end end def \x00 \ufffd namespace { class (\n" * 50,
    "```\n# x\n",
    "=====\n-----\n~~~~~\n",
]
PATHS = ["a.py", "a.js", "a.ts", "a.tsx", "a.go", "a.rs", "a.java", "a.c", "a.cpp", "a.cs", "a.rb", "a.php",
         "a.kt", "a.scala", "a.swift", "a.ex", "a.sh", "a.hs", "a.lua", "a.zig", "a.md", "a.rst", "a.txt"]


@pytest.mark.parametrize("path", PATHS)
def test_garbage_never_crashes(path):
    for text in GARBAGE:
        chunks = chunk_file("r", path, text)
        n_lines = len(text.split("\n"))
        assert chunks, repr(text[:20])
        for c in chunks:
            assert c.code.strip()
            assert 1 <= c.start_line <= c.end_line <= n_lines
        if language_for_path(path) not in ("markdown", "rst"):
            assert_covers_every_line(chunks, text)


def test_broken_python_still_finds_functions():
    text = src(
        """
        def good(a):
            return a

        def broken(:
            pass

        class Fine:
            def ok(self):
                return 1
        """
    )
    chunks = chunk_file("r", "broken.py", text)
    symbols = {c.symbol for c in chunks if c.kind in ("function", "method")}
    assert {"good", "Fine.ok"} <= symbols
    assert_covers_every_line(chunks, text)


def test_useless_tree_falls_back_to_windows():
    text = "\n".join("}}} ((( @@@ $$$" for _ in range(100))
    chunks = chunk_file("r", "noise.py", text)
    assert [(c.kind, c.start_line, c.end_line) for c in chunks] == [("text", 1, 60), ("text", 51, 100)]
    assert {c.language for c in chunks} == {"python"}


def test_nul_and_replacement_chars_keep_line_numbers():
    text = "x = '\x00\ufffd'\ny = '\x00'\n\n\ndef after():\n    return '\ufffd'\n"
    chunks = chunk_file("r", "nul.py", text)
    assert spans(chunks) == [("module", "", 1, 2), ("function", "after", 5, 6)]
    assert one(chunks, "function", "after").code == "def after():\n    return '\ufffd'"


def test_deterministic():
    first = chunk_file("r", "mod.py", PYTHON_MODULE)
    second = chunk_file("r", "mod.py", PYTHON_MODULE)
    assert first == second
    assert [c.content_hash for c in first] == [c.content_hash for c in second]
