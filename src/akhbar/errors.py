"""The exception types the CLI turns into a plain message instead of a traceback."""


class UsageError(Exception):
    """Bad arguments, a missing path, an unreachable server: something the user can fix (exit 2)."""


class DataError(UsageError):
    """Bad data in the corpus or in an input: the message names file, line and rule, and the CLI prints it
    with exit 1, the exit code of a validation that found errors. A UsageError too, so that callers that
    catch those catch this."""
