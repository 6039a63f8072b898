#!/usr/bin/env python3
"""Render the Mail tab's screens to PNG from demo data, offscreen, as scripts/screenshots.py does the others.

    python scripts/mail_screenshots.py [--out docs/screenshots] [--crimes 1500] [--date YYYY-MM-DD]

Writes `mail_health.png` (email health: messages waiting and failed with their errors, officers with no
working address), `officer_away.png` (the "Away / deputy…" dialog over it) and `mail_settings.png` (the
settings page), 1280x800, signed in as the demo's administrator.

The demo database (clock stopped at 09:00 UK time on `--date`, default 2026-11-26) is given a mail server
that is down (a closed port on 127.0.0.1) and bureau mailboxes for all divisions but one; the day's
reminders are queued and a send is tried, so that messages wait with the server's error; two are marked
failed for good (a refused recipient), one officer has left, one is away with no deputy, and one has no
email address. The database is thrown away.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

NAMES = ("mail_health.png", "officer_away.png", "mail_settings.png")


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _prepare(ctx, day: date) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select, update

    from vicman.notify import outbox
    from vicman.services import mail, officers, people, reminders, settings
    from vicman.store.tables import OfficerRow, OutboxMessageRow

    divisions = people.list_divisions(ctx)
    for division in divisions[:-1]:
        mailbox = f"bureau.{division.lower().replace(' ', '-')}@demo.police.example.uk"
        settings.set_setting(ctx, f"bureau.mailbox.{division}", mailbox)
    for key, value in {
        "smtp.host": "127.0.0.1", "smtp.port": str(_closed_port()), "smtp.starttls": "false",
        "smtp.from": "Vicman <vicman@demo.police.example.uk>", "smtp.timeout": "5",
    }.items():  # fmt: skip
        settings.set_setting(ctx, key, value)
    listed = sorted(people.list_officers(ctx), key=lambda o: (o.division != divisions[0], o.staff_no))
    officers.mark_left(ctx, listed[1].staff_no, day - timedelta(days=10))
    officers.set_away(ctx, listed[2].staff_no, day - timedelta(days=2), day + timedelta(days=5), None)
    with ctx.db.transaction() as session:
        session.execute(update(OfficerRow).where(OfficerRow.staff_no == listed[3].staff_no).values(email=None))
    reminders.queue_reminders(ctx, day)
    mail.send_due(ctx)
    with ctx.db.transaction() as session:
        for row_id in session.scalars(select(OutboxMessageRow.id).order_by(OutboxMessageRow.id).limit(2)):
            outbox.mark_failed(session, row_id, "550 5.1.1 <recipient>: Recipient address rejected: User unknown",
                               ctx.now(), permanent=True)  # fmt: skip


def render(out_dir: Path, crimes: int, day: date) -> list[Path]:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from scripts import screenshots as shots
    from vicman.gui.app import build_main_window
    from vicman.services.context import Actor, open_context
    from vicman.services.demo import make_demo

    shots._application()
    out_dir.mkdir(parents=True, exist_ok=True)
    clock = shots.Clock(shots.nine_am(day))
    with tempfile.TemporaryDirectory(prefix="vicman-mail-shots-") as tmp:
        folder = Path(tmp)
        ctx = open_context(str(folder / "demo.sqlite3"), actor=Actor("demo", shots.WORKSTATION, unrestricted=True),
                           clock=clock)  # fmt: skip
        try:
            make_demo(ctx, crimes=crimes)
            _prepare(ctx, day)
            window = build_main_window(ctx, shots.DB_LOCATION, QSettings(str(folder / "ui.ini"),
                                                                         QSettings.Format.IniFormat))  # fmt: skip
            shooter = shots.Shooter(window, out_dir)
            try:
                window.show()
                window.resize(*shots.SIZE)
                shots._switch_user(shooter, shots.ADMIN_USER)
                screen = window.mail_health  # type: ignore[attr-defined]
                screen.stop_timer()
                health = screen.health
                window.tabs.setCurrentWidget(screen.pages)
                screen.pages.setCurrentWidget(screen.health_page)
                health.refresh()
                shooter.settle(lambda: not health.loading and health.health is not None)
                problems = health.address_model.rows()
                if problems:
                    health.select_officer(problems[0].staff_no)
                shooter.screen("mail_health.png")
                dialog = health.open_away_dialog()
                if dialog is not None:
                    shooter.settle(lambda: dialog.loaded is not None)
                    if dialog.deputy.count() > 1:
                        dialog.deputy.setCurrentIndex(1)
                    shooter.dialog(dialog, "officer_away.png")
                    dialog.reject()
                settings_view = screen.settings
                screen.pages.setCurrentWidget(screen.settings_page)
                shooter.settle(lambda: not settings_view.loading and settings_view.save_button.isEnabled())
                shooter.screen("mail_settings.png")
            finally:
                window.close()
                window.runner.wait_for_done()
                window.deleteLater()
                QApplication.processEvents()
        finally:
            ctx.close()
    return shooter.saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--crimes", type=int, default=1500)
    parser.add_argument("--date", type=date.fromisoformat, default=date(2026, 11, 26))
    args = parser.parse_args(argv)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import qInstallMessageHandler

    from scripts import screenshots as shots

    qInstallMessageHandler(shots._quiet_qt)
    for path in render(args.out, args.crimes, args.date):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
