"""The closed vocabularies of vicman. Values are the stable strings used in files, the database and the CLI."""

from enum import StrEnum


class CrimeKind(StrEnum):
    CRIME = "crime"
    ROAD_TRAFFIC_COLLISION = "rtc"
    ANTI_SOCIAL_BEHAVIOUR = "asb"


class Role(StrEnum):
    VICTIM = "victim"
    WITNESS = "witness"
    BEREAVED_RELATIVE = "bereaved_relative"
    PARENT_GUARDIAN = "parent_guardian"
    BUSINESS_CONTACT = "business_contact"


class EventType(StrEnum):
    NO_INVESTIGATION = "no_investigation"
    ARREST = "arrest"
    INTERVIEW = "interview"
    RELEASE_NFA = "release_nfa"
    BAIL = "bail"
    BAIL_VARIED = "bail_varied"
    RUI = "rui"
    CHARGE = "charge"
    OUT_OF_COURT_DISPOSAL = "out_of_court_disposal"
    CASE_CLOSED = "case_closed"


class ContactMethod(StrEnum):
    PHONE = "phone"
    VISIT = "visit"
    EMAIL = "email"
    LETTER = "letter"
    SMS = "sms"


class Outcome(StrEnum):
    INFORMED = "informed"
    NO_CONTACT = "no_contact"


class ExplicitReason(StrEnum):
    """Enhanced-entitlement reasons an officer (or the crime system) records explicitly."""

    VULNERABLE = "vulnerable"
    INTIMIDATED = "intimidated"
    PERSISTENTLY_TARGETED = "persistently_targeted"
    MOST_SERIOUS_CRIME = "most_serious_crime"
    BEREAVED = "bereaved"


class ObligationState(StrEnum):
    """What is stored: whether a duty is still pending. Overdue is a matter of the date it is looked at."""

    PENDING = "pending"
    MET = "met"
    WAIVED = "waived"


class Status(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    MET = "met"
    WAIVED = "waived"
