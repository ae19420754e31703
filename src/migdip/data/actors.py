"""An actor resolved once, where it enters: a state, or a bloc with its members in a given year.

Commands, API routes and the Atlas's episodes name actors by code ("TUR", "eu"); the layers
below them need the code's kind and, for a bloc, who its members were that year. ``resolve``
does that once and returns a ``Party`` that the bargaining, coupling and flow layers pass on,
instead of each upper-casing the code and re-deriving members and kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from migdip.data.countries import bloc_memberships, members, states
from migdip.errors import InputError, MigdipError

Kind = Literal["state", "bloc"]


def blocs_with_members() -> set[str]:
    """Blocs whose memberships are dated (``bloc_memberships.csv``)."""
    return {m.bloc for m in bloc_memberships()}


def kind_of(code: str) -> Kind:
    """``state`` or ``bloc``; an InputError naming the code and what is accepted otherwise."""
    if code in states():
        return "state"
    if code in blocs_with_members():
        return "bloc"
    known = ", ".join(sorted(blocs_with_members()))
    raise InputError(
        f"{code!r} is neither an ISO 3166 alpha-3 state code nor a bloc with dated members "
        f"({known}); e.g. TUR, DEU, EU"
    )


def is_known(code: str) -> bool:
    """Whether the data know ``code`` (a state or a bloc)."""
    try:
        kind_of(code)
    except MigdipError:
        return False
    return True


@dataclass(frozen=True)
class Party:
    """A state, or a bloc with its members during ``year`` (a state's members: itself)."""

    code: str
    kind: Kind
    year: int
    members: tuple[str, ...]

    @property
    def is_bloc(self) -> bool:
        return self.kind == "bloc"

    def within(self, bloc: str) -> bool:
        """Whether every member was a member of ``bloc`` during the year (the bloc itself too)."""
        return self.code == bloc or set(self.members) <= set(members(bloc, self.year))

    def at(self, year: int) -> Party:
        """The same actor in another year (a bloc's members as they were then)."""
        return self if year == self.year else resolve(self.code, year)


def resolve(actor: str | Party, year: int) -> Party:
    """The actor ``actor`` (a code in any case, or a Party) during ``year``."""
    if isinstance(actor, Party):
        return actor.at(year)
    code = actor.strip().upper()
    kind = kind_of(code)
    return Party(code, kind, year, tuple(members(code, year)) if kind == "bloc" else (code,))
