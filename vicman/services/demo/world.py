"""The whole made-up world in memory: who the force and the people are, the crimes, and what was done.

The build draws from one random generator in a fixed order, so the same seed and day give the same world.
"""

from __future__ import annotations

import random

from vicman.rules.localtime import start_of_local_day
from vicman.services.context import ServiceContext
from vicman.services.demo.contacts import ContactSimulator
from vicman.services.demo.crimes import CrimeMaker
from vicman.services.demo.force import Force
from vicman.services.demo.investigation import investigate
from vicman.services.demo.model import Crime, Officer, Person
from vicman.services.demo.population import Population


class World:
    """A force of `crimes` crimes as of `ctx.today()`; `build` fills it in."""

    def __init__(self, ctx: ServiceContext, rng: random.Random, crimes: int) -> None:
        self.ctx = ctx
        self.rng = rng
        self.n_crimes = crimes
        self.today = ctx.today()
        self.cutoff = start_of_local_day(self.today)
        self.calendar = ctx.calendar
        self.code = ctx.code
        self.population = Population(rng)
        self.force = Force(rng, self.population)
        self.crimes: list[Crime] = []

    @property
    def officers(self) -> list[Officer]:
        return self.force.officers

    @property
    def people(self) -> list[Person]:
        return self.population.people

    def build(self) -> None:
        self.force.build(self.n_crimes)
        self.crimes = CrimeMaker(self.rng, self.n_crimes, self.today, self.calendar, self.force, self.population).make()
        self.population.contact_details(self.today)
        for crime in self.crimes:
            crime.events = investigate(self.rng, crime, self.today, self.cutoff)
        simulator = ContactSimulator(self.rng, self.calendar, self.code, self.cutoff)
        for crime in self.crimes:
            for link in crime.links:
                simulator.simulate_link(crime, link)
