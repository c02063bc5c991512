"""Errors that stop a command: the coordinator's or developer's mistakes, never a submitter's.

Each carries its exit code (2: nothing done) and a Chinese message the CLI prints as is.
"""


class FormkitError(Exception):
    exit_code = 2

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class ConfigError(FormkitError):
    """formkit.toml or the roster is missing or wrong."""


class DeclarationError(FormkitError):
    """A form declaration in templates/ is broken."""
