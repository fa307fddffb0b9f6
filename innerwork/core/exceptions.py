"""Refusals meant for people: an exception whose `message` a view shows as it is.

Apps subclass `UserFacingError` for their own refusals (coaching's CoachError, ConversationError);
the texts are module constants where they are raised, so tests assert them exactly.
"""


class UserFacingError(Exception):
    """A refusal with a sentence for the person who asked; `message` is shown as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
