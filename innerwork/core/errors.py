"""The refusal every product service raises when it will not do what a person asked."""


class Refused(Exception):
    """An action refused; `message` is written for the person and shown to them as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
