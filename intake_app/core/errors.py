"""Errors that reach a person: one clear sentence, with where the problem is."""

from __future__ import annotations


class IntakeError(Exception):
    """A refused input or a failed operation; nothing was written.

    The message is one sentence meant for the person at the keyboard. The CLI
    prints it to stderr and exits 1; the GUI shows it in a message box.
    """


class ValidationError(IntakeError):
    """Input that breaks a rule; ``field`` names the input that is wrong."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(IntakeError):
    """A record asked for by id does not exist."""


class DatabaseError(IntakeError):
    """The database cannot be opened, upgraded or written."""


class PermissionDeniedError(IntakeError):
    """The user's role does not allow the action (in the app, or the database said no)."""
