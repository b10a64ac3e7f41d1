"""Readers that turn lead files into raw records with a suggested column mapping.

No Qt and no database here: the readers and platform profiles depend only on
``schemas``. The readers themselves arrive with the import capability.
"""
