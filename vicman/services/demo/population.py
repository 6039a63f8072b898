"""The made-up people: names, ages, addresses, and (once everyone exists) their contact details."""

from __future__ import annotations

import random
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from vicman.services.demo.common import ascii_lower, weighted
from vicman.services.demo.model import Person
from vicman.services.demo.names import (
    BSL_SHARE,
    CULTURE_WEIGHTS,
    CULTURES,
    EMAIL_DOMAINS,
    ETHNICITY_NOT_STATED,
    LANDLINES,
    MOBILES,
)
from vicman.services.demo.places import DIVISIONS, STREET_KINDS, STREET_WORDS


class Population:
    """Everyone the demo invents, in the order they were made; `towns` is where new addresses are."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.people: list[Person] = []
        self.towns: tuple[str, ...] = DIVISIONS[0].towns
        self._person_no = 4_100_000 + rng.randint(0, 400_000)

    def name(self, culture: str, female: bool) -> tuple[str, str]:
        spec = CULTURES[culture]
        given = self.rng.choice(spec["f"] if female else spec["m"])
        surname = self.rng.choice(spec["s"])
        if isinstance(surname, tuple):
            surname = surname[0] if female else surname[1]
        return given, surname

    def new_person(
        self,
        reported: date,
        age: int,
        female: bool | None = None,
        culture: str | None = None,
        surname: str | None = None,
        address: str | None = None,
        keep_address: bool = False,
    ) -> Person:
        rng = self.rng
        culture = culture or weighted(rng, CULTURE_WEIGHTS)
        if female is None:
            female = rng.random() < 0.5
        given, own_surname = self.name(culture, female)
        if rng.random() < 0.08 and surname is None:  # a mixed family
            own_surname = self.name(weighted(rng, CULTURE_WEIGHTS), female)[1]
        dob: date | None = reported - relativedelta(years=age) - timedelta(days=rng.randint(1, 364))
        if age >= 18 and rng.random() < 0.04:
            dob = None  # not recorded
        self._person_no += rng.randint(1, 97)
        person = Person(
            f"N{self._person_no:07d}",
            given,
            surname or own_surname,
            female,
            dob,
            address if keep_address else self.address(),
            culture,
        )
        self.people.append(person)
        return person

    def address(self, business: bool = False) -> str | None:
        rng = self.rng
        if not business and rng.random() < 0.04:
            return None
        town = rng.choice(self.towns)
        street = f"{rng.choice(STREET_WORDS)} {rng.choice(STREET_KINDS)}"
        if business:
            return f"Unit {rng.randint(1, 24)}, {rng.choice(STREET_WORDS)} Retail Park, {town}"
        if rng.random() < 0.18:
            return f"Flat {rng.randint(1, 40)}, {rng.randint(1, 90)} {street}, {town}"
        return f"{rng.randint(1, 240)} {street}, {town}"

    def adult_age(self, category: str) -> int:
        rng = self.rng
        if category == "fraud":
            return rng.randint(60, 93) if rng.random() < 0.6 else rng.randint(22, 70)
        if category in ("domestic", "sexual"):
            return rng.randint(18, 55)
        return min(94, 18 + int(rng.random() ** 1.4 * 70))

    def contact_details(self, today: date) -> None:
        """Phones, emails, languages and preferences, given after everyone exists (so phones spread evenly)."""
        rng = self.rng
        mobiles = list(MOBILES)
        landlines = list(LANDLINES)
        rng.shuffle(mobiles)
        rng.shuffle(landlines)
        order = list(self.people)
        rng.shuffle(order)
        for person in order:
            child = person.dob is not None and (today - person.dob).days < 16 * 365
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
                given, surname = ascii_lower(person.given), ascii_lower(person.surname)
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
                person.ethnicity = weighted(rng, [(e, float(w)) for e, w in spec["ethnicity"]])
            choices: list[tuple[str, float]] = [("visit", 0.05), ("letter", 0.07)]
            if person.phone and person.language != "BSL":
                choices.append(("phone", 0.62))
            if person.mobile:
                choices.append(("sms", 0.08 if person.language != "BSL" else 0.5))
            if person.email:
                choices.append(("email", 0.18))
            person.preferred = weighted(rng, choices) if rng.random() < 0.9 else None
