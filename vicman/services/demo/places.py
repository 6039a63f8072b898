"""The made-up force area: six divisions with their towns, the teams they may have, and street names.

The streets and towns are invented; no address the demo makes describes a real place.
"""

from __future__ import annotations

from typing import NamedTuple


class DivisionSpec(NamedTuple):
    name: str
    code: str
    towns: tuple[str, ...]
    weight: float


DIVISIONS = (
    DivisionSpec("Northwold", "NW", ("Northwold", "Hexley Bridge", "Brackenford"), 1.25),
    DivisionSpec("Eastmere", "EM", ("Eastmere", "Saltby Cross", "Fennick"), 1.0),
    DivisionSpec("Southbrook", "SB", ("Southbrook", "Lidgate Green", "Corrowby"), 1.1),
    DivisionSpec("Westhaven", "WH", ("Westhaven", "Pellingham", "Tarnside"), 0.9),
    DivisionSpec("Calderwick", "CW", ("Calderwick", "Millbeck", "Rushcombe"), 0.85),
    DivisionSpec("Ravensmoor", "RM", ("Ravensmoor", "Greyholt", "Kettlesby"), 0.8),
)
OPTIONAL_TEAMS = ("Neighbourhood", "Public Protection", "Roads Policing")
TEAM_SHARE = {"Response": 0.4, "CID": 0.25, "Neighbourhood": 0.2, "Public Protection": 0.15, "Roads Policing": 0.1}

STREET_WORDS = (
    "Larkspur",
    "Badger",
    "Kestrel",
    "Millrace",
    "Tanners",
    "Orchard",
    "Wharf",
    "Chapel",
    "Foxglove",
    "Rookery",
    "Copperbeech",
    "Weavers",
    "Saltings",
    "Hollybush",
    "Marlpit",
    "Fellside",
    "Ropewalk",
    "Quarry",
    "Brambling",
    "Cobbler",
    "Lantern",
    "Heronsgate",
    "Sandpiper",
    "Thistle",
    "Kingfisher",
    "Ashgrove",
    "Bellfounder",
    "Mardale",
    "Osier",
    "Pinfold",
    "Tenter",
    "Wychwood",
    "Yarrow",
    "Juniper",
    "Glebe",
    "Fernlea",
    "Sorrel",
    "Wagtail",
    "Dyehouse",
    "Cinder",
)
STREET_KINDS = (
    "Road",
    "Street",
    "Lane",
    "Close",
    "Avenue",
    "Crescent",
    "Way",
    "Gardens",
    "Terrace",
    "Drive",
    "Court",
    "Grove",
    "Mews",
    "Row",
)
