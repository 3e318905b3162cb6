"""A tiny random static model (a StaticEmbedding over a WordPiece vocabulary trained here) for tests."""

from __future__ import annotations


def build_tiny_static(directory, prompts: dict[str, str] | None = None, dim: int = 16) -> None:
    """A random StaticEmbedding over a WordPiece tokenizer trained here (lower case, no special tokens used)."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import StaticEmbedding
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, trainers

    corpus = [
        "def add_item(self, name, price): self.items.append((name, price))",
        "def total_price(self): return sum(price for _, price in self.items)",
        "Send a receipt e-mail to the customer over SMTP. Charge the customer for the cart.",
        "query: find code that parses json documents from a string",
    ] * 20
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.train_from_iterator(corpus, trainers.WordPieceTrainer(vocab_size=300, special_tokens=["[UNK]"]))
    torch.manual_seed(0)
    weights = torch.randn(tokenizer.get_vocab_size(), dim)
    model = SentenceTransformer(modules=[StaticEmbedding(tokenizer, embedding_weights=weights)], device="cpu")
    model.prompts = prompts or {}
    model.save(str(directory))
