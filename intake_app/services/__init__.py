"""Use cases shared by the GUI and the CLI: each takes an :class:`AppContext`."""
