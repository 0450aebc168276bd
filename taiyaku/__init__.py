"""taiyaku (対訳): Japanese-English translation alignment, from a document pair to a reviewed corpus."""

__version__ = "0.1.0"
