"""How much a source can be trusted, read from its address: official (governments and
intergovernmental bodies), mirrors and document dumps, news aggregators and scrapers, blogs,
encyclopedias, and everything else (press, research institutes, NGOs: `other`).

The classes come from the bundled `data/source_domains.csv` (a domain matches itself and its
sub-domains) and one rule: a host whose second-level label is a government label (`gov`,
`govt`, `gouv`, `gob`, `go`) under a two-letter country code (`dfa.gov.ph`, `mol.go.th`) is
official. The classification is a reading aid for curators and users, not a verdict: a
document dump may hold a genuine agreement; it says only that the address is not the
publisher's own.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

CLASSES = ("official", "other", "encyclopedia", "blog", "aggregator", "mirror")
WEAK = frozenset({"encyclopedia", "blog", "aggregator", "mirror"})
_GOVERNMENT_LABELS = frozenset({"gov", "govt", "gouv", "gob", "go"})


@cache
def _domains() -> dict[str, str]:
    text = resources.files("migdip.atlas").joinpath("data/source_domains.csv").read_text("utf-8")
    table: dict[str, str] = {}
    for row in csv.DictReader(text.splitlines()):
        if row["class"] not in CLASSES:
            raise ValueError(
                f"source_domains.csv: class {row['class']!r} of {row['domain']!r} is not one of "
                f"{', '.join(CLASSES)}"
            )
        table[row["domain"].lower()] = row["class"]
    return table


def host(url: str) -> str:
    """The address's host, lower case, without a leading `www.` or a port."""
    name = (urlsplit(url).hostname or "").lower()
    return name.removeprefix("www.")


def source_class(url: str) -> str:
    """One of CLASSES for the address."""
    labels = host(url).split(".")
    table = _domains()
    for start in range(len(labels)):
        found = table.get(".".join(labels[start:]))
        if found:
            return found
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _GOVERNMENT_LABELS:
        return "official"
    return "other"


def weak_only(urls: Iterable[str]) -> bool:
    """True when there is at least one address and every one is of a weak class."""
    classes = [source_class(u) for u in urls]
    return bool(classes) and all(c in WEAK for c in classes)
