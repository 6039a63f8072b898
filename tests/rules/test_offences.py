"""Offence classes: which Code categories a free-text offence from the crime system falls into."""

from __future__ import annotations

import pytest

from vicman.rules.code import CodeBook, CodeDataError
from vicman.rules.offences import load_offence_classes

CLASSES = {
    "domestic_abuse", "hate_crime", "terrorism", "sexual_offence", "human_trafficking", "attempted_murder",
    "kidnap", "false_imprisonment", "arson_endangering_life", "wounding_gbh_with_intent", "vehicle_crime",
    "minor_criminal_damage",
}

TABLE = [
    # domestic abuse: "domestic" as a qualifier, never the property sense
    ("Common assault - domestic", {"domestic_abuse"}),
    ("Assault occasioning actual bodily harm (domestic)", {"domestic_abuse"}),
    ("Domestic violence", {"domestic_abuse"}),
    ("Assault (DA)", {"domestic_abuse"}),
    ("Assault (da)", set()),
    ("Controlling or coercive behaviour", {"domestic_abuse"}),
    ("Domestic burglary", set()),
    ("Burglary - domestic", set()),
    ("Non-domestic burglary", set()),
    # hate crime
    ("Racially aggravated common assault", {"hate_crime"}),
    ("Homophobic assault", {"hate_crime"}),
    ("Disability hate crime", {"hate_crime"}),
    ("Sexual orientation hate crime", {"hate_crime"}),          # not a sexual offence
    # sexual offences
    ("Rape", {"sexual_offence"}),
    ("Attempted rape", {"sexual_offence"}),
    ("Sexual activity with a child", {"sexual_offence"}),
    ("Indecent exposure", {"sexual_offence"}),
    ("Voyeurism", {"sexual_offence"}),
    ("Rapeseed theft", set()),
    ("Theft of grapes", set()),
    # trafficking and slavery; not drugs
    ("Trafficking of people", {"human_trafficking"}),
    ("Modern slavery", {"human_trafficking"}),
    ("Forced labour", {"human_trafficking"}),
    ("Drug trafficking", set()),
    ("Trafficking controlled drugs", set()),
    # violence with intent
    ("S18 wounding with intent", {"wounding_gbh_with_intent"}),
    ("Section 18 wounding", {"wounding_gbh_with_intent"}),
    ("S18 GBH", {"wounding_gbh_with_intent"}),
    ("Wounding (s.20)", set()),
    ("Malicious wounding", set()),
    ("Inflicting GBH without intent", set()),
    ("Public Order Act s.18", set()),
    ("Attempted murder", {"attempted_murder"}),
    ("Murder - attempted", {"attempted_murder"}),
    ("Murder", set()),
    ("Threats to kill", set()),
    ("Arson with intent to endanger life", {"arson_endangering_life"}),
    ("Arson endangering life", {"arson_endangering_life"}),
    ("Arson", set()),
    ("Arson not endangering life", set()),
    ("Arson - life not endangered", set()),
    ("Kidnap", {"kidnap"}),
    ("Child abduction", {"kidnap"}),
    ("False imprisonment", {"false_imprisonment"}),
    ("Terrorism", {"terrorism"}),
    ("Terrorising a neighbour", set()),
    # 2006 referral exclusions
    ("Theft from motor vehicle", {"vehicle_crime"}),
    ("Theft of motor vehicle", {"vehicle_crime"}),
    ("Theft from a van", {"vehicle_crime"}),
    ("Vehicle interference", {"vehicle_crime"}),
    ("TWOC", {"vehicle_crime"}),
    ("Theft of pedal cycle", set()),
    ("Minor criminal damage", {"minor_criminal_damage"}),
    ("Criminal damage - minor", {"minor_criminal_damage"}),
    ("Criminal damage under £500", {"minor_criminal_damage"}),
    ("Criminal damage", set()),
    ("Racially aggravated theft from motor vehicle", {"hate_crime", "vehicle_crime"}),
    # ordinary crime
    ("Burglary - dwelling", set()),
    ("Harassment", set()),
    ("", set()),
]


def test_class_ids(codebook: CodeBook) -> None:
    assert codebook.offences.class_ids == CLASSES


@pytest.mark.parametrize(("offence", "classes"), TABLE, ids=[t[0] or "<empty>" for t in TABLE])
def test_classify(codebook: CodeBook, offence: str, classes: set[str]) -> None:
    assert codebook.offences.classify(offence) == classes


def test_labels(codebook: CodeBook) -> None:
    assert codebook.offences.label("sexual_offence") == "Sexual offence"
    assert codebook.offences.label("no_such_class") == "no such class"


def test_bad_pattern_names_file_and_class(tmp_path) -> None:
    path = tmp_path / "offences.toml"
    path.write_text("[class.broken]\npatterns = ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(CodeDataError, match=r"offences\.toml.*class\.broken"):
        load_offence_classes(path)


def test_class_without_patterns_is_rejected(tmp_path) -> None:
    path = tmp_path / "offences.toml"
    path.write_text("[class.empty]\nlabel = 'Empty'\n", encoding="utf-8")
    with pytest.raises(CodeDataError, match=r"offences\.toml.*class\.empty"):
        load_offence_classes(path)
