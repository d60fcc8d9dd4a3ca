"""The one exception type the CLI turns into a plain message (exit 2) instead of a traceback."""


class UsageError(Exception):
    """Bad arguments, a missing path, an unreachable server: something the user can fix."""
