"""The made-up crimes: when they were reported, what they were, who dealt with them, and who was in them
(victims, repeat victims, parents of children, bereaved families, businesses and witnesses)."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from vicman.domain.enums import Role
from vicman.rules.calendar import WorkingCalendar
from vicman.rules.localtime import local_date
from vicman.services.demo.common import at_local, weighted
from vicman.services.demo.force import Force
from vicman.services.demo.model import Crime, Link, Person
from vicman.services.demo.names import CULTURE_WEIGHTS
from vicman.services.demo.offences import (
    CHILD_SHARE,
    EXTRA_VICTIMS,
    FATAL_OFFENCES,
    OFFENCES,
    PLANT_OFFENCE,
    REPEAT_SHARE,
    REPORT_HOURS,
)
from vicman.services.demo.places import DIVISIONS
from vicman.services.demo.population import Population


class CrimeMaker:
    """Makes `n_crimes` crimes, in order of report, with their people; `make` returns them."""

    def __init__(
        self,
        rng: random.Random,
        n_crimes: int,
        today: date,
        calendar: WorkingCalendar,
        force: Force,
        population: Population,
    ) -> None:
        self.rng = rng
        self.n_crimes = n_crimes
        self.today = today
        self.calendar = calendar
        self.force = force
        self.population = population
        self.crimes: list[Crime] = []
        self._pools: dict[tuple[str, str], list[Person]] = defaultdict(list)

    def make(self) -> list[Crime]:
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
                offence = weighted(rng, offences)
            division = weighted(rng, divisions)
            crime = Crime(offence, reported, division, self.force.officer_for(division.name, offence.category), plant)
            self.population.towns = division.towns if rng.random() < 0.92 else rng.choice(DIVISIONS).towns
            self._people_for(crime)
            self.crimes.append(crime)
        self._every_officer_busy()
        self._references()
        return self.crimes

    # --- when ---

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
            hour = weighted(rng, list(enumerate(REPORT_HOURS)))
            times.append((at_local(day, hour * 60 + rng.randint(0, 59)), None))
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
            (at_local(today - timedelta(days=14), 10 * 60 + 5), "contract_today"),
            (at_local(next_day - timedelta(days=14), 15 * 60 + 40), "contract_next"),
        ]
        for target, name in ((today, "referral_today"), (next_day, "referral_next")):
            for back in range(1, 15):
                day = today - timedelta(days=back)
                if calendar.add_working_days(day, 2) == target:
                    plants.append((at_local(day, 11 * 60 + 20), name))
                    break
        return plants

    # --- who dealt with it, and its reference ---

    def _every_officer_busy(self) -> None:
        """Give each officer at least one crime (the import only knows officers from their crimes)."""
        rng = self.rng
        load = Counter(crime.officer for crime in self.crimes)
        for officer in self.force.officers:
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

    # --- who is in it ---

    def _people_for(self, crime: Crime) -> None:
        rng = self.rng
        people = self.population
        category = crime.offence.category
        reported = local_date(crime.reported_at)
        if crime.offence.victims == "bereaved":
            surname_culture = weighted(rng, CULTURE_WEIGHTS)
            deceased_age = rng.randint(4, 80)
            family_surname = people.name(surname_culture, False)[1]
            relatives = rng.randint(2, 3)
            address = people.address()
            for i in range(relatives):
                if deceased_age < 18 and i < 2:
                    relation = "mother" if i == 0 else "father"
                    female = i == 0
                    age = deceased_age + rng.randint(22, 40)
                else:
                    relation = rng.choice(("partner", "son", "daughter", "sister", "brother"))
                    female = relation in ("daughter", "sister") or (relation == "partner" and rng.random() < 0.6)
                    age = max(18, deceased_age + rng.randint(-25, 5))
                person = people.new_person(
                    reported,
                    age,
                    female,
                    surname_culture,
                    family_surname,
                    address,
                    keep_address=i == 0 or rng.random() < 0.5,
                )
                crime.links.append(
                    Link(person, Role.BEREAVED_RELATIVE, ("bereaved",), rng.random() < 0.05, relation=relation)
                )
            return
        if crime.offence.victims == "business":
            person = people.new_person(
                reported, rng.randint(24, 60), address=people.address(business=True), keep_address=True
            )
            crime.links.append(Link(person, Role.BUSINESS_CONTACT, (), rng.random() < 0.25, relation="store manager"))
            self._witnesses(crime)
            return
        count = weighted(rng, EXTRA_VICTIMS) if category not in ("domestic", "sexual", "fraud") else 1
        for number in range(count):
            reused = self._reuse(crime) if number == 0 and crime.plant is None else None
            if reused is not None:
                person = reused
                repeat = True
            else:
                child = crime.plant is None and rng.random() < CHILD_SHARE.get(category, 0.0)
                age = rng.randint(8, 17) if child else people.adult_age(category)
                person = people.new_person(reported, age)
                repeat = False
            link = Link(
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
                parent = people.new_person(
                    reported,
                    (reported - person.dob).days // 365 + rng.randint(22, 40),
                    female,
                    person.culture,
                    person.surname if rng.random() < 0.8 else None,
                    person.address,
                    keep_address=True,
                )
                crime.links.append(
                    Link(
                        parent,
                        Role.PARENT_GUARDIAN,
                        (),
                        link.vs_opt_out,
                        relation=f"{'mother' if female else 'father'} of {person.given}",
                    )
                )
                parent.links += 1
        self._witnesses(crime)

    def _reuse(self, crime: Crime) -> Person | None:
        rng = self.rng
        category = crime.offence.category
        if rng.random() >= REPEAT_SHARE.get(category, 0.02):
            return None
        pool = self._pools.get((crime.division.name, category)) or self._pools.get((crime.division.name, ""))
        if not pool:
            return None
        return rng.choice(pool[-150:])

    def _reasons(self, crime: Crime, person: Person, repeat: bool) -> tuple[str, ...]:
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

    def _witnesses(self, crime: Crime) -> None:
        rng = self.rng
        if crime.offence.category in ("fraud", "asb") or rng.random() >= 0.07:
            return
        for _ in range(rng.randint(1, 2)):
            person = self.population.new_person(local_date(crime.reported_at), rng.randint(18, 75))
            crime.links.append(Link(person, Role.WITNESS))
            person.links += 1
