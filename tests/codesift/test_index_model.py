"""Opening an index with its model: the recorded model by default, a requested one only when it matches."""

from __future__ import annotations

import pytest
from shop_repo import COLLECTION

from codesift.config import Settings
from codesift.errors import ModelMismatchError
from codesift.index_model import load_checked_embedder, model_for
from codesift.store import open_store


def test_an_index_opens_with_the_model_it_was_built_with(indexed_home):
    settings = Settings().with_overrides(home=indexed_home, model="jina-code-0.5b")
    with open_store(COLLECTION, home=indexed_home) as store:
        assert model_for(store, None, settings) == "minilm"
        assert model_for(store, "other", settings) == "other"
        assert load_checked_embedder(store, None, settings).name == "minilm"


def test_a_new_index_takes_the_configured_model(tmp_path):
    settings = Settings().with_overrides(home=tmp_path, model="some-model")
    with open_store("fresh", home=tmp_path) as store:
        assert model_for(store, None, settings) == "some-model"


def test_another_model_than_the_index_holds_is_refused(indexed_home, tiny_decoder_dir):
    with open_store(COLLECTION, home=indexed_home) as store:
        with pytest.raises(ModelMismatchError, match="built with model 'minilm'"):
            load_checked_embedder(store, str(tiny_decoder_dir), Settings().with_overrides(home=indexed_home))
