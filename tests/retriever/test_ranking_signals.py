"""The ranking signals on a small real repository (real MiniLM, real engine): definitions first, with their
whole lines; path words lift their file; the top 10 spans files; docs still answer TechQA questions."""

from __future__ import annotations

import textwrap

import pytest
from shop_repo import write_files

from codesift.store.edge import EdgeStore
from indexer.pipeline import Indexer
from indexer.sources import resolve_source
from retriever.ranking import DEFAULT_WEIGHTS
from retriever.search import Searcher

ROUTER = '''class Router:
    """Maps URL paths to handler functions; routes are registered with add_route."""

    def __init__(self):
        self.routes = {}

    def add_route(self, path, handler):
        """Register a handler for a URL path."""
        self.routes[path] = handler

    def dispatch(self, request, method):
        """Call the handler registered for the request's path."""
        return self.routes[request.path](request)
''' + "".join(  # methods: the class's lines run well past its header
    f'''
    def handle_{n}(self, request):
        """Dispatch the {n} request to its handler."""
        return self.dispatch(request, "{n}")
'''
    for n in ("get", "post", "put", "patch", "delete", "head", "options", "trace")
)
FILES = {
    "webapp/routing.py": ROUTER,
    "webapp/helpers.py": '''
        def router(app):
            """Return the router an application uses."""
            return app.router


        def slugify(text):
            """Lower-case words joined by dashes, for URLs."""
            return "-".join(text.lower().split())
        ''',
    "webapp/cli.py": '''
        import argparse


        def main(argv=None):
            """Entry point: parse the arguments and start the server."""
            parser = argparse.ArgumentParser(prog="webapp")
            parser.add_argument("--port", type=int, default=8000)
            return parser.parse_args(argv)
        ''',
    "webapp/request_options.py": '''
        class Settings:
            """Per-call knobs: timeout in seconds, retries and extra headers."""

            def __init__(self, timeout=30, retries=0, headers=None):
                self.timeout = timeout
                self.retries = retries
                self.headers = headers or {}
        ''',
    "webapp/server.py": '''
        def serve(app, port):
            """Listen on a port and answer each request through the app."""
            while True:
                request = accept(port)
                app.router.dispatch(request, request.method)
        ''',
    "README.md": "# webapp\n\n## Router\n\nThe Router maps URL paths to handlers. Register routes with `add_route`.\n",
    "docs/routes.md": "# Routes\n\n## How are routes registered?\n\nCall `Router.add_route(path, handler)` for every URL path; "
    "the router keeps them in a dictionary and dispatches each request to the handler registered for its path.\n",
    "tests/test_routing.py": '''
        from webapp.routing import Router


        def test_routes_are_registered_and_dispatched():
            router = Router()
            router.add_route("/", lambda request: "home")
            assert router.routes
        ''',
}


@pytest.fixture(scope="module")
def searcher(minilm, tmp_path_factory):
    root = write_files(tmp_path_factory.mktemp("repo") / "webapp", FILES)
    store = EdgeStore(tmp_path_factory.mktemp("idx"), "c")
    Indexer(minilm, store).index(resolve_source(str(root), clones_dir=root.parent / "clones"), name="webapp")
    yield Searcher(minilm, store)
    store.close()


def _without(searcher: Searcher, signal: str) -> Searcher:
    return Searcher(searcher.embedder, searcher.store, weights=DEFAULT_WEIGHTS.without(signal))


def test_a_class_name_finds_its_definition_first_with_the_class_lines(searcher):
    hits = searcher.search("Router", k=10)
    first = hits[0]
    assert (first.path, first.symbol, first.kind) == ("webapp/routing.py", "Router", "class")
    assert first.start_line == 1 and first.end_line == len(ROUTER.splitlines())
    assert "name" in first.signals


def test_the_definition_beats_its_methods_a_namesake_and_the_readme(searcher):
    ranks = {(h.path, h.symbol): n for n, h in enumerate(searcher.search("Router", k=10))}
    router = ranks[("webapp/routing.py", "Router")]
    others = [n for (path, symbol), n in ranks.items() if symbol.startswith("Router.") or symbol == "router" or path == "README.md"]
    assert others and router < min(others)


def test_query_words_in_a_file_name_lift_that_file(searcher):
    query = "request options"
    with_paths = [h.path for h in searcher.search(query, k=10)]
    without = [h.path for h in _without(searcher, "paths").search(query, k=10)]
    assert with_paths[0] == "webapp/request_options.py"
    assert with_paths.index("webapp/request_options.py") < (without.index("webapp/request_options.py") if "webapp/request_options.py" in without else 10)


def test_the_top_ten_spans_more_files_than_the_scores_alone_would(searcher):
    query = "dispatch a request to its handler"
    spread = {h.path for h in searcher.search(query, k=5)}
    plain = {h.path for h in _without(searcher, "diversity").search(query, k=5)}
    assert len(spread) > len(plain)


def test_how_questions_get_source_first_and_techqa_still_gets_the_docs(searcher):
    query = "how are routes registered"
    code = searcher.search(query, k=10)
    assert code[0].path == "webapp/routing.py"
    assert all(h.path == "docs/routes.md" or h.language != "markdown" for h in code[:1])
    answers = searcher.search(query, task="techqa", k=3)
    assert "docs/routes.md" in [h.path for h in answers]


def test_tests_rank_below_the_code_they_test(searcher):
    paths = [h.path for h in searcher.search("register a route and dispatch it", k=10)]
    assert paths.index("webapp/routing.py") < paths.index("tests/test_routing.py")
