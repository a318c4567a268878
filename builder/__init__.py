"""Annotated reading edition generator."""

__version__ = "0.1.0"
