"""The exceptions migdip raises. Every message names the object, the bad value and the fix."""

from __future__ import annotations


class MigdipError(Exception):
    """Base class of every error migdip raises on purpose."""


class NotFoundError(MigdipError):
    """A named thing (record, actor, dataset) does not exist."""


class InputError(MigdipError):
    """A value given by the user is not one of the accepted forms."""


class WarehouseError(MigdipError):
    """The warehouse cannot be opened, migrated or written."""
