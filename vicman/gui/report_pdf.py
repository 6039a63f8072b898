"""A report on paper: its HTML (`vicman.documents.report_tables.report_html`) laid out by QTextDocument on
A4 and written with QPdfWriter, with "Page n of N" and the report's title and production time at the foot of
every page.

Works without a display: the command line calls `write_report_pdf` with no application running, so one is
made on the offscreen platform (a QGuiApplication is enough for text layout and PDF writing). QTextDocument is
not thread-safe: call this on the thread that owns the application (the GUI thread in the app).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QFont, QGuiApplication, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from vicman.documents.report_tables import REPORT_CSS, produced_text, report_html
from vicman.gui.pdf import FONT_FAMILIES, PdfError

RESOLUTION = 300
MARGINS_MM = QMarginsF(15, 15, 15, 18)
"""Left, top, right, bottom: the bottom margin holds the page footer."""
FONT_POINTS = 9
FOOTER_POINTS = 7

_application: Any = None
"""The offscreen application made for a headless caller (kept: Qt allows one per process)."""


def ensure_application() -> None:
    """A Qt application for text layout: the running one, else a QGuiApplication on the offscreen
    platform (the command line has no display)."""
    global _application
    if QCoreApplication.instance() is not None:
        return
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _application = QGuiApplication(["vicman-report"])


def write_report_pdf(report: Any, path: Path | str) -> Path:
    """Write `report` (a compliance, MoJ or satisfaction report) to a PDF at `path`: A4 portrait, the force
    name, title, scope, period and production time at the top; every table; page numbers at the foot."""
    ensure_application()
    target = Path(path)
    if not target.parent.is_dir():
        raise PdfError(f"cannot write {target}: the folder {target.parent} does not exist")
    writer = QPdfWriter(str(target))
    writer.setResolution(RESOLUTION)
    writer.setTitle(f"{report.header.title} — {report.header.scope.label}")
    writer.setCreator("vicman")
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            MARGINS_MM,
            QPageLayout.Unit.Millimeter,
        )
    )
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    document.setDefaultStyleSheet(REPORT_CSS)
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSize(FONT_POINTS)
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    page = QSizeF(writer.width(), writer.height())
    document.setPageSize(page)
    document.setHtml(report_html(report))
    pages = max(1, document.pageCount())
    footer_font = QFont(font)
    footer_font.setPointSize(FOOTER_POINTS)
    footer_left = f"{report.header.title} — {report.header.scope.label}. {produced_text(report.header)}."
    painter = QPainter()
    if not painter.begin(writer):
        raise PdfError(f"the PDF {target} could not be written (check that you may write there)")
    try:
        # The footer sits in the bottom margin, just below the text area.
        footer_height = writer.logicalDpiY() * 0.25
        for number in range(pages):
            if number:
                writer.newPage()
            painter.save()
            painter.translate(0, -number * page.height())
            document.drawContents(painter, QRectF(0, number * page.height(), page.width(), page.height()))
            painter.restore()
            painter.setFont(footer_font)
            footer = QRectF(0, page.height() + footer_height * 0.3, page.width(), footer_height)
            painter.drawText(footer, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), footer_left)
            painter.drawText(
                footer,
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                f"Page {number + 1} of {pages}",
            )
    finally:
        painter.end()
    del writer  # finishes the file
    if not target.is_file() or target.stat().st_size == 0:
        raise PdfError(f"the PDF {target} could not be written (check that you may write there)")
    return target
