"""Actors resolved once: a state, or a bloc with its members in the year."""

from __future__ import annotations

import pytest

from migdip.data.actors import Party, is_known, kind_of, resolve
from migdip.data.countries import members
from migdip.errors import InputError


def test_a_state_is_its_own_member() -> None:
    tur = resolve(" tur ", 2016)
    assert tur == Party("TUR", "state", 2016, ("TUR",))
    assert not tur.is_bloc and not tur.within("EU")


def test_a_bloc_has_the_members_of_its_year() -> None:
    eu2012, eu2013 = resolve("EU", 2012), resolve("eu", 2013)
    assert eu2012.is_bloc and "HRV" not in eu2012.members and "HRV" in eu2013.members
    assert eu2012.at(2013) == eu2013 and eu2012.at(2012) is eu2012
    assert resolve(eu2012, 2021).members == tuple(members("EU", 2021))
    assert "GBR" in eu2012.members and "GBR" not in resolve("EU", 2021).members


def test_membership_of_a_bloc_is_read_for_the_year() -> None:
    assert resolve("DEU", 2016).within("EU") and resolve("EU", 2016).within("EU")
    assert resolve("HRV", 2013).within("EU") and not resolve("HRV", 2012).within("EU")


def test_an_unknown_code_names_itself_and_what_is_accepted() -> None:
    with pytest.raises(InputError, match=r"'XYZ' is neither .* e\.g\. TUR, DEU, EU"):
        resolve("xyz", 2016)
    assert not is_known("XYZ") and is_known("EU") and kind_of("EU") == "bloc"
