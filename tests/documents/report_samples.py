"""Reports built by hand (no database) for the export tests: every number is written here."""

from __future__ import annotations

from datetime import UTC, date, datetime

from vicman.services.report_types import (
    ComplianceReport,
    DutyCounts,
    GapTest,
    GroupCounts,
    GroupSatisfaction,
    MojMeasure,
    MojReport,
    Proportion,
    ReportHeader,
    ReportScope,
    SatisfactionReport,
    TrendPoint,
    WaiverReasonCount,
)

PRODUCED = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)  # 09:30 in London (GMT in November)


def header(kind: str, title: str) -> ReportHeader:
    return ReportHeader(
        kind=kind,
        title=title,
        force_name="Made-up Constabulary",
        period_from=date(2026, 10, 1),
        period_to=date(2026, 11, 30),
        scope=ReportScope(division="North"),
        as_of=date(2026, 11, 26),
        produced_at=PRODUCED,
        produced_by="sgt-kay",
    )


def compliance() -> ComplianceReport:
    reason = WaiverReasonCount('=HYPERLINK("http://x") victim declined', 1)
    referral = DutyCounts("vs_referral", "Refer the victim to support services", 6, 2, 1, 1, 1, 1, (reason,), 50.0)
    update = DutyCounts("update", "Update the victim on progress", 8, 2, 0, 4, 1, 1, (), 33.3)
    total = DutyCounts("all", "All duties", 14, 4, 1, 5, 2, 2, (reason,), 40.0)
    return ComplianceReport(
        header=header("compliance", "Victims' Code compliance"),
        duties=(referral, update),
        total=total,
        trend_bucket="month",
        trend=(
            TrendPoint(date(2026, 10, 1), "Oct 2026", 6, 2, 40.0),
            TrendPoint(date(2026, 11, 1), "Nov 2026", 8, 2, None),
        ),
        by_group=(GroupCounts("Response A", 12, 4, 3, 50.0, key="Response A"),),
        group_level="team",
    )


def moj() -> MojReport:
    return MojReport(
        header=header("moj", "Ministry of Justice Victims' Code compliance measures"),
        measures=(
            MojMeasure("referral", "Referral to support services", 4, 3, 2, 75.0, "Referral duties."),
            MojMeasure(
                "release_information",
                "Information about an offender's release",
                0,
                0,
                None,
                None,
                "Not recorded by vicman.",
            ),
        ),
    )


def satisfaction() -> SatisfactionReport:
    white = Proportion(56, 70, 80.0, 69.2, 87.6)
    minority = Proportion(48, 80, 60.0, 49.1, 70.0)
    questions = ("overall", "kept_informed", "treatment", "ease_of_contact")
    return SatisfactionReport(
        header=header("satisfaction", "Victim satisfaction by ethnic group"),
        surveys=150,
        groups=(GroupSatisfaction("White: Irish", dict.fromkeys(questions, white)),),
        aggregates=(
            GroupSatisfaction("White", dict.fromkeys(questions, white)),
            GroupSatisfaction("Minority ethnic", dict.fromkeys(questions, minority)),
        ),
        gaps=(
            GapTest("overall", white, minority, 20.0, 5.2, 33.4, 0.00805, True, "White victims were more satisfied."),
        ),
    )
