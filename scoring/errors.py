"""The one exception of the scoring package.

    RubricError(UserInputError, ValueError)  -- a rubric, sector map, action list or audit template
                                file is missing, unreadable or invalid. The message
                                is plain French for the person who edited the file.
"""


from core.errors import UserInputError


class RubricError(UserInputError, ValueError):
    """A scoring data file is invalid; the message says where and why, in French."""
