"""Fixtures for the trainer tests: a small repository to mine (BEIR sets are written with tests/beir_sets.py)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

PARSER = '''
def parse_config(path):
    """Read a configuration file and return its settings as a dictionary.

    Lines starting with a hash are comments and are ignored by the reader,
    blank lines are skipped, and every other line must hold a key and a value
    separated by an equals sign; surrounding whitespace is removed from both.
    """
    settings = {}
    with open(path) as lines:
        for line in lines:
            if line.strip() and not line.startswith("#"):
                key, value = line.split("=", 1)
                settings[key.strip()] = value.strip()
    return settings


def merge_settings(first, second):
    """Combine two settings dictionaries, the second one winning on conflicts."""
    merged = dict(first)
    merged.update(second)
    for key in list(merged):
        if merged[key] is None:
            del merged[key]
    return merged


def merge_settings_copy(first, second):
    """Combine two settings dictionaries, the second one winning on conflicts."""
    merged = dict(first)
    merged.update(second)
    for key in list(merged):
        if merged[key] is None:
            del merged[key]
    return merged


class Registry:
    """Keep named plugins and look them up by their name."""

    def register(self, name, plugin):
        self.plugins[name] = plugin

    def lookup(self, name):
        return self.plugins[name]


class Store:
    def __init__(self):
        """Initialize self.  See help(type(self)) for accurate signature."""
        self.items = []
        self.size = 0
        self.closed = False

    def add_item(self, item):
        """Append an item to the store and count it in its size."""
        self.items.append(item)
        self.size += 1
        return self.size
'''

JAVA = '''
public class Stack {
    /**
     * Pushes an element on top of the stack and returns it.
     * @param item the element to push
     */
    public int push(int item) {
        items[size] = item;
        size = size + 1;
        return item;
    }
}
'''

README = '''# Shop

## Install the shop service

Run the installer from the project root and point it at a database; the service
creates its tables on the first start and then listens on port 8080 for requests.

## Usage

Short.
'''


@pytest.fixture()
def sample_repo(tmp_path) -> Path:
    root = tmp_path / "shop"
    files = {
        "shop/config.py": PARSER,
        "src/Stack.java": JAVA,
        "README.md": README,
        "tests/test_config.py": PARSER.replace("parse_config", "parse_config_in_test"),
        "vendor/lib/config.py": PARSER.replace("parse_config", "vendored_parse"),
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    return root
