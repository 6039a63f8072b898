"""The made-up force: divisions, their teams, and the officers in them."""

from __future__ import annotations

import random
from collections import defaultdict

from vicman.services.demo.common import ascii_lower, weighted
from vicman.services.demo.model import Officer
from vicman.services.demo.names import CULTURE_WEIGHTS, OFFICER_DOMAIN
from vicman.services.demo.places import DIVISIONS, OPTIONAL_TEAMS, TEAM_SHARE
from vicman.services.demo.population import Population


class Force:
    """The teams of each division and their officers; `build` makes them, `officer_for` assigns a crime."""

    def __init__(self, rng: random.Random, population: Population) -> None:
        self.rng = rng
        self.population = population
        self.teams: dict[str, list[str]] = {}
        self.officers: list[Officer] = []
        self.by_team: dict[tuple[str, str], list[Officer]] = defaultdict(list)

    def build(self, n_crimes: int) -> None:
        rng = self.rng
        for spec in DIVISIONS:
            extra = rng.sample(OPTIONAL_TEAMS, rng.randint(0, 2))
            self.teams[spec.name] = ["Response", "CID", *sorted(extra, key=OPTIONAL_TEAMS.index)]
        total_teams = sum(len(t) for t in self.teams.values())
        wanted = max(20, round(n_crimes / 10), total_teams)
        weights = {d.name: d.weight for d in DIVISIONS}
        staff_numbers = rng.sample(range(10_000, 100_000), wanted)
        emails: set[str] = set()
        slots = [(d.name, team) for d in DIVISIONS for team in self.teams[d.name]]
        shares = [weights[d] * TEAM_SHARE[t] for d, t in slots]
        plan = list(slots)  # one officer per team first, then shared out by size
        while len(plan) < wanted:
            plan.append(weighted(rng, list(zip(slots, shares, strict=True))))
        for staff_no, (division, team) in zip(staff_numbers, plan, strict=True):
            female = rng.random() < 0.38
            culture = weighted(rng, [("british", 80.0), *[(c, w) for c, w in CULTURE_WEIGHTS if c != "british"]])
            given, surname = self.population.name(culture, female)
            if team in ("CID", "Public Protection"):
                rank = "DS" if rng.random() < 0.15 else "DC"
            elif team == "Neighbourhood" and rng.random() < 0.3:
                rank = "PCSO"
            else:
                rank = "PS" if rng.random() < 0.1 else "PC"
            local = f"{ascii_lower(given)}.{ascii_lower(surname)}"
            email = f"{local}@{OFFICER_DOMAIN}"
            number = 2
            while email in emails:
                email = f"{local}{number}@{OFFICER_DOMAIN}"
                number += 1
            emails.add(email)
            diligence = min(0.98, max(0.45, rng.betavariate(6, 1.6)))
            officer = Officer(
                str(staff_no), f"{rank} {given} {surname}", email, division, f"{division} {team}", diligence
            )
            self.officers.append(officer)
            self.by_team[(division, team)].append(officer)

    def officer_for(self, division: str, category: str) -> Officer:
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
            team = weighted(rng, choices)
        return rng.choice(self.by_team[(division, team)])
