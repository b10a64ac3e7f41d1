"""The Qt desktop shell. The only package that imports PySide6."""
