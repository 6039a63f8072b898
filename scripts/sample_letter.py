#!/usr/bin/env python3
"""Make docs/sample-letter.pdf: a written acknowledgement to a demo victim, rendered as vicman renders it.

    python scripts/sample_letter.py [--out docs/sample-letter.pdf] [--png page1.png] [--date YYYY-MM-DD]
                                    [--language en|cy] [--template acknowledgement]

A fresh temporary database is filled by `make_demo(ctx, crimes=60)` with the clock stopped at 09:00 UK
time on `--date` (default: today). The letter goes to the victim (a person, not a business) of the most
recently reported crime who has a postal address and for whom a letter is safe. Nothing is recorded:
the database is thrown away. `--png` also draws the first page as an image, to look at the layout.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "sample-letter.pdf")
    parser.add_argument("--png", type=Path, help="also draw the first page to this PNG file")
    parser.add_argument("--date", type=date.fromisoformat, default=None, help="the demo's today (YYYY-MM-DD)")
    parser.add_argument("--language", choices=("en", "cy"), default=None, help="default: the victim's own")
    parser.add_argument("--template", default="acknowledgement")
    args = parser.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from vicman.gui.pdf import pdf_page_texts, render_pdf, render_pdf_page
    from vicman.rules.localtime import to_utc
    from vicman.services import letters
    from vicman.services.context import Actor, open_context
    from vicman.services.demo import make_demo

    app = QApplication.instance() or QApplication(sys.argv[:1])
    day = args.date or date.today()
    now = to_utc(datetime(day.year, day.month, day.day, 9, 0))
    with tempfile.TemporaryDirectory(prefix="vicman-letter-") as folder:
        ctx = open_context(
            str(Path(folder) / "demo.sqlite3"), actor=Actor.local_administrator("sample-letter"), clock=lambda: now
        )
        try:
            make_demo(ctx, crimes=60)
            data = _choose(ctx, args.template, args.language)
            html = data.html()
        finally:
            ctx.close()
    out = render_pdf([html], args.out, letters.letterhead_path(), title=f"{data.title}: sample letter")
    pages = pdf_page_texts(out)
    print(f"{out}: {len(pages)} page(s), {data.title} ({data.language}) to {data.victim_name}, {data.crime_ref}")
    if args.png:
        render_pdf_page(out, 0, 1240).save(str(args.png))
        print(f"{args.png}: page 1 as an image")
    del app
    return 0


def _choose(ctx, template: str, language: str | None):
    """The letter to the newest crime's victim with an address, to whom a letter is safe."""
    from vicman.services import letters
    from vicman.store.tables import CrimePersonRow, CrimeRow, PersonRow

    with ctx.db.read() as session:
        candidates = session.execute(
            select(CrimeRow.ref, PersonRow.ref)
            .join(CrimePersonRow, CrimePersonRow.crime_id == CrimeRow.id)
            .join(PersonRow, PersonRow.id == CrimePersonRow.person_id)
            .where(CrimePersonRow.role == "victim", PersonRow.address.is_not(None), CrimeRow.oic_id.is_not(None))
            .order_by(CrimeRow.reported_at.desc(), PersonRow.ref)
        ).all()
    for crime_ref, person_ref in candidates:
        data = letters.letter_data(ctx, crime_ref, person_ref, template, language)
        if data.warning is None and data.oic_email and not (data.address or "").startswith("Unit "):
            return data
    raise SystemExit("no demo victim to write to (try another --date)")


if __name__ == "__main__":
    sys.exit(main())
