"""Normalisers: one plain function per kind of field, each returning the value, and its issues."""
