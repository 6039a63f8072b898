"""Plain data types shared by every layer: enums, the facts the rules read, the obligations they produce."""

from vicman.domain.enums import (
    ContactMethod,
    CrimeKind,
    EventType,
    ExplicitReason,
    ObligationState,
    Outcome,
    Role,
    Status,
)
from vicman.domain.facts import (
    AssessmentFact,
    CaseFacts,
    ContactFact,
    ContractFact,
    EventFact,
    ReferralFact,
    WaiverFact,
)
from vicman.domain.obligations import EnhancedReason, Obligation

__all__ = [
    "AssessmentFact",
    "CaseFacts",
    "ContactFact",
    "ContactMethod",
    "ContractFact",
    "CrimeKind",
    "EnhancedReason",
    "EventFact",
    "EventType",
    "ExplicitReason",
    "Obligation",
    "ObligationState",
    "Outcome",
    "ReferralFact",
    "Role",
    "Status",
    "WaiverFact",
]
