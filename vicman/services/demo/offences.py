"""What the made-up crimes are and how they tend to go: offences and their weights, how often each
category is screened out or solved by an arrest, who the victims are, and when reports come in."""

from __future__ import annotations

from typing import NamedTuple


class Offence(NamedTuple):
    text: str
    kind: str
    category: str
    weight: float
    victims: str = "person"  # person, business, bereaved


OFFENCES = (
    Offence("Burglary - residential (dwelling)", "crime", "property", 8),
    Offence("Burglary - residential (attempt)", "crime", "property", 1.5),
    Offence("Burglary - business and community", "crime", "property", 2.5, "business"),
    Offence("Theft from motor vehicle", "crime", "property", 6.5),
    Offence("Theft of motor vehicle", "crime", "property", 3),
    Offence("Criminal damage to a dwelling", "crime", "property", 3.5),
    Offence("Criminal damage to a vehicle", "crime", "property", 3.5),
    Offence("Criminal damage - minor (under £500)", "crime", "property", 1.5),
    Offence("Theft from the person", "crime", "property", 3),
    Offence("Theft from shop", "crime", "property", 3, "business"),
    Offence("Theft of pedal cycle", "crime", "property", 2),
    Offence("Making off without payment", "crime", "property", 1, "business"),
    Offence("Fraud by false representation", "crime", "fraud", 3.5),
    Offence("Fraud by abuse of position (courier fraud)", "crime", "fraud", 1),
    Offence("Assault occasioning actual bodily harm (ABH)", "crime", "violence", 5),
    Offence("Common assault", "crime", "violence", 5.5),
    Offence("Inflicting GBH without intent (S20)", "crime", "violence", 1),
    Offence("Robbery of personal property", "crime", "violence", 2.5),
    Offence("Robbery of business property", "crime", "violence", 0.6, "business"),
    Offence("Harassment", "crime", "harassment", 3.5),
    Offence("Stalking", "crime", "harassment", 1.5),
    Offence("Stalking involving fear of violence or serious alarm or distress", "crime", "harassment", 0.7),
    Offence("Malicious communications", "crime", "harassment", 2),
    Offence("Threats to kill", "crime", "violence", 0.6),
    Offence("Assault occasioning ABH (domestic)", "crime", "domestic", 4),
    Offence("Common assault (domestic)", "crime", "domestic", 3.5),
    Offence("Harassment (domestic)", "crime", "domestic", 1.5),
    Offence("Controlling or coercive behaviour in an intimate or family relationship", "crime", "domestic", 1),
    Offence("False imprisonment (domestic)", "crime", "domestic", 0.15),
    Offence("Sexual assault on a female aged 13 or over", "crime", "sexual", 1.3),
    Offence("Sexual assault on a male aged 13 or over", "crime", "sexual", 0.3),
    Offence("Rape of a female aged 16 or over", "crime", "sexual", 0.7),
    Offence("Exposure", "crime", "sexual", 0.5),
    Offence("Sexual communication with a child", "crime", "sexual", 0.3),
    Offence("Racially or religiously aggravated public order", "crime", "hate", 1.4),
    Offence("Racially or religiously aggravated harassment", "crime", "hate", 0.6),
    Offence("Public order - fear or provocation of violence (homophobic hate crime)", "crime", "hate", 0.4),
    Offence("Theft (disability hate crime)", "crime", "hate", 0.25),
    Offence("Wounding with intent to do GBH (S18)", "crime", "serious", 0.7),
    Offence("Arson not endangering life", "crime", "property", 0.7),
    Offence("Arson with intent to endanger life", "crime", "serious", 0.25),
    Offence("Kidnapping", "crime", "serious", 0.1),
    Offence("Attempted murder", "crime", "serious", 0.08),
    Offence("Road traffic collision - injury", "rtc", "rtc", 2),
    Offence("Road traffic collision - damage only, failed to stop", "rtc", "rtc", 1),
    Offence("Dangerous driving", "rtc", "rtc", 0.5),
    Offence("Anti-social behaviour - nuisance neighbours", "asb", "asb", 2),
    Offence("Anti-social behaviour - personal (targeted)", "asb", "asb", 1.5),
    Offence("Anti-social behaviour - environmental", "asb", "asb", 0.6),
    Offence("Anti-social behaviour - youths causing annoyance", "asb", "asb", 1),
)
FATAL_OFFENCES = (
    Offence("Murder", "crime", "fatal", 0, "bereaved"),
    Offence("Causing death by dangerous driving", "rtc", "fatal", 0, "bereaved"),
)
PLANT_OFFENCE = OFFENCES[0]

# (screened out, suspect arrested) by category; the rest are investigated without a suspect.
INVESTIGATION = {
    "property": (0.40, 0.15),
    "fraud": (0.45, 0.08),
    "violence": (0.08, 0.50),
    "harassment": (0.10, 0.45),
    "domestic": (0.03, 0.75),
    "sexual": (0.05, 0.45),
    "hate": (0.08, 0.45),
    "serious": (0.0, 0.85),
    "rtc": (0.25, 0.15),
    "asb": (0.0, 0.04),
    "fatal": (0.0, 0.95),
}
QUICK_ARREST = frozenset({"domestic", "serious", "fatal"})
SPECIALIST = frozenset({"domestic", "sexual", "serious", "fatal"})
CHILD_SHARE = {
    "sexual": 0.3,
    "violence": 0.1,
    "harassment": 0.08,
    "hate": 0.08,
    "property": 0.025,
    "rtc": 0.05,
    "asb": 0.03,
    "domestic": 0.02,
    "serious": 0.05,
}
REPEAT_SHARE = {
    "asb": 0.22,
    "harassment": 0.2,
    "domestic": 0.16,
    "hate": 0.15,
    "property": 0.035,
    "violence": 0.03,
    "fraud": 0.03,
}
EXTRA_VICTIMS = ((1, 0.84), (2, 0.12), (3, 0.04))
REPORT_HOURS = (2, 1.5, 1, 0.8, 0.6, 0.6, 1, 2, 4, 5, 5.5, 5.5, 5.5, 5.5, 5.5, 5.5, 6, 6.5, 6.5, 6, 5, 4.5, 3.5, 2.5)
