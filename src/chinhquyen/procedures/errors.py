"""Domain errors of the procedure catalogue.

Bad input raises Django's ``ValidationError`` (bilingual messages naming the field; views
answer 400). The errors below are about the *state* of the catalogue, not about the input:

* :class:`InvalidState` — the action does not fit the object's state (editing a published
  version, publishing twice …); views answer 409.
* :class:`NoVersionInForce` / :class:`NoProcessInForce` — nothing was in force at that instant.
"""

from django.core.exceptions import ValidationError


class InvalidState(Exception):
    """The action is not allowed in the current state (answer 409 with ``message``)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NoVersionInForce(LookupError):
    """No published version of the procedure was in force at the given instant."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NoProcessInForce(LookupError):
    """No published process definition applied to the procedure and agency at that instant."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ProcessInvalid(ValidationError):
    """A process definition cannot be published; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]):
        super().__init__(problems, code="process_invalid")
        self.problems = list(problems)
