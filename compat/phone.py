"""Placeholder: replaced by the phone module."""

from __future__ import annotations


def normalize(value: str, region: str = "US", *, field: str | None = None) -> str:
    return value
