"""Errors users can act on: each carries one line that the CLI prints without a traceback."""


class CodesiftError(Exception):
    """A failure with a one-line, user-facing explanation."""


class IndexBusyError(CodesiftError):
    """Another process holds the embedded index open."""


class DamagedIndexError(CodesiftError):
    """The index's metadata is missing, truncated or not what codesift wrote."""


class ModelMismatchError(CodesiftError):
    """The index was built with a different embedding model or chunker."""


class SourceError(CodesiftError):
    """A repository path or URL that cannot or must not be used."""


class ModelLoadError(CodesiftError):
    """An embedding model that cannot be loaded (unreachable hub id, bad directory)."""


class ModelNotBuiltError(ModelLoadError):
    """A model that is built on this machine (the `static` preset) and has not been built yet."""


class LLMNotConfiguredError(CodesiftError):
    """No chat model is configured (CODESIFT_LLM_BASE_URL and CODESIFT_LLM_MODEL)."""


class LLMUnavailableError(CodesiftError):
    """The chat model endpoint failed: unreachable, timed out, refused the key, rate-limiting or not OpenAI-compatible."""
