"""A realistic synthetic force for demonstrations, training and trying the app out.

`make_demo` invents six divisions, their teams and officers, and `crimes` crimes with their victims,
witnesses, parents and bereaved relatives; then simulates what officers did: investigation events,
contacts (and failed attempts), referrals to support services, waivers and a few corrections.

Everything is made up. Names are random pairings from lists of given names and surnames; phone
numbers are in Ofcom's ranges reserved for drama; emails are at reserved example domains; streets
and towns are invented. Nothing describes a real person.

The data go in through the same doors as real data: crimes and victims through the CSV import, and
the simulated entries in one bulk transaction with their audit records (so a 3000-crime force takes
seconds, not minutes), followed by a handful of corrections through `entries.correct_entry`.

The data depend only on the seed and `ctx.today()`: every report, event, contact, referral and waiver
is dated before the start of today (Europe/London), whatever the time of day, and dates are spread
around today so that the app shows every status at once: overdue, due today, due on the next working
day, open later, met on time, met late and waived. (Only the stamps of writing - audit records,
`created_at`, the corrections' `recorded_at` - carry the real moment, `ctx.now()`.)
"""

from __future__ import annotations

import csv
import random
import re
import tempfile
import unicodedata
from bisect import bisect_left, insort
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from vicman.domain.enums import ContactMethod, EventType, ObligationState, Outcome, Role
from vicman.domain.facts import CaseFacts
from vicman.rules.code import Edition
from vicman.rules.enhanced import enhanced_reasons
from vicman.rules.localtime import LONDON, local_date, start_of_local_day, to_utc
from vicman.services import audit, entries
from vicman.services.context import ServiceContext
from vicman.services.derivation import rederive_links
from vicman.services.errors import InvalidInput, ServiceError
from vicman.services.importing import import_crimes
from vicman.store.tables import (
    ContactEntryRow,
    CrimePersonRow,
    CrimeRow,
    DetailChangeRow,
    EventRow,
    ObligationRow,
    OfficerRow,
    PersonRow,
    ReferralRow,
    WaiverRow,
)

T = TypeVar("T")

SOURCE = "demo"
CSV_NAME = "vicman-demo-crimes.csv"
CORRECTIONS = 20
MAX_CRIMES = 200_000


# --- the summary ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    """What `make_demo` made, and the duties by status as of `as_of` (the context's today)."""

    as_of: date
    seed: int
    divisions: int
    teams: int
    officers: int
    crimes: int
    people: int
    links: int
    events: int
    contacts: int
    referrals: int
    waivers: int
    corrections: int
    overdue: int
    due_today: int
    due_next_working_day: int
    open_later: int
    met_on_time: int
    met_late: int
    waived: int

    @property
    def obligations(self) -> int:
        return (
            self.overdue
            + self.due_today
            + self.due_next_working_day
            + self.open_later
            + self.met_on_time
            + self.met_late
            + self.waived
        )

    def __str__(self) -> str:
        return (
            f"Demo force as of {self.as_of:%a %d/%m/%Y} (seed {self.seed}): {self.divisions} divisions, "
            f"{self.teams} teams, {self.officers} officers, {self.crimes} crimes, {self.people} people; "
            f"{self.events} events, {self.contacts} contacts, {self.referrals} referrals, {self.waivers} waivers, "
            f"{self.corrections} corrections. Duties: {self.overdue} overdue, {self.due_today} due today, "
            f"{self.due_next_working_day} due next working day, {self.open_later} open later, "
            f"{self.met_on_time} met on time, {self.met_late} met late, {self.waived} waived."
        )


# --- the made-up world ---------------------------------------------------------------------------


class _DivisionSpec(NamedTuple):
    name: str
    code: str
    towns: tuple[str, ...]
    weight: float


DIVISIONS = (
    _DivisionSpec("Northwold", "NW", ("Northwold", "Hexley Bridge", "Brackenford"), 1.25),
    _DivisionSpec("Eastmere", "EM", ("Eastmere", "Saltby Cross", "Fennick"), 1.0),
    _DivisionSpec("Southbrook", "SB", ("Southbrook", "Lidgate Green", "Corrowby"), 1.1),
    _DivisionSpec("Westhaven", "WH", ("Westhaven", "Pellingham", "Tarnside"), 0.9),
    _DivisionSpec("Calderwick", "CW", ("Calderwick", "Millbeck", "Rushcombe"), 0.85),
    _DivisionSpec("Ravensmoor", "RM", ("Ravensmoor", "Greyholt", "Kettlesby"), 0.8),
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

# Given names (female, male) and surnames by broad background. Pairings are random, so no name here
# belongs to anyone. Surnames that change with gender are given as (female, male).
CULTURES: dict[str, dict[str, Any]] = {
    "british": {
        "weight": 56,
        "f": (
            "Emma",
            "Olivia",
            "Sophie",
            "Charlotte",
            "Hannah",
            "Lucy",
            "Megan",
            "Rebecca",
            "Jessica",
            "Chloe",
            "Zoë",
            "Karen",
            "Susan",
            "Margaret",
            "Joan",
            "Patricia",
            "Gemma",
            "Stacey",
            "Leanne",
            "Kerry",
            "Amelia",
            "Isla",
            "Maisie",
            "Brenda",
            "Pauline",
            "Danielle",
            "Abigail",
            "Freya",
        ),
        "m": (
            "James",
            "Oliver",
            "Jack",
            "Thomas",
            "Daniel",
            "Liam",
            "Ryan",
            "Connor",
            "Craig",
            "Gary",
            "Paul",
            "Stephen",
            "Kevin",
            "Ian",
            "Dennis",
            "Keith",
            "Reece",
            "Callum",
            "Harry",
            "George",
            "Alfie",
            "Nathan",
            "Darren",
            "Malcolm",
            "Trevor",
            "Jamie",
            "Lewis",
            "Noah",
        ),
        "s": (
            "Ashworth",
            "Barraclough",
            "Holroyd",
            "Whitworth",
            "Pilling",
            "Entwistle",
            "Hargreaves",
            "Sutcliffe",
            "Kershaw",
            "Brierley",
            "Ormerod",
            "Crabtree",
            "Haworth",
            "Duckworth",
            "Greenhalgh",
            "Pickup",
            "Fairclough",
            "Marsden",
            "Horrocks",
            "Cottam",
            "Birtwistle",
            "Lomax",
            "Tattersall",
            "Heap",
            "Shuttleworth",
            "Nuttall",
            "Cropper",
            "Openshaw",
            "Rigby",
            "Catterall",
        ),
        "ethnicity": (
            ("White: English, Welsh, Scottish, Northern Irish or British", 85),
            ("Mixed: White and Black Caribbean", 3),
            ("Mixed: White and Asian", 3),
            ("Mixed: Other Mixed or Multiple ethnic groups", 2),
            ("White: Gypsy or Irish Traveller", 1),
        ),
        "languages": (),
    },
    "welsh": {
        "weight": 3,
        "f": ("Siân", "Rhiannon", "Cerys", "Ffion", "Angharad", "Elin", "Nia", "Seren"),
        "m": ("Dafydd", "Rhys", "Gethin", "Iolo", "Emyr", "Owain", "Gareth", "Huw"),
        "s": ("Pritchard", "Llewellyn", "Vaughan", "Prosser", "Bevan", "Pugh", "Gwilliam", "Powell"),
        "ethnicity": (("White: English, Welsh, Scottish, Northern Irish or British", 1),),
        "languages": (("Welsh", 0.45, 0.1),),
    },
    "irish": {
        "weight": 3,
        "f": ("Aoife", "Niamh", "Siobhán", "Róisín", "Orla", "Caoimhe"),
        "m": ("Seán", "Ciarán", "Pádraig", "Declan", "Eoin", "Cathal"),
        "s": ("O'Sullivan", "Brennan", "Doherty", "McAleese", "Kavanagh", "Ó Briain", "Gallagher", "Mulready"),
        "ethnicity": (("White: Irish", 9), ("White: Gypsy or Irish Traveller", 1)),
        "languages": (),
    },
    "polish": {
        "weight": 6,
        "f": ("Agnieszka", "Małgorzata", "Katarzyna", "Zofia", "Joanna", "Ewa", "Magdalena", "Dorota"),
        "m": ("Łukasz", "Piotr", "Krzysztof", "Tomasz", "Michał", "Paweł", "Grzegorz", "Wojciech"),
        "s": ("Nowak", "Wójcik", "Mazur", "Krawczyk", "Zając", "Kaczmarek", "Pawlak", "Sikora", "Bąk", "Kowalczyk"),
        "ethnicity": (("White: Other White", 1),),
        "languages": (("Polish", 0.5, 0.75),),
    },
    "romanian": {
        "weight": 3,
        "f": ("Ioana", "Elena", "Andreea", "Mihaela", "Alina", "Cristina"),
        "m": ("Andrei", "Mihai", "Ștefan", "Florin", "Ionuț", "Bogdan"),
        "s": ("Popescu", "Ionescu", "Dumitru", "Stoica", "Munteanu", "Rădulescu", "Constantin", "Lungu"),
        "ethnicity": (("White: Other White", 9), ("White: Roma", 1)),
        "languages": (("Romanian", 0.55, 0.7),),
    },
    "lithuanian": {
        "weight": 2,
        "f": ("Rūta", "Aušra", "Eglė", "Gintarė", "Jurgita"),
        "m": ("Jonas", "Mantas", "Darius", "Tomas", "Žygimantas"),
        "s": (
            ("Kazlauskienė", "Kazlauskas"),
            ("Petrauskaitė", "Petrauskas"),
            ("Jankauskienė", "Jankauskas"),
            ("Vasiliauskienė", "Vasiliauskas"),
            ("Žukauskaitė", "Žukauskas"),
        ),
        "ethnicity": (("White: Other White", 1),),
        "languages": (("Lithuanian", 0.55, 0.7),),
    },
    "pakistani": {
        "weight": 7,
        "f": ("Ayesha", "Fatima", "Sana", "Nadia", "Amina", "Rabia", "Zainab", "Saima"),
        "m": ("Imran", "Tariq", "Bilal", "Usman", "Asif", "Zubair", "Hamza", "Naveed"),
        "s": ("Hussain", "Khan", "Akhtar", "Mahmood", "Iqbal", "Rashid", "Shah", "Qureshi", "Aslam", "Butt"),
        "ethnicity": (("Asian: Pakistani", 1),),
        "languages": (("Urdu", 0.2, 0.7), ("Punjabi", 0.15, 0.7)),
    },
    "bangladeshi": {
        "weight": 3,
        "f": ("Rumana", "Nasrin", "Shirin", "Taslima", "Sultana", "Jahanara"),
        "m": ("Abdul", "Rahim", "Shahid", "Jamal", "Foysal", "Anwar"),
        "s": ("Miah", "Uddin", "Rahman", "Ahmed", "Chowdhury", "Islam", "Ali"),
        "ethnicity": (("Asian: Bangladeshi", 1),),
        "languages": (("Bengali", 0.35, 0.75),),
    },
    "indian": {
        "weight": 5,
        "f": ("Priya", "Anjali", "Harpreet", "Simran", "Kavita", "Meera"),
        "m": ("Rajesh", "Arjun", "Gurpreet", "Sanjay", "Vikram", "Jaswinder"),
        "s": ("Patel", "Sharma", "Singh", "Gill", "Mistry", "Chauhan", "Sandhu", "Parmar"),
        "ethnicity": (("Asian: Indian", 1),),
        "languages": (("Punjabi", 0.12, 0.7), ("Gujarati", 0.1, 0.6)),
    },
    "african": {
        "weight": 4,
        "f": ("Chiamaka", "Adaeze", "Folake", "Amara", "Blessing", "Abena", "Nkechi"),
        "m": ("Chinedu", "Oluwaseun", "Kwame", "Tunde", "Emeka", "Kofi", "Femi"),
        "s": ("Okafor", "Adeyemi", "Mensah", "Osei", "Nwosu", "Okonkwo", "Boateng", "Abiodun"),
        "ethnicity": (("Black: African", 1),),
        "languages": (),
    },
    "caribbean": {
        "weight": 3,
        "f": ("Shanice", "Tanisha", "Marcia", "Jasmine", "Beverley", "Janelle"),
        "m": ("Delroy", "Marcus", "Winston", "Jermaine", "Tyrone", "Leon"),
        "s": ("Campbell", "Thompson", "Clarke", "Francis", "Bailey", "Grant", "Richards", "McKenzie"),
        "ethnicity": (("Black: Caribbean", 9), ("Mixed: White and Black Caribbean", 1)),
        "languages": (),
    },
    "arab": {
        "weight": 2,
        "f": ("Layla", "Noor", "Mariam", "Rania", "Hiba", "Salma"),
        "m": ("Omar", "Khalid", "Yusuf", "Karim", "Samir", "Tareq"),
        "s": ("Al-Sayed", "Haddad", "Mansour", "Nasser", "Abdullah", "Saleh", "Darwish"),
        "ethnicity": (("Other: Arab", 1),),
        "languages": (("Arabic", 0.5, 0.75),),
    },
    "chinese": {
        "weight": 1.5,
        "f": ("Mei", "Xiaoling", "Hui", "Yan"),
        "m": ("Wei", "Jun", "Hao", "Ming"),
        "s": ("Chen", "Wang", "Liu", "Zhang", "Wong", "Cheung", "Lam"),
        "ethnicity": (("Asian: Chinese", 1),),
        "languages": (("Cantonese", 0.2, 0.7), ("Mandarin", 0.2, 0.7)),
    },
    "iberian": {
        "weight": 1.5,
        "f": ("María", "Lucía", "Inês", "Beatriz", "Carmen"),
        "m": ("José", "João", "Rafael", "Tiago", "Andrés"),
        "s": ("García", "Fernández", "Silva", "Santos", "Pereira", "Gonçalves", "Muñoz"),
        "ethnicity": (("White: Other White", 1),),
        "languages": (("Portuguese", 0.2, 0.6), ("Spanish", 0.15, 0.6)),
    },
    "european": {
        "weight": 1.5,
        "f": ("Noémie", "Chloé", "Ingrid", "Katarína", "Renée"),
        "m": ("François", "Björn", "Jiří", "Matthias", "Søren"),
        "s": ("Dubois", "Lindqvist", "Novák", "Müller", "Kováč", "Hoffmann", "Jørgensen"),
        "ethnicity": (("White: Other White", 1),),
        "languages": (("Czech", 0.1, 0.6),),
    },
}
ETHNICITY_NOT_STATED = 0.08
BSL_SHARE = 0.008

MOBILES = tuple(f"07700 900{n:03d}" for n in range(1000))
LANDLINES = tuple(
    [f"01632 960{n:03d}" for n in range(1000)]
    + [f"{area} 496 0{n:03d}" for area in ("0113", "0161", "0117", "0121") for n in range(1000)]
)
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
OFFICER_DOMAIN = "police.example"


class _Offence(NamedTuple):
    text: str
    kind: str
    category: str
    weight: float
    victims: str = "person"  # person, business, bereaved


OFFENCES = (
    _Offence("Burglary - residential (dwelling)", "crime", "property", 8),
    _Offence("Burglary - residential (attempt)", "crime", "property", 1.5),
    _Offence("Burglary - business and community", "crime", "property", 2.5, "business"),
    _Offence("Theft from motor vehicle", "crime", "property", 6.5),
    _Offence("Theft of motor vehicle", "crime", "property", 3),
    _Offence("Criminal damage to a dwelling", "crime", "property", 3.5),
    _Offence("Criminal damage to a vehicle", "crime", "property", 3.5),
    _Offence("Criminal damage - minor (under £500)", "crime", "property", 1.5),
    _Offence("Theft from the person", "crime", "property", 3),
    _Offence("Theft from shop", "crime", "property", 3, "business"),
    _Offence("Theft of pedal cycle", "crime", "property", 2),
    _Offence("Making off without payment", "crime", "property", 1, "business"),
    _Offence("Fraud by false representation", "crime", "fraud", 3.5),
    _Offence("Fraud by abuse of position (courier fraud)", "crime", "fraud", 1),
    _Offence("Assault occasioning actual bodily harm (ABH)", "crime", "violence", 5),
    _Offence("Common assault", "crime", "violence", 5.5),
    _Offence("Inflicting GBH without intent (S20)", "crime", "violence", 1),
    _Offence("Robbery of personal property", "crime", "violence", 2.5),
    _Offence("Robbery of business property", "crime", "violence", 0.6, "business"),
    _Offence("Harassment", "crime", "harassment", 3.5),
    _Offence("Stalking", "crime", "harassment", 1.5),
    _Offence("Stalking involving fear of violence or serious alarm or distress", "crime", "harassment", 0.7),
    _Offence("Malicious communications", "crime", "harassment", 2),
    _Offence("Threats to kill", "crime", "violence", 0.6),
    _Offence("Assault occasioning ABH (domestic)", "crime", "domestic", 4),
    _Offence("Common assault (domestic)", "crime", "domestic", 3.5),
    _Offence("Harassment (domestic)", "crime", "domestic", 1.5),
    _Offence("Controlling or coercive behaviour in an intimate or family relationship", "crime", "domestic", 1),
    _Offence("False imprisonment (domestic)", "crime", "domestic", 0.15),
    _Offence("Sexual assault on a female aged 13 or over", "crime", "sexual", 1.3),
    _Offence("Sexual assault on a male aged 13 or over", "crime", "sexual", 0.3),
    _Offence("Rape of a female aged 16 or over", "crime", "sexual", 0.7),
    _Offence("Exposure", "crime", "sexual", 0.5),
    _Offence("Sexual communication with a child", "crime", "sexual", 0.3),
    _Offence("Racially or religiously aggravated public order", "crime", "hate", 1.4),
    _Offence("Racially or religiously aggravated harassment", "crime", "hate", 0.6),
    _Offence("Public order - fear or provocation of violence (homophobic hate crime)", "crime", "hate", 0.4),
    _Offence("Theft (disability hate crime)", "crime", "hate", 0.25),
    _Offence("Wounding with intent to do GBH (S18)", "crime", "serious", 0.7),
    _Offence("Arson not endangering life", "crime", "property", 0.7),
    _Offence("Arson with intent to endanger life", "crime", "serious", 0.25),
    _Offence("Kidnapping", "crime", "serious", 0.1),
    _Offence("Attempted murder", "crime", "serious", 0.08),
    _Offence("Road traffic collision - injury", "rtc", "rtc", 2),
    _Offence("Road traffic collision - damage only, failed to stop", "rtc", "rtc", 1),
    _Offence("Dangerous driving", "rtc", "rtc", 0.5),
    _Offence("Anti-social behaviour - nuisance neighbours", "asb", "asb", 2),
    _Offence("Anti-social behaviour - personal (targeted)", "asb", "asb", 1.5),
    _Offence("Anti-social behaviour - environmental", "asb", "asb", 0.6),
    _Offence("Anti-social behaviour - youths causing annoyance", "asb", "asb", 1),
)
FATAL_OFFENCES = (
    _Offence("Murder", "crime", "fatal", 0, "bereaved"),
    _Offence("Causing death by dangerous driving", "rtc", "fatal", 0, "bereaved"),
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


# --- what the simulation builds ------------------------------------------------------------------


@dataclass(eq=False)
class _Officer:
    staff_no: str
    name: str
    email: str
    division: str
    team: str
    diligence: float


@dataclass(eq=False)
class _Person:
    ref: str
    given: str
    surname: str
    female: bool
    dob: date | None
    address: str | None
    culture: str
    language: str | None = None
    interpreter: bool = False
    ethnicity: str | None = None
    phone: str | None = None
    mobile: bool = False
    email: str | None = None
    preferred: str | None = None
    links: int = 0

    @property
    def name(self) -> str:
        return f"{self.given} {self.surname}"


@dataclass(eq=False)
class _Event:
    type: str
    at: datetime
    note: str


@dataclass(eq=False)
class _Contact:
    at: datetime
    after: datetime
    kind: str
    method: str
    outcome: str
    note: str = ""
    on_behalf_of: str | None = None


@dataclass(eq=False)
class _Referral:
    at: datetime
    service: str
    consent: str
    note: str


@dataclass(eq=False)
class _Link:
    person: _Person
    role: str
    reasons: tuple[str, ...] = ()
    vs_opt_out: bool = False
    every_days: int | None = None
    every_months: int | None = None
    relation: str = ""
    enhanced: bool = False
    contacts: list[_Contact] = field(default_factory=list)
    referral: _Referral | None = None


@dataclass(eq=False)
class _Crime:
    offence: _Offence
    reported_at: datetime
    division: _DivisionSpec
    officer: _Officer
    plant: str | None = None
    ref: str = ""
    outcome: str = "no suspect has been identified"
    disposal: str = ""
    links: list[_Link] = field(default_factory=list)
    events: list[_Event] = field(default_factory=list)

    @property
    def closed_at(self) -> datetime | None:
        return next((e.at for e in self.events if e.type == EventType.CASE_CLOSED), None)


# --- entry point ---------------------------------------------------------------------------------


def make_demo(ctx: ServiceContext, crimes: int = 3000, seed: int = 2006) -> DemoSummary:
    """Fill an empty database with a synthetic force of `crimes` crimes; the same seed and day give the same data."""
    if crimes < 1 or crimes > MAX_CRIMES:
        raise InvalidInput(f"must be between 1 and {MAX_CRIMES:,}, not {crimes}", field="crimes")
    with ctx.db.read() as session:
        existing = session.scalar(select(func.count()).select_from(CrimeRow)) or 0
    if existing:
        raise ServiceError(
            f"the database already holds {existing:,} crimes; the demo fills an empty database only "
            "(give a new --db file)"
        )
    world = _World(ctx, random.Random(seed), crimes)
    world.build()
    with tempfile.TemporaryDirectory(prefix="vicman-demo-") as folder:
        path = Path(folder) / CSV_NAME
        world.write_csv(path)
        import_crimes(ctx, path)
    writer = _Writer(ctx, world)
    writer.write()
    corrections = writer.correct()
    return _summary(ctx, seed, world, corrections)


# --- building the world in memory ----------------------------------------------------------------


def _weighted(rng: random.Random, pairs: Sequence[tuple[T, float]]) -> T:
    total = sum(w for _, w in pairs)
    pick = rng.random() * total
    for value, weight in pairs:
        pick -= weight
        if pick < 0:
            return value
    return pairs[-1][0]


def _ascii(text: str) -> str:
    text = text.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O").replace("ß", "ss")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _at_local(day: date, minutes: int) -> datetime:
    """The UTC instant of `minutes` past midnight, Europe/London, on `day`."""
    return to_utc(datetime.combine(day, time(minutes // 60, minutes % 60)))


def _uk(moment: datetime | date) -> str:
    if isinstance(moment, datetime):
        moment = local_date(moment)
    return f"{moment:%d/%m/%Y}"


class _World:
    def __init__(self, ctx: ServiceContext, rng: random.Random, crimes: int) -> None:
        self.ctx = ctx
        self.rng = rng
        self.n_crimes = crimes
        self.today = ctx.today()
        self.cutoff = start_of_local_day(self.today)
        self.calendar = ctx.calendar
        self.code = ctx.code
        self.teams: dict[str, list[str]] = {}
        self.officers: list[_Officer] = []
        self.by_team: dict[tuple[str, str], list[_Officer]] = defaultdict(list)
        self.people: list[_Person] = []
        self.crimes: list[_Crime] = []
        self._person_no = 4_100_000 + rng.randint(0, 400_000)
        self._pools: dict[tuple[str, str], list[_Person]] = defaultdict(list)
        self._cultures = [(name, float(c["weight"])) for name, c in CULTURES.items()]
        self._towns: tuple[str, ...] = DIVISIONS[0].towns

    # --- the whole build ---

    def build(self) -> None:
        self._divisions_and_officers()
        self._crimes()
        self._contact_details()
        for crime in self.crimes:
            crime.events = self._investigation(crime)
        for crime in self.crimes:
            for link in crime.links:
                self._simulate_link(crime, link)

    # --- divisions, teams, officers ---

    def _divisions_and_officers(self) -> None:
        rng = self.rng
        for spec in DIVISIONS:
            extra = rng.sample(OPTIONAL_TEAMS, rng.randint(0, 2))
            self.teams[spec.name] = ["Response", "CID", *sorted(extra, key=OPTIONAL_TEAMS.index)]
        total_teams = sum(len(t) for t in self.teams.values())
        wanted = max(20, round(self.n_crimes / 10), total_teams)
        weights = {d.name: d.weight for d in DIVISIONS}
        staff_numbers = rng.sample(range(10_000, 100_000), wanted)
        emails: set[str] = set()
        slots = [(d.name, team) for d in DIVISIONS for team in self.teams[d.name]]
        shares = [weights[d] * TEAM_SHARE[t] for d, t in slots]
        plan = list(slots)  # one officer per team first, then shared out by size
        while len(plan) < wanted:
            plan.append(_weighted(rng, list(zip(slots, shares, strict=True))))
        for staff_no, (division, team) in zip(staff_numbers, plan, strict=True):
            female = rng.random() < 0.38
            culture = _weighted(rng, [("british", 80.0), *[(c, w) for c, w in self._cultures if c != "british"]])
            given, surname = self._name(culture, female)
            if team in ("CID", "Public Protection"):
                rank = "DS" if rng.random() < 0.15 else "DC"
            elif team == "Neighbourhood" and rng.random() < 0.3:
                rank = "PCSO"
            else:
                rank = "PS" if rng.random() < 0.1 else "PC"
            local = f"{_ascii(given)}.{_ascii(surname)}"
            email = f"{local}@{OFFICER_DOMAIN}"
            number = 2
            while email in emails:
                email = f"{local}{number}@{OFFICER_DOMAIN}"
                number += 1
            emails.add(email)
            diligence = min(0.98, max(0.45, rng.betavariate(6, 1.6)))
            officer = _Officer(
                str(staff_no), f"{rank} {given} {surname}", email, division, f"{division} {team}", diligence
            )
            self.officers.append(officer)
            self.by_team[(division, team)].append(officer)

    def _officer_for(self, division: str, category: str) -> _Officer:
        rng = self.rng
        teams = self.teams[division]
        if category in ("domestic", "sexual"):
            team = "Public Protection" if "Public Protection" in teams else "CID"
        elif category in ("serious", "fatal"):
            team = "CID"
        elif category == "asb":
            team = "Neighbourhood" if "Neighbourhood" in teams else "Response"
        elif category == "rtc":
            team = "Roads Policing" if "Roads Policing" in teams else "Response"
        else:
            choices = [("Response", 0.5), ("CID", 0.25)]
            if "Neighbourhood" in teams:
                choices.append(("Neighbourhood", 0.25))
            team = _weighted(rng, choices)
        return rng.choice(self.by_team[(division, team)])

    # --- names, people ---

    def _name(self, culture: str, female: bool) -> tuple[str, str]:
        spec = CULTURES[culture]
        given = self.rng.choice(spec["f"] if female else spec["m"])
        surname = self.rng.choice(spec["s"])
        if isinstance(surname, tuple):
            surname = surname[0] if female else surname[1]
        return given, surname

    def _new_person(
        self,
        reported: date,
        age: int,
        female: bool | None = None,
        culture: str | None = None,
        surname: str | None = None,
        address: str | None = None,
        keep_address: bool = False,
    ) -> _Person:
        rng = self.rng
        culture = culture or _weighted(rng, self._cultures)
        if female is None:
            female = rng.random() < 0.5
        given, own_surname = self._name(culture, female)
        if rng.random() < 0.08 and surname is None:  # a mixed family
            own_surname = self._name(_weighted(rng, self._cultures), female)[1]
        dob: date | None = reported - relativedelta(years=age) - timedelta(days=rng.randint(1, 364))
        if age >= 18 and rng.random() < 0.04:
            dob = None  # not recorded
        self._person_no += rng.randint(1, 97)
        person = _Person(
            f"N{self._person_no:07d}",
            given,
            surname or own_surname,
            female,
            dob,
            address if keep_address else self._address(),
            culture,
        )
        self.people.append(person)
        return person

    def _address(self, business: bool = False) -> str | None:
        rng = self.rng
        if not business and rng.random() < 0.04:
            return None
        town = rng.choice(self._towns)
        street = f"{rng.choice(STREET_WORDS)} {rng.choice(STREET_KINDS)}"
        if business:
            return f"Unit {rng.randint(1, 24)}, {rng.choice(STREET_WORDS)} Retail Park, {town}"
        if rng.random() < 0.18:
            return f"Flat {rng.randint(1, 40)}, {rng.randint(1, 90)} {street}, {town}"
        return f"{rng.randint(1, 240)} {street}, {town}"

    def _adult_age(self, category: str) -> int:
        rng = self.rng
        if category == "fraud":
            return rng.randint(60, 93) if rng.random() < 0.6 else rng.randint(22, 70)
        if category in ("domestic", "sexual"):
            return rng.randint(18, 55)
        return min(94, 18 + int(rng.random() ** 1.4 * 70))

    def _contact_details(self) -> None:
        """Phones, emails, languages and preferences, given after everyone exists (so phones spread evenly)."""
        rng = self.rng
        mobiles = list(MOBILES)
        landlines = list(LANDLINES)
        rng.shuffle(mobiles)
        rng.shuffle(landlines)
        order = list(self.people)
        rng.shuffle(order)
        for person in order:
            child = person.dob is not None and (self.today - person.dob).days < 16 * 365
            spec = CULTURES[person.culture]
            wants_phone = rng.random() < (0.3 if child else 0.93)
            if wants_phone:
                pool, other = (mobiles, landlines) if rng.random() < 0.72 else (landlines, mobiles)
                if pool:
                    person.phone = pool.pop()
                elif other:
                    person.phone = other.pop()
                else:
                    person.phone = rng.choice(MOBILES)
                person.mobile = person.phone.startswith("07")
            if not child and rng.random() < 0.42:
                domain = rng.choice(EMAIL_DOMAINS)
                style = rng.random()
                given, surname = _ascii(person.given), _ascii(person.surname)
                if style < 0.5:
                    local = f"{given}.{surname}"
                elif style < 0.8:
                    local = f"{given[0]}{surname}{rng.randint(1, 99)}"
                else:
                    local = f"{given}{rng.randint(1960, 2012)}"
                person.email = f"{local}@{domain}"
            if rng.random() < BSL_SHARE:
                person.language, person.interpreter = "BSL", True
            else:
                for language, share, interpreter in spec["languages"]:
                    if rng.random() < share:
                        person.language, person.interpreter = language, rng.random() < interpreter
                        break
            if rng.random() >= ETHNICITY_NOT_STATED:
                person.ethnicity = _weighted(rng, [(e, float(w)) for e, w in spec["ethnicity"]])
            choices: list[tuple[str, float]] = [("visit", 0.05), ("letter", 0.07)]
            if person.phone and person.language != "BSL":
                choices.append(("phone", 0.62))
            if person.mobile:
                choices.append(("sms", 0.08 if person.language != "BSL" else 0.5))
            if person.email:
                choices.append(("email", 0.18))
            person.preferred = _weighted(rng, choices) if rng.random() < 0.9 else None

    # --- crimes and who is in them ---

    def _report_times(self) -> list[tuple[datetime, str | None]]:
        rng = self.rng
        n = self.n_crimes
        plants = self._plants() if n >= 12 else []
        times: list[tuple[datetime, str | None]] = list(plants)
        old = max(2, round(n * 0.012)) if n >= 50 else 0
        for i in range(n - len(plants)):
            if i < old:
                start, end = date(2019, 1, 2), date(2021, 12, 20)
                day = start + timedelta(days=rng.randint(0, (end - start).days))
            else:
                ago = rng.randint(184, 550) if rng.random() < 0.15 else 1 + int(rng.random() ** 1.12 * 183)
                day = self.today - timedelta(days=ago)
            hour = _weighted(rng, list(enumerate(REPORT_HOURS)))
            times.append((_at_local(day, hour * 60 + rng.randint(0, 59)), None))
        times.sort(key=lambda pair: pair[0])
        return times

    def _plants(self) -> list[tuple[datetime, str | None]]:
        """Crimes placed so that, whatever day it is, some duties fall due today and on the next working day.

        A contact contract of every 14 days makes an update due exactly 14 days after the report; a
        report two working days before a working day makes the support referral due that day.
        """
        today, calendar = self.today, self.calendar
        next_day = calendar.next_working_day(today)
        plants: list[tuple[datetime, str | None]] = [
            (_at_local(today - timedelta(days=14), 10 * 60 + 5), "contract_today"),
            (_at_local(next_day - timedelta(days=14), 15 * 60 + 40), "contract_next"),
        ]
        for target, name in ((today, "referral_today"), (next_day, "referral_next")):
            for back in range(1, 15):
                day = today - timedelta(days=back)
                if calendar.add_working_days(day, 2) == target:
                    plants.append((_at_local(day, 11 * 60 + 20), name))
                    break
        return plants

    def _crimes(self) -> None:
        rng = self.rng
        offences = [(o, o.weight) for o in OFFENCES]
        divisions = [(d, d.weight) for d in DIVISIONS]
        times = self._report_times()
        fatal_slots: set[int] = set()
        if self.n_crimes >= 100:
            recent = [
                i
                for i, (_, plant) in enumerate(times)
                if plant is None and (self.today - local_date(times[i][0])).days < 300
            ]
            fatal_slots = set(rng.sample(recent, min(len(recent), max(2, round(self.n_crimes * 0.0015)))))
        for index, (reported, plant) in enumerate(times):
            if plant is not None:
                offence = PLANT_OFFENCE
            elif index in fatal_slots:
                offence = rng.choice(FATAL_OFFENCES)
            else:
                offence = _weighted(rng, offences)
            division = _weighted(rng, divisions)
            crime = _Crime(offence, reported, division, self._officer_for(division.name, offence.category), plant)
            self._towns = division.towns if rng.random() < 0.92 else rng.choice(DIVISIONS).towns
            self._people_for(crime)
            self.crimes.append(crime)
        self._every_officer_busy()
        self._references()

    def _every_officer_busy(self) -> None:
        """Give each officer at least one crime (the import only knows officers from their crimes)."""
        rng = self.rng
        load = Counter(crime.officer for crime in self.crimes)
        for officer in self.officers:
            if load[officer]:
                continue
            same_team = [c for c in self.crimes if c.officer.team == officer.team and load[c.officer] > 1]
            same_division = [c for c in self.crimes if c.division.name == officer.division and load[c.officer] > 1]
            candidates = same_team or same_division
            if not candidates:
                continue
            crime = rng.choice(candidates)
            load[crime.officer] -= 1
            crime.officer = officer
            load[officer] += 1

    def _references(self) -> None:
        counters: dict[tuple[str, int], int] = {}
        for crime in self.crimes:
            year = local_date(crime.reported_at).year
            key = (crime.division.code, year)
            number = counters.get(key, self.rng.randint(100, 900)) + self.rng.randint(1, 35)
            counters[key] = number
            crime.ref = f"{crime.division.code}/{number:05d}/{year % 100:02d}"

    def _people_for(self, crime: _Crime) -> None:
        rng = self.rng
        category = crime.offence.category
        reported = local_date(crime.reported_at)
        if crime.offence.victims == "bereaved":
            surname_culture = _weighted(rng, self._cultures)
            deceased_age = rng.randint(4, 80)
            family_surname = self._name(surname_culture, False)[1]
            relatives = rng.randint(2, 3)
            address = self._address()
            for i in range(relatives):
                if deceased_age < 18 and i < 2:
                    relation = "mother" if i == 0 else "father"
                    female = i == 0
                    age = deceased_age + rng.randint(22, 40)
                else:
                    relation = rng.choice(("partner", "son", "daughter", "sister", "brother"))
                    female = relation in ("daughter", "sister") or (relation == "partner" and rng.random() < 0.6)
                    age = max(18, deceased_age + rng.randint(-25, 5))
                person = self._new_person(
                    reported,
                    age,
                    female,
                    surname_culture,
                    family_surname,
                    address,
                    keep_address=i == 0 or rng.random() < 0.5,
                )
                crime.links.append(
                    _Link(person, Role.BEREAVED_RELATIVE, ("bereaved",), rng.random() < 0.05, relation=relation)
                )
            return
        if crime.offence.victims == "business":
            person = self._new_person(
                reported, rng.randint(24, 60), address=self._address(business=True), keep_address=True
            )
            crime.links.append(_Link(person, Role.BUSINESS_CONTACT, (), rng.random() < 0.25, relation="store manager"))
            self._witnesses(crime)
            return
        count = _weighted(rng, EXTRA_VICTIMS) if category not in ("domestic", "sexual", "fraud") else 1
        for number in range(count):
            reused = self._reuse(crime) if number == 0 and crime.plant is None else None
            if reused is not None:
                person = reused
                repeat = True
            else:
                child = crime.plant is None and rng.random() < CHILD_SHARE.get(category, 0.0)
                age = rng.randint(8, 17) if child else self._adult_age(category)
                person = self._new_person(reported, age)
                repeat = False
            link = _Link(
                person,
                Role.VICTIM,
                self._reasons(crime, person, repeat),
                crime.plant is None and rng.random() < (0.14 if category == "domestic" else 0.1),
            )
            crime.links.append(link)
            if person.links == 0 and (person.dob is None or (reported - person.dob).days >= 18 * 365):
                self._pools[(crime.division.name, category)].append(person)
                self._pools[(crime.division.name, "")].append(person)
            person.links += 1
            if person.dob is not None and (reported - person.dob).days < 16 * 365 and rng.random() < 0.85:
                female = rng.random() < 0.7
                parent = self._new_person(
                    reported,
                    (reported - person.dob).days // 365 + rng.randint(22, 40),
                    female,
                    person.culture,
                    person.surname if rng.random() < 0.8 else None,
                    person.address,
                    keep_address=True,
                )
                crime.links.append(
                    _Link(
                        parent,
                        Role.PARENT_GUARDIAN,
                        (),
                        link.vs_opt_out,
                        relation=f"{'mother' if female else 'father'} of {person.given}",
                    )
                )
                parent.links += 1
        self._witnesses(crime)

    def _reuse(self, crime: _Crime) -> _Person | None:
        rng = self.rng
        category = crime.offence.category
        if rng.random() >= REPEAT_SHARE.get(category, 0.02):
            return None
        pool = self._pools.get((crime.division.name, category)) or self._pools.get((crime.division.name, ""))
        if not pool:
            return None
        return rng.choice(pool[-150:])

    def _reasons(self, crime: _Crime, person: _Person, repeat: bool) -> tuple[str, ...]:
        rng = self.rng
        category = crime.offence.category
        reasons: list[str] = []
        age = None if person.dob is None else (local_date(crime.reported_at) - person.dob).days // 365
        vulnerable = 0.03
        if age is not None and age >= 75:
            vulnerable = 0.25
        if category == "fraud" and age is not None and age >= 65:
            vulnerable = 0.4
        if rng.random() < vulnerable:
            reasons.append("vulnerable")
        if rng.random() < (0.2 if category in ("harassment", "domestic", "hate") else 0.015):
            reasons.append("intimidated")
        if repeat and rng.random() < (0.65 if category in ("harassment", "asb", "hate", "domestic") else 0.25):
            reasons.append("persistently_targeted")
        elif category == "asb" and rng.random() < 0.05:
            reasons.append("persistently_targeted")
        return tuple(reasons)

    def _witnesses(self, crime: _Crime) -> None:
        rng = self.rng
        if crime.offence.category in ("fraud", "asb") or rng.random() >= 0.07:
            return
        for _ in range(rng.randint(1, 2)):
            person = self._new_person(local_date(crime.reported_at), rng.randint(18, 75))
            crime.links.append(_Link(person, Role.WITNESS))
            person.links += 1

    # --- what the police did ---

    def _investigation(self, crime: _Crime) -> list[_Event]:
        rng = self.rng
        reported = crime.reported_at
        category = crime.offence.category
        town = crime.division.towns[0]
        offence = _lower(crime.offence.text)
        events: list[_Event] = []
        if crime.plant is not None:
            return events

        def add(kind: str, at: datetime, note: str) -> datetime:
            events.append(_Event(kind, at, note))
            return at

        screened, suspect = INVESTIGATION[category]
        draw = rng.random()
        if draw < screened:
            reason = rng.choice(NO_INVESTIGATION_REASONS)
            at = add(
                "no_investigation",
                reported + timedelta(hours=rng.uniform(6, 240)),
                f"Screened out after initial assessment: {reason}.",
            )
            crime.outcome = "there are no lines of enquiry, so it has been filed"
            if rng.random() < 0.85:
                add(
                    "case_closed",
                    at + timedelta(hours=rng.uniform(1, 72)),
                    "Filed pending further information: no lines of enquiry.",
                )
        elif draw < screened + suspect:
            delay = (
                timedelta(hours=rng.uniform(0.5, 14))
                if category in QUICK_ARREST
                else timedelta(days=rng.uniform(0.5, 35))
            )
            place = rng.choice(
                (
                    "at their home address",
                    "at the scene",
                    f"in {town} town centre",
                    f"after attending {town} police station by appointment",
                    "at a friend's address",
                )
            )
            at = add("arrest", reported + delay, f"Suspect arrested {place} on suspicion of {offence}.")
            if rng.random() < 0.92:
                at = add(
                    "interview",
                    at + timedelta(hours=rng.uniform(2, 11)),
                    f"Suspect interviewed under caution{rng.choice(WITH_SOLICITOR)}. {rng.choice(INTERVIEWS)}",
                )
            outcome = _weighted(rng, OUTCOMES_DOMESTIC if category in QUICK_ARREST else OUTCOMES)
            at += timedelta(hours=rng.uniform(0.5, 3))
            if outcome in ("bail", "rui"):
                if outcome == "bail":
                    add(
                        "bail",
                        at,
                        f"Released on conditional bail to return to {town} police station on "
                        f"{_uk(at + timedelta(days=28))}.",
                    )
                else:
                    add("rui", at, f"Released under investigation pending {rng.choice(PENDING)}.")
                final_at = at + timedelta(days=rng.uniform(21, 120 if outcome == "bail" else 170))
                if outcome == "bail" and rng.random() < 0.25:
                    varied = at + (final_at - at) * rng.uniform(0.2, 0.6)
                    add(
                        "bail_varied",
                        varied,
                        f"Bail extended to {_uk(varied + timedelta(days=42))}; conditions "
                        "varied at the request of the defence.",
                    )
                outcome = _weighted(rng, (("charge", 0.4), ("release_nfa", 0.45), ("out_of_court_disposal", 0.15)))
                at = final_at
            if outcome == "charge":
                add(
                    "charge",
                    at,
                    f"Charged with {offence}; bailed to appear at {town} Magistrates' Court on "
                    f"{_uk(at + timedelta(days=rng.randint(14, 42)))}.",
                )
                closing = "Suspect charged; file passed to the Witness Care Unit."
                crime.outcome = "the suspect has been charged and the case is now with the court"
            elif outcome == "release_nfa":
                add(
                    "release_nfa",
                    at,
                    "No further action: insufficient evidence for a realistic prospect of conviction.",
                )
                closing = "Finalised: no further action against the suspect."
                crime.outcome = "no further action against the suspect"
            else:
                disposal = rng.choice(DISPOSALS)
                add("out_of_court_disposal", at, f"Suspect given a {disposal}.")
                closing = f"Finalised by out-of-court disposal ({disposal})."
                crime.outcome = f"the suspect was given a {disposal}"
                crime.disposal = disposal
            if rng.random() < {"charge": 0.75, "release_nfa": 0.9}.get(outcome, 0.9):
                add("case_closed", at + timedelta(hours=rng.uniform(2, 240)), closing)
        elif rng.random() < (0.6 if category == "asb" else 0.85):
            if category == "asb":
                crime.outcome = "the problem has been dealt with through partnership work"
            add(
                "case_closed",
                reported + timedelta(days=rng.uniform(14, 100)),
                "Investigation complete; no suspect identified. Filed pending further information."
                if category != "asb"
                else "ASB case closed: problem resolved following partnership work.",
            )
        # Cases more than a few months old are nearly always finalised by now.
        age = (self.today - local_date(reported)).days
        if not any(e.type == "case_closed" for e in events) and (age > 700 or (age > 210 and rng.random() < 0.9)):
            last = max((e.at for e in events), default=reported)
            add(
                "case_closed",
                last + timedelta(days=rng.uniform(20, 150)),
                "Reviewed by the supervisor: all lines of enquiry complete. Filed.",
            )
        events.sort(key=lambda e: e.at)
        return [e for e in events if e.at < self.cutoff]

    def _edition(self, moment: datetime) -> Edition | None:
        return self.code.edition_for(local_date(moment))

    def _enhanced(self, crime: _Crime, link: _Link) -> bool:
        edition = self._edition(crime.reported_at)
        if edition is None:
            return False
        facts = CaseFacts(
            crime_ref=crime.ref,
            person_ref=link.person.ref,
            offence=crime.offence.text,
            reported_at=crime.reported_at,
            role=Role(link.role),
            dob=link.person.dob,
            explicit_reasons=frozenset(link.reasons),
        )
        return bool(enhanced_reasons(edition, facts, local_date(crime.reported_at), self.code.offences))

    def _limit(self, event_type: str, at: datetime, enhanced: bool) -> int:
        edition = self._edition(at)
        rules = edition.rules_for_event(event_type) if edition else ()
        return rules[0].days(enhanced) if rules else 5

    def _simulate_link(self, crime: _Crime, link: _Link) -> None:
        rng = self.rng
        if link.role == Role.WITNESS:
            if rng.random() < 0.6:
                at = self._after(crime.reported_at, rng.randint(1, 8))
                if at < self.cutoff:
                    link.contacts.append(
                        _Contact(at, crime.reported_at, "witness", self._method(crime, link), Outcome.INFORMED)
                    )
            self._notes(crime, link)
            return
        link.enhanced = self._enhanced(crime, link)
        if crime.plant in ("contract_today", "contract_next"):
            link.every_days = 14
        elif crime.offence.category in ("domestic", "harassment") and rng.random() < 0.1:
            link.every_days = 14
        elif crime.offence.category in ("fraud", "property") and rng.random() < 0.04:
            link.every_months = 2
        diligence = crime.officer.diligence
        if crime.plant is not None:
            self._plant_contacts(crime, link)
        else:
            self._respond(crime, link, diligence)
            self._updates(crime, link, diligence)
            self._failed_attempts(crime, link)
        self._refer(crime, link)
        link.contacts.sort(key=lambda c: c.at)
        self._notes(crime, link)

    def _after(self, trigger: datetime, working_days: int) -> datetime:
        """A plausible moment `working_days` working days after `trigger` (0: later the same day)."""
        rng = self.rng
        if working_days == 0:
            return self._daytime(trigger + timedelta(minutes=rng.randint(25, 360)))
        day = self.calendar.add_working_days(local_date(trigger), working_days)
        return _at_local(day, rng.randint(8 * 60 + 15, 20 * 60 + 30))

    def _daytime(self, moment: datetime) -> datetime:
        """`moment`, or if it falls at night, first thing the next morning (officers do not call at 3 a.m.)."""
        local = moment.astimezone(LONDON)
        if 8 <= local.hour < 21:
            return moment
        day = local.date() + timedelta(days=1) if local.hour >= 21 else local.date()
        return _at_local(day, self.rng.randint(8 * 60, 11 * 60))

    def _respond(self, crime: _Crime, link: _Link, diligence: float) -> None:
        """Contacts after the report and after each event, on time, late or not at all."""
        rng = self.rng
        triggers = [(crime.reported_at, "report")] + [(e.at, e.type) for e in crime.events]
        for index, (at, kind) in enumerate(triggers):
            if kind == "case_closed":
                if rng.random() < diligence * 0.8:
                    when = self._after(at, rng.choice((0, 1, 1, 2, 3, 5)))
                    self._plan(link, when, at, "closure", crime)
                continue
            following = triggers[index + 1][0] if index + 1 < len(triggers) else None
            if following is not None and following - at < timedelta(hours=12):
                continue  # one call covers both (arrest then interview, interview then charge)
            limit = 1 if kind == "report" else self._limit(kind, at, link.enhanced)
            draw = rng.random()
            prompt = diligence * (0.95 if kind == "report" else 0.9)
            if draw < prompt:
                delay = (
                    rng.choice((0, 0, 1))
                    if limit <= 1
                    else _weighted(rng, ((0, 0.35), (1, 0.3), (2, 0.15), (3, 0.1), (4, 0.06), (5, 0.04)))
                )
                delay = min(delay, limit)
            elif draw < prompt + (1 - prompt) * 0.55:
                delay = limit + rng.randint(1, 12)
            else:
                if rng.random() < 0.4:
                    when = self._after(at, rng.randint(0, limit))
                    self._plan(link, when, at, kind, crime, outcome=Outcome.NO_CONTACT)
                continue
            self._plan(link, self._after(at, delay), at, kind, crime)

    def _plan(
        self, link: _Link, at: datetime, after: datetime, kind: str, crime: _Crime, outcome: str = Outcome.INFORMED
    ) -> _Contact | None:
        if at >= self.cutoff:
            return None
        contact = _Contact(at, after, kind, self._method(crime, link, kind, outcome), outcome)
        link.contacts.append(contact)
        return contact

    def _period(self, link: _Link) -> relativedelta:
        if link.every_days:
            return relativedelta(days=link.every_days)
        return relativedelta(months=link.every_months or 1)

    def _updates(self, crime: _Crime, link: _Link, diligence: float) -> None:
        """The chain of periodic updates, as the engine counts it: each informed contact starts the next period."""
        rng = self.rng
        closed = crime.closed_at
        closed_day = local_date(closed) if closed else None
        informed = sorted(c.at for c in link.contacts if c.outcome == Outcome.INFORMED)
        start = crime.reported_at
        period = self._period(link)
        used = 0  # like the engine: each informed contact meets one update, the first at or after its start
        for _ in range(400):
            due = local_date(start) + period
            if closed_day is not None and due > closed_day:
                return
            used = max(used, bisect_left(informed, start, lo=used))
            following = informed[used] if used < len(informed) else None
            if following is not None and local_date(following) <= due:
                start = following
                used += 1
                continue
            draw = rng.random()
            when: datetime | None = None
            if draw < diligence * 0.88:
                day = due - timedelta(days=rng.randint(0, 6))
                if day.weekday() >= 5 and rng.random() < 0.8:
                    day -= timedelta(days=day.weekday() - 4)
                when = _at_local(day, rng.randint(8 * 60 + 30, 19 * 60 + 30))
            elif draw < diligence * 0.88 + (1 - diligence * 0.88) * 0.6:
                when = _at_local(due + timedelta(days=rng.randint(1, 21)), rng.randint(9 * 60, 19 * 60))
            if when is not None and when <= start:
                when = self._daytime(start + timedelta(hours=rng.uniform(2, 30)))
            if when is None or when >= self.cutoff or (following is not None and following < when):
                if following is None:
                    return
                start = following
                used += 1
                continue
            self._plan(link, when, start, "update", crime)
            insort(informed, when, lo=used)
            start = when
            used += 1

    def _failed_attempts(self, crime: _Crime, link: _Link) -> None:
        rng = self.rng
        for contact in list(link.contacts):
            if contact.outcome != Outcome.INFORMED or contact.method in ("letter", "email"):
                continue
            gap = contact.at - contact.after
            if gap > timedelta(hours=2) and rng.random() < 0.2:
                at = self._daytime(contact.after + gap * rng.uniform(0.15, 0.75))
                if not contact.after < at < contact.at:
                    continue
                if contact.method == "visit":
                    method = "visit"
                else:
                    method = self._method(crime, link, contact.kind, Outcome.NO_CONTACT)
                link.contacts.append(_Contact(at, contact.after, contact.kind, method, Outcome.NO_CONTACT))

    def _plant_contacts(self, crime: _Crime, link: _Link) -> None:
        """Planted crimes: a failed attempt, and (for the referral plants) one informed first contact."""
        reported = crime.reported_at
        if crime.plant in ("referral_today", "referral_next"):
            self._plan(link, reported + timedelta(hours=3), reported, "report", crime)
        else:
            self._plan(link, reported + timedelta(hours=26), reported, "report", crime, outcome=Outcome.NO_CONTACT)

    def _refer(self, crime: _Crime, link: _Link) -> None:
        rng = self.rng
        if link.vs_opt_out or crime.plant in ("referral_today", "referral_next"):
            return
        if rng.random() >= (0.9 if crime.plant else 0.86):
            return
        delay = _weighted(rng, ((0, 0.32), (1, 0.27), (2, 0.2), (3, 0.08), (4, 0.05), (-1, 0.08)))
        if delay < 0:
            delay = rng.randint(5, 15)
        if crime.plant:
            delay = min(delay, 2)
        at = self._after(crime.reported_at, delay)
        if delay > 0:
            at = _at_local(local_date(at), rng.randint(9 * 60, 17 * 60))
        if at >= self.cutoff:
            return
        category = crime.offence.category
        if link.role == Role.BEREAVED_RELATIVE:
            service, consent = "Homicide Service", "explicit"
            note = "Family gave consent for referral to the Homicide Service; details sent by secure email."
        elif category == "sexual":
            service, consent = "ISVA service (Sexual Assault Referral Centre)", "explicit"
            note = "Victim gave explicit consent for referral to an Independent Sexual Violence Adviser."
        elif category == "domestic":
            service, consent = "Domestic abuse service (IDVA)", "explicit"
            note = "Victim consented to referral to the IDVA service; DASH risk assessment attached."
        else:
            service, consent = "Victim Support", "opt_out"
            note = rng.choice(
                (
                    "Details passed to Victim Support through the secure portal.",
                    "Referred to Victim Support; victim told they will be contacted within 2 days.",
                    "Automatic referral to Victim Support sent.",
                )
            )
        link.referral = _Referral(at, service, consent, note)

    def _method(self, crime: _Crime, link: _Link, kind: str = "", outcome: str = Outcome.INFORMED) -> str:
        rng = self.rng
        person = link.person
        safe = crime.offence.category in ("domestic", "sexual")
        if kind == "closure" and not safe and rng.random() < 0.5:
            return ContactMethod.LETTER
        if outcome == Outcome.NO_CONTACT:
            if person.mobile and person.language == "BSL":
                return ContactMethod.SMS
            return ContactMethod.PHONE if person.phone and rng.random() < 0.85 else ContactMethod.VISIT
        preferred = person.preferred
        if preferred and rng.random() < 0.7 and not (safe and preferred in ("letter", "sms", "email")):
            return preferred
        choices: list[tuple[str, float]] = [("visit", 0.12 if safe else 0.06)]
        if person.phone and person.language != "BSL":
            choices.append(("phone", 0.7))
        if not safe:
            choices.append(("letter", 0.06))
            if person.email:
                choices.append(("email", 0.12))
            if person.mobile:
                choices.append(("sms", 0.05))
        return _weighted(rng, choices)

    # --- the words ---

    def _notes(self, crime: _Crime, link: _Link) -> None:
        rng = self.rng
        bureau_ok = crime.offence.category not in SPECIALIST and link.role != Role.WITNESS
        for contact in link.contacts:
            contact.note = _note(rng, crime, link, contact)
            share = 0.25 if contact.kind in ("update", "closure") else 0.08
            if bureau_ok and rng.random() < share:
                contact.on_behalf_of = crime.officer.staff_no
                contact.note = f"Re-contact bureau, on behalf of {crime.officer.name}: {contact.note}"

    # --- the CSV the import reads ---

    def write_csv(self, path: Path) -> None:
        columns = (
            "crime_ref",
            "reported_at",
            "offence",
            "kind",
            "division",
            "oic_id",
            "oic_name",
            "oic_email",
            "oic_team",
            "victim_ref",
            "victim_name",
            "victim_dob",
            "victim_phone",
            "victim_email",
            "victim_address",
            "victim_role",
            "enhanced_reasons",
            "vs_opt_out",
            "victim_language",
            "victim_interpreter",
            "victim_ethnicity",
            "victim_preferred_contact",
        )
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(columns)
            for crime in self.crimes:
                officer = crime.officer
                for link in crime.links:
                    person = link.person
                    out.writerow(
                        (
                            crime.ref,
                            crime.reported_at.astimezone(LONDON).isoformat(),
                            crime.offence.text,
                            crime.offence.kind,
                            crime.division.name,
                            officer.staff_no,
                            officer.name,
                            officer.email,
                            officer.team,
                            person.ref,
                            person.name,
                            person.dob.isoformat() if person.dob else "",
                            person.phone or "",
                            person.email or "",
                            person.address or "",
                            str(link.role),
                            ";".join(link.reasons),
                            "yes" if link.vs_opt_out else "no",
                            person.language or "",
                            ("yes" if person.interpreter else "no") if person.language else "",
                            person.ethnicity or "",
                            person.preferred or "",
                        )
                    )


def _insert_returning_ids(session: Session, table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows in one executemany and return their ids, in the order of `rows`.

    Neither `INSERT ... RETURNING` with ordered results (one statement per row on SQLite) nor the ORM's
    bulk insert (which splits batches wherever a value is None) is fast here. The write lock is held
    (BEGIN IMMEDIATE), so the new ids are the ones above the previous maximum, in insertion order.
    """
    if not rows:
        return []
    before = session.scalar(select(func.max(table.id))) or 0
    session.execute(insert(table.__table__), rows)
    ids = list(session.scalars(select(table.id).where(table.id > before).order_by(table.id)))
    if len(ids) != len(rows):
        raise ServiceError(f"expected {len(rows)} new {table.__tablename__} rows, found {len(ids)}")
    return ids


def _lower(offence: str) -> str:
    """The offence as it reads in a sentence: "Burglary - residential (dwelling)" becomes "burglary"."""
    text = re.sub(r"\s*\([^)]*\)", "", offence).split(" - ")[0].strip()
    return text[0].lower() + text[1:] if not text[:2].isupper() else text


# --- the words officers write ----------------------------------------------------------------------

NO_INVESTIGATION_REASONS = (
    "no CCTV, no witnesses and no forensic opportunities",
    "the house-to-house enquiries found no witnesses and there is no CCTV",
    "the vehicle registration given could not be traced",
    "the bank could not identify the account holder the money went to",
    "there is no description of the suspect and no forensic evidence",
)
WITH_SOLICITOR = (" with a duty solicitor present", " with their own solicitor present", "")
INTERVIEWS = (
    "Made no comment.",
    "Denied the offence.",
    "Gave a prepared statement denying the offence.",
    "Admitted the offence.",
    "Claimed self-defence.",
)
OUTCOMES = (("bail", 0.18), ("rui", 0.27), ("charge", 0.2), ("release_nfa", 0.2), ("out_of_court_disposal", 0.15))
OUTCOMES_DOMESTIC = (
    ("bail", 0.35),
    ("rui", 0.12),
    ("charge", 0.33),
    ("release_nfa", 0.17),
    ("out_of_court_disposal", 0.03),
)
PENDING = (
    "a download of the suspect's phone",
    "forensic results",
    "CCTV from the council",
    "a further witness statement",
    "a decision from the Crown Prosecution Service",
    "bank records",
)
DISPOSALS = (
    "conditional caution with a requirement to pay compensation",
    "community resolution with a written apology",
    "youth caution",
    "conditional caution with a requirement to attend a course",
    "community resolution with compensation of £150",
)
PROGRESS = {
    "property": (
        "CCTV from the area has been requested and I am waiting for it.",
        "House-to-house enquiries are complete; no witnesses came forward. Forensic results are awaited.",
        "The forensic results from the scene are not back yet.",
        "I have reviewed the CCTV; the quality is poor and the suspect cannot be identified from it so far.",
        "Checks with second-hand shops and online sellers for the stolen property have found nothing yet.",
    ),
    "fraud": (
        "Enquiries with the bank are continuing; I am waiting for details of the account the money went to.",
        "A production order has been served on the bank; the reply is awaited.",
        "The phone number the caller used is being traced.",
    ),
    "violence": (
        "Witness statements have been taken and CCTV from the area is being reviewed.",
        "Still trying to identify the suspect from the CCTV.",
        "The medical evidence has been requested from the hospital.",
    ),
    "harassment": (
        "The messages have been downloaded from the victim's phone and are being reviewed.",
        "Enquiries with the phone company to identify the sender are continuing.",
        "The social media company has been asked for the account holder's details.",
    ),
    "domestic": (
        "Enquiries continue; the safety plan has been reviewed and the IDVA is in touch.",
        "The suspect has not yet been traced; officers are still looking for them.",
    ),
    "sexual": (
        "The results from the forensic examination are awaited.",
        "Still waiting for the laboratory results; the ISVA is in touch.",
    ),
    "hate": (
        "CCTV from the area has been obtained and is being reviewed.",
        "Further witnesses are being traced.",
    ),
    "serious": ("The investigation team is still tracing witnesses; forensic results are awaited.",),
    "fatal": ("The investigation team continues to follow lines of enquiry; the post-mortem report is awaited.",),
    "rtc": (
        "Witness statements are being taken and dashcam footage has been requested.",
        "Still waiting for the collision investigator's report.",
    ),
    "asb": (
        "The council's anti-social behaviour team has visited the address and a warning letter has been issued.",
        "Patrols in the area have been increased and a partnership meeting is booked.",
        "The housing association has been asked to take action against the tenancy.",
    ),
    "arrest": ("The suspect remains under investigation; the file is being prepared.",),
    "interview": ("The evidence is being reviewed after the interview; a charging decision is pending.",),
    "bail": (
        "The suspect remains on bail with conditions not to contact the victim; enquiries continue.",
        "The file has gone to the CPS for a charging decision; the suspect is still on bail.",
    ),
    "bail_varied": ("The suspect's bail has been extended and the conditions remain in place.",),
    "rui": (
        "The suspect is still released under investigation; the phone download is not back yet.",
        "The suspect is still released under investigation while the last enquiries are completed.",
    ),
    "charge": ("The case is with the court; the Witness Care Unit will confirm the trial date.",),
    "release_nfa": ("The case is being finalised after the no further action decision.",),
    "out_of_court_disposal": ("The out-of-court disposal has been completed and the case is being finalised.",),
    "no_investigation": ("The case has been filed; nothing new has come to light.",),
}
NEXT_STEPS = {
    "property": "Explained what happens next: CCTV in the area will be checked and house-to-house enquiries made.",
    "fraud": "Explained what happens next: I will contact the bank and Action Fraud has been told.",
    "harassment": "Explained what happens next and asked {first} to keep every message and call log.",
    "domestic": "Agreed a safe contact plan: calls only, at the times {first} gave, no messages left.",
    "asb": "Explained what happens next: the neighbourhood team and the council will work on the problem.",
    "rtc": "Explained what happens next: witness statements will be taken and dashcam footage requested.",
}
AGREEMENTS = (
    "Agreed to update at least once a month.",
    "Gave crime prevention advice.",
    "Gave the Victim Support leaflet and explained the referral.",
    "Explained the Victim Personal Statement; will take one later.",
    "Completed the needs assessment; no additional needs identified.",
    "Completed the needs assessment; {first} is anxious about going out and prefers a call to letters.",
)
REACTIONS = (
    "{first} had no concerns.",
    "{first} was grateful for the update.",
    "{first} is feeling more settled and had no questions.",
    "{first} is frustrated at how long it is taking; I explained why.",
    "{first} asked to be called in the evenings from now on.",
    "{first} asked whether anyone has been caught; I explained what is being done.",
)
FAILED = {
    "phone": (
        "Called {phone}, no answer. Left a voicemail asking {first} to call me back on 101 quoting {ref}.",
        "Called {phone}; it went to voicemail. Left a message asking {first} to call back.",
        "Called {phone}; the number rang out. Will try again.",
        "Called {phone}; no answer and no voicemail set up.",
    ),
    "visit": (
        "Visited {address}; no reply. Calling card left asking {first} to get in touch.",
        "Called at the address; no one home. Card left.",
    ),
    "sms": ("Text sent to {phone} asking {first} to call me back; no reply.",),
    "email": ("Emailed asking {first} to get in touch; no reply.",),
    "letter": ("Letter sent asking {first} to contact me; no response.",),
}
SPOKEN = ("phone", "visit")


def _note(rng: random.Random, crime: _Crime, link: _Link, contact: _Contact) -> str:
    """What the officer wrote: what was said (or sent), in plain words."""
    person = link.person
    first = person.given
    category = crime.offence.category
    if contact.outcome == Outcome.NO_CONTACT:
        if category in ("domestic", "sexual") and contact.method == "phone":
            return (
                f"Called {person.phone}; no answer. No voicemail left, in line with the safe contact plan. "
                "Will try again at the agreed safe time."
            )
        template = rng.choice(FAILED[contact.method])
        return template.format(
            phone=person.phone or "the number held",
            first=first,
            ref=crime.ref,
            address=person.address or "the address held",
        )
    spoken = contact.method in SPOKEN
    who = first if not link.relation else f"{first} ({link.relation})"
    if contact.method == "phone":
        parts = [f"Spoke to {who} on the phone."]
    elif contact.method == "visit":
        place = "at the premises" if link.role == Role.BUSINESS_CONTACT else "at home"
        parts = [f"Visited {who} {place}."]
    else:
        opening = {"email": "Emailed", "letter": "Letter sent to", "sms": "Text message sent to"}[contact.method]
        parts = [f"{opening} {who}."]
    if person.language == "Welsh":
        parts.append("In Welsh, as they prefer." if spoken else "Written in Welsh and English.")
    elif person.interpreter and person.language:
        if not spoken:
            parts.append(f"Written in English and {person.language}." if person.language != "BSL" else "")
        elif person.language == "BSL" or contact.method == "visit":
            parts.append(f"{person.language} interpreter present.")
        else:
            parts.append(f"{person.language} interpreter used (telephone interpreting service).")
    kind = contact.kind
    fact, follow = _facts(rng, crime, link, contact)
    if kind == "report":
        if spoken:
            parts.append(f"Introduced myself as the officer in the case and gave the crime reference {crime.ref}.")
            parts.append(NEXT_STEPS.get(category, "Explained what happens next.").format(first=first))
            parts.append(rng.choice(AGREEMENTS).format(first=first))
        else:
            parts.append(
                f"Gave the crime reference {crime.ref}, my contact details, what happens next and how to "
                "contact Victim Support."
            )
    elif kind == "update":
        last = [e.type for e in crime.events if e.at <= contact.at and e.type in PROGRESS]
        parts.append(rng.choice(PROGRESS[last[-1] if last else category]))
        if spoken:
            parts.append(rng.choice(REACTIONS).format(first=first))
        else:
            parts.append("Asked them to contact me with any questions.")
        every = f"{link.every_days} days" if link.every_days else "a month"
        parts.append(f"Next update within {every}, as agreed.")
    elif kind == "witness":
        parts.append(
            "Arranged for a statement to be taken."
            if spoken
            else "Asked them to call me to arrange a time to give a statement."
        )
    else:
        parts.append(f"Told {first} that {fact}." if spoken else f"To say that {fact}.")
        parts.extend(follow if spoken else follow[:1])
    return " ".join(p for p in parts if p)


def _facts(rng: random.Random, crime: _Crime, link: _Link, contact: _Contact) -> tuple[str, list[str]]:
    """What a notification says, and what else is said (the first item also goes in writing)."""
    first = link.person.given
    when = _uk(contact.after)
    offence = _lower(crime.offence.text)
    kind = contact.kind
    if kind == "arrest":
        return f"a suspect was arrested on {when} on suspicion of {offence}", [
            "Explained I will update them after the interview."
        ]
    if kind == "interview":
        return f"the suspect was interviewed under caution on {when} and the evidence is being reviewed", [
            "A decision on charge will follow; I will be in touch."
        ]
    if kind == "bail":
        street = "their road"
        address = link.person.address
        if address and "," in address:
            street = " ".join(w for w in address.split(",")[-2].split() if not w.isdigit())
        return (
            f"the suspect has been released on conditional bail until {_uk(contact.after + timedelta(days=28))}, "
            f"with conditions not to contact {first} directly or indirectly and not to go to {street}"
        ), ["Advised to call 999 if the conditions are broken."]
    if kind == "bail_varied":
        return "the suspect's bail has been extended and the conditions varied; the no-contact condition remains", [
            "Advised to call 999 if the conditions are broken."
        ]
    if kind == "rui":
        return "the suspect has been released under investigation while enquiries continue", [
            "No bail conditions can be set with release under investigation.",
            "Gave safety advice and told them to call 999 in an emergency.",
        ]
    if kind == "charge":
        vps = rng.choice(("will make one", "does not want to at this stage", "wants time to think about it"))
        return (
            f"the suspect has been charged with {offence} and will appear at {crime.division.towns[0]} "
            "Magistrates' Court"
        ), [
            "The Witness Care Unit will now keep them informed about the court case.",
            f"Offered the chance to make a Victim Personal Statement; {first} {vps}.",
        ]
    if kind == "release_nfa":
        return (
            "the suspect was released with no further action because there is not enough evidence for a "
            "realistic prospect of conviction"
        ), [
            "Explained the Victims' Right to Review and that a request must be made within 3 months.",
            rng.choice((f"{first} was disappointed but understood.", f"{first} will think about asking for a review.")),
        ]
    if kind == "out_of_court_disposal":
        return f"the suspect has been given a {crime.disposal or 'community resolution'}", [
            f"{first}'s views were asked for before the decision was made.",
        ]
    if kind == "no_investigation":
        return (
            "the crime has been assessed and will not be investigated further at this time, as there are no "
            "lines of enquiry"
        ), [
            "If new information comes to light it will be looked at again.",
            "Gave crime prevention advice and offered a referral to Victim Support.",
        ]
    # closure
    return f"the investigation into the {offence} has been finalised: {crime.outcome}", [
        "Gave details of how to get in touch if anything new comes to light.",
        "Gave Victim Support's number in case they want to talk to someone.",
    ]


# --- writing to the database -----------------------------------------------------------------------

WAIVER_REASONS = {
    "vs_referral": (
        "Victim already has support from a local charity and asked not to be referred again.",
        "Victim is a serving police officer and asked not to be referred; agreed with the sergeant.",
    ),
    "update": (
        "Victim asked for no update this month; next contact agreed for after the court date.",
        "Victim in hospital; the family asked that updates wait until discharge. Agreed with the sergeant.",
        "Victim moved abroad; no contact details. Letter sent to the last known address.",
    ),
    "": (
        "Victim asked only to be told the final outcome, not each step of the investigation.",
        "Victim moved abroad; no contact details. Letter sent to the last known address.",
        "Victim told us they want no further contact about this matter.",
    ),
}


class _Writer:
    """Puts the simulated world in the database: import first, then one bulk transaction, then corrections."""

    def __init__(self, ctx: ServiceContext, world: _World) -> None:
        self.ctx = ctx
        self.world = world
        self.rng = world.rng
        self.user = ctx.actor.user
        self.waivers = 0
        self.contacts: list[tuple[int, _Contact, _Crime]] = []
        self.events: list[tuple[int, _Event, _Crime]] = []
        self.referrals: list[tuple[int, _Referral, _Crime]] = []

    def _recorded(self, at: datetime) -> datetime:
        lag = (
            timedelta(minutes=self.rng.randint(2, 240))
            if self.rng.random() < 0.85
            else timedelta(hours=self.rng.uniform(4, 48))
        )
        return min(at + lag, self.world.cutoff)

    def write(self) -> None:
        ctx, world = self.ctx, self.world
        with ctx.db.transaction() as session:
            officer_ids = dict(session.execute(select(OfficerRow.staff_no, OfficerRow.id)).all())
            crime_ids = dict(session.execute(select(CrimeRow.ref, CrimeRow.id)).all())
            person_ids = dict(session.execute(select(PersonRow.ref, PersonRow.id)).all())
            link_ids = {
                (c, p): i
                for i, c, p in session.execute(
                    select(CrimePersonRow.id, CrimePersonRow.crime_id, CrimePersonRow.person_id)
                )
            }
            self._officers_without_email(session, officer_ids)
            self._contracts(session, crime_ids, person_ids, link_ids)
            self._events(session, crime_ids)
            self._contacts(session, crime_ids, person_ids, link_ids, officer_ids)
            self._referrals(session, crime_ids, person_ids, link_ids)
            session.flush()
            all_links = sorted(link_ids.values())
            rederive_links(ctx, session, all_links)
            self._waivers(session)
            audit.record(
                ctx,
                session,
                audit.COLLECT,
                "demo",
                world.n_crimes,
                {"crimes": world.n_crimes, "as_of": world.today.isoformat()},
            )

    def _officers_without_email(self, session: Session, officer_ids: dict[str, int]) -> None:
        """A few officers have no email on file (left, or mailbox closed): reminders must go elsewhere."""
        officers = sorted(self.world.officers, key=lambda o: o.staff_no)
        chosen = self.rng.sample(officers, min(len(officers), max(2, len(officers) // 60)))
        now = self.ctx.now()
        for officer in sorted(chosen, key=lambda o: o.staff_no):
            officer_id = officer_ids.get(officer.staff_no)
            if officer_id is None:
                continue
            session.execute(update(OfficerRow).where(OfficerRow.id == officer_id).values(email=None))
            session.execute(
                insert(DetailChangeRow),
                [
                    {
                        "object_type": "officer",
                        "object_id": officer_id,
                        "field": "email",
                        "before": officer.email,
                        "after": None,
                        "at": now,
                        "by": self.user,
                        "source": SOURCE,
                    }
                ],
            )
            audit.record(
                self.ctx,
                session,
                audit.ALTER,
                "record",
                f"officer:{officer.staff_no}",
                {"fields": ["email"], "source": SOURCE},
            )
            officer.email = ""

    def _contracts(
        self,
        session: Session,
        crime_ids: dict[str, int],
        person_ids: dict[str, int],
        link_ids: dict[tuple[int, int], int],
    ) -> None:
        """Contact contracts agreed with the victim: updates every 14 days, or every 2 months."""
        changes, details, audits = [], [], []
        now = self.ctx.now()
        for crime in self.world.crimes:
            for link in crime.links:
                if not (link.every_days or link.every_months):
                    continue
                link_id = link_ids[(crime_ids[crime.ref], person_ids[link.person.ref])]
                column = "update_every_days" if link.every_days else "update_every_months"
                value = link.every_days or link.every_months
                changes.append({"id": link_id, column: value, "version": 2})
                details.append(
                    {
                        "object_type": "link",
                        "object_id": link_id,
                        "field": column,
                        "before": None,
                        "after": str(value),
                        "at": now,
                        "by": self.user,
                        "source": SOURCE,
                    }
                )
                audits.append((f"link:{crime.ref}/{link.person.ref}", {"fields": [column], "source": SOURCE}))
        for column in ("update_every_days", "update_every_months"):
            rows = [c for c in changes if column in c]
            if rows:
                session.execute(update(CrimePersonRow), rows)
        if details:
            session.execute(insert(DetailChangeRow), details)
        audit.record_many(self.ctx, session, audit.ALTER, "record", audits)

    def _events(self, session: Session, crime_ids: dict[str, int]) -> None:
        rows, items, closed, made = [], [], [], []
        for crime in self.world.crimes:
            crime_id = crime_ids[crime.ref]
            for event in crime.events:
                made.append((event, crime))
                rows.append(
                    {
                        "crime_id": crime_id,
                        "type": event.type,
                        "at": event.at,
                        "note": event.note,
                        "recorded_at": self._recorded(event.at),
                        "recorded_by": self.user,
                        "retracted": False,
                    }
                )
                items.append({"crime": crime.ref, "type": event.type})
            if crime.closed_at is not None:
                closed.append({"id": crime_id, "closed_at": crime.closed_at})
        if not rows:
            return
        ids = _insert_returning_ids(session, EventRow, rows)
        self.events = [(i, event, crime) for i, (event, crime) in zip(ids, made, strict=True)]
        audit.record_many(self.ctx, session, audit.COLLECT, "event", zip(ids, items, strict=True))
        if closed:
            session.execute(update(CrimeRow), closed)

    def _contacts(
        self,
        session: Session,
        crime_ids: dict[str, int],
        person_ids: dict[str, int],
        link_ids: dict[tuple[int, int], int],
        officer_ids: dict[str, int],
    ) -> None:
        rows, items, made = [], [], []
        for crime in self.world.crimes:
            for link in crime.links:
                link_id = link_ids[(crime_ids[crime.ref], person_ids[link.person.ref])]
                for contact in link.contacts:
                    made.append((contact, crime))
                    rows.append(
                        {
                            "link_id": link_id,
                            "at": contact.at,
                            "method": contact.method,
                            "outcome": contact.outcome,
                            "note": contact.note,
                            "on_behalf_of_id": officer_ids[contact.on_behalf_of] if contact.on_behalf_of else None,
                            "recorded_at": self._recorded(contact.at),
                            "recorded_by": self.user,
                            "retracted": False,
                        }
                    )
                    items.append({"crime": crime.ref, "person": link.person.ref, "outcome": contact.outcome})
        if not rows:
            return
        ids = _insert_returning_ids(session, ContactEntryRow, rows)
        self.contacts = [(i, contact, crime) for i, (contact, crime) in zip(ids, made, strict=True)]
        audit.record_many(self.ctx, session, audit.COLLECT, "contact", zip(ids, items, strict=True))

    def _referrals(
        self,
        session: Session,
        crime_ids: dict[str, int],
        person_ids: dict[str, int],
        link_ids: dict[tuple[int, int], int],
    ) -> None:
        rows, items, made = [], [], []
        for crime in self.world.crimes:
            for link in crime.links:
                referral = link.referral
                if referral is None:
                    continue
                made.append((referral, crime))
                rows.append(
                    {
                        "link_id": link_ids[(crime_ids[crime.ref], person_ids[link.person.ref])],
                        "at": referral.at,
                        "service": referral.service,
                        "consent": referral.consent,
                        "note": referral.note,
                        "recorded_at": self._recorded(referral.at),
                        "recorded_by": self.user,
                        "retracted": False,
                    }
                )
                items.append({"crime": crime.ref, "person": link.person.ref, "recipient": referral.service})
        if not rows:
            return
        ids = _insert_returning_ids(session, ReferralRow, rows)
        self.referrals = [(i, referral, crime) for i, (referral, crime) in zip(ids, made, strict=True)]
        # A referral passes the victim's details to another organisation: a disclosure, as entries.record_referral.
        audit.record_many(self.ctx, session, audit.DISCLOSE, "referral", zip(ids, items, strict=True))

    def _waivers(self, session: Session) -> None:
        """Explicit waivers, with a reason, of some duties still pending (most of them overdue)."""
        world = self.world
        planted = [crime.ref for crime in world.crimes if crime.plant]
        query = (
            select(
                ObligationRow.link_id,
                ObligationRow.key,
                ObligationRow.rule,
                ObligationRow.trigger_at,
                ObligationRow.due,
                CrimeRow.ref,
                PersonRow.ref,
            )
            .join(CrimeRow, CrimeRow.id == ObligationRow.crime_id)
            .join(PersonRow, PersonRow.id == ObligationRow.person_id)
            .where(
                ObligationRow.state == ObligationState.PENDING,
                ObligationRow.due < world.today,
                CrimeRow.ref.not_in(planted),
            )
            .order_by(ObligationRow.id)
        )
        pending = session.execute(query).all()
        wanted = min(len(pending), max(3, len(world.crimes) // 80))
        if not wanted:
            return
        rows: list[dict[str, Any]] = []
        items: list[dict[str, Any]] = []
        touched: set[int] = set()
        for link_id, key, rule, trigger_at, due, crime_ref, person_ref in sorted(
            self.rng.sample(pending, wanted), key=lambda p: (p[0], p[1])
        ):
            reasons = WAIVER_REASONS.get(rule) or WAIVER_REASONS[""]
            # In office hours, between the trigger and a few days after the due date (never today).
            first_day = local_date(trigger_at) + timedelta(days=1)
            last_day = min(due + timedelta(days=self.rng.randint(0, 10)), world.today - timedelta(days=1))
            day = first_day + timedelta(days=self.rng.randint(0, max(0, (last_day - first_day).days)))
            at = min(_at_local(day, self.rng.randint(9 * 60, 18 * 60)), world.cutoff - timedelta(minutes=1))
            rows.append(
                {
                    "link_id": link_id,
                    "obligation_key": key,
                    "rule": rule,
                    "reason": self.rng.choice(reasons),
                    "at": at,
                    "recorded_at": self._recorded(at),
                    "recorded_by": self.user,
                    "retracted": False,
                }
            )
            items.append({"crime": crime_ref, "person": person_ref, "duty": key})
            touched.add(link_id)
        ids = _insert_returning_ids(session, WaiverRow, rows)
        audit.record_many(self.ctx, session, audit.COLLECT, "waiver", zip(ids, items, strict=True))
        rederive_links(self.ctx, session, sorted(touched))
        self.waivers = len(ids)

    # --- corrections, through the service, one transaction each ---

    def correct(self) -> int:
        """A handful of corrections, each through `entries.correct_entry` as an officer would make it."""
        ctx, rng, cutoff = self.ctx, self.rng, self.world.cutoff
        contacts = [(i, c) for i, c, crime in self.contacts if crime.plant is None and c.kind != "witness"]
        wanted = min(CORRECTIONS, len(contacts) // 8)
        plan: list[tuple[str, int, str, dict[str, Any], bool]] = []
        used: set[int] = set()

        def take(pool: Sequence[tuple[int, _Contact]], count: int) -> list[tuple[int, _Contact]]:
            fresh = [p for p in pool if p[0] not in used]
            chosen = rng.sample(fresh, min(count, len(fresh)))
            used.update(i for i, _ in chosen)
            return sorted(chosen, key=lambda p: p[0])

        informed = [p for p in contacts if p[1].outcome == Outcome.INFORMED]
        for i, _ in take([p for p in informed if p[1].method == "phone"], round(wanted * 0.2)):
            plan.append(
                ("contact", i, "Recorded as a phone call in error; it was a home visit.", {"method": "visit"}, False)
            )
        for i, contact in take(informed, round(wanted * 0.2)):
            extra = rng.choice(
                (
                    "They also asked for the crime reference in writing, which I emailed the same day.",
                    "Also gave the number for the local victims' hub.",
                    "They said a neighbour may have doorbell footage; I will follow this up.",
                )
            )
            plan.append(
                (
                    "contact",
                    i,
                    "Added detail left out of the original note.",
                    {"note": f"{contact.note} {extra}"},
                    False,
                )
            )
        movable = [p for p in informed if p[1].at - p[1].after > timedelta(days=2)]
        for i, contact in take(movable, round(wanted * 0.15)):
            plan.append(
                (
                    "contact",
                    i,
                    "Wrong date entered; the contact was made the day before.",
                    {"at": contact.at - timedelta(days=1)},
                    False,
                )
            )
        for i, _ in take(contacts, round(wanted * 0.15)):
            plan.append(("contact", i, "Entered against the wrong victim in error.", {}, True))
        failed = [p for p in contacts if p[1].outcome == Outcome.NO_CONTACT and p[1].method == "phone"]
        for i, _ in take(failed, round(wanted * 0.1)):
            plan.append(
                (
                    "contact",
                    i,
                    "Recorded as no contact in error; the victim answered on the second call and was updated.",
                    {"outcome": "informed"},
                    False,
                )
            )
        arrests = [
            (i, e)
            for i, e, crime in self.events
            if e.type == "arrest" and e.at - crime.reported_at > timedelta(hours=4)
        ]
        for i, event in sorted(rng.sample(arrests, min(len(arrests), max(1, round(wanted * 0.1)))), key=lambda p: p[0]):
            plan.append(
                (
                    "event",
                    i,
                    "Arrest time corrected from the custody record.",
                    {"at": event.at - timedelta(hours=2)},
                    False,
                )
            )
        referrals = [(i, r) for i, r, crime in self.referrals if crime.plant is None]
        for i, referral in sorted(
            rng.sample(referrals, min(len(referrals), max(0, wanted - len(plan)))), key=lambda p: p[0]
        ):
            plan.append(
                (
                    "referral",
                    i,
                    "Referral date corrected from the support service's receipt.",
                    {"at": min(referral.at + timedelta(hours=20), cutoff - timedelta(minutes=1))},
                    False,
                )
            )
        for kind, entry_id, reason, changes, retract in plan[:CORRECTIONS]:
            entries.correct_entry(ctx, kind, entry_id, reason, retract=retract, **changes)
        return len(plan[:CORRECTIONS])


def _summary(ctx: ServiceContext, seed: int, world: _World, corrections: int) -> DemoSummary:
    today = world.today
    next_day = ctx.calendar.next_working_day(today)
    with ctx.db.read() as session:

        def count(table: Any) -> int:
            return session.scalar(select(func.count()).select_from(table)) or 0

        states: Counter[str] = Counter()
        rows = session.execute(
            select(ObligationRow.state, ObligationRow.late, ObligationRow.due, func.count()).group_by(
                ObligationRow.state, ObligationRow.late, ObligationRow.due
            )
        )
        for state, late, due, n in rows:
            if state == ObligationState.MET:
                states["met_late" if late else "met_on_time"] += n
            elif state == ObligationState.WAIVED:
                states["waived"] += n
            elif due < today:
                states["overdue"] += n
            elif due == today:
                states["due_today"] += n
            elif due == next_day:
                states["due_next_working_day"] += n
            else:
                states["open_later"] += n
        return DemoSummary(
            as_of=today,
            seed=seed,
            divisions=session.scalar(select(func.count(func.distinct(CrimeRow.division)))) or 0,
            teams=session.scalar(select(func.count(func.distinct(OfficerRow.team)))) or 0,
            officers=count(OfficerRow),
            crimes=count(CrimeRow),
            people=count(PersonRow),
            links=count(CrimePersonRow),
            events=count(EventRow),
            contacts=count(ContactEntryRow),
            referrals=count(ReferralRow),
            waivers=count(WaiverRow),
            corrections=corrections,
            overdue=states["overdue"],
            due_today=states["due_today"],
            due_next_working_day=states["due_next_working_day"],
            open_later=states["open_later"],
            met_on_time=states["met_on_time"],
            met_late=states["met_late"],
            waived=states["waived"],
        )
