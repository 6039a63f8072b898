"""Letters on paper: HTML letters laid out by QTextDocument on A4, written with QPdfWriter or printed.

Each letter starts on a new page, under the letterhead; a long letter runs on to further pages
(its "page group"). `pdf_text` reads a PDF's text back with QtPdf, to check what was written.

QTextDocument is not thread-safe: call everything here on the GUI thread (record the letters
afterwards through the runner).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF, QUrl
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtPdf import QPdfDocument

PAGE_MARGINS_MM = QMarginsF(20, 12, 20, 14)
"""Left, top, right, bottom."""
RESOLUTION = 300
LETTERHEAD_URL = QUrl("vicman-letterhead:image")
LETTERHEAD_PIXELS = 2000
"""Width the letterhead is drawn at: about 300 dpi across the 170 mm text width."""
FONT_FAMILIES = ["Arial", "Liberation Sans", "Helvetica", "DejaVu Sans"]
FONT_POINTS = 11

LETTER_CSS = """
p { margin-top: 0px; margin-bottom: 6px; }
h2 { font-size: 14pt; font-weight: bold; color: #1d3a5f; margin-top: 8px; margin-bottom: 6px; }
h3 { font-size: 12pt; font-weight: bold; color: #1d3a5f; margin-top: 10px; margin-bottom: 3px; }
table.top { margin-bottom: 14px; }
p.to { margin-bottom: 0px; }
p.meta { margin-bottom: 0px; }
table.facts { margin-top: 2px; margin-bottom: 8px; background-color: #eef3f8; }
td.label { color: #3c4b5a; padding-right: 16px; }
p.contact { margin-left: 18px; }
ul { margin-top: 0px; margin-bottom: 6px; }
li { margin-bottom: 2px; }
p.sign { margin-top: 14px; }
"""


class PdfError(RuntimeError):
    """The PDF could not be written or read; the message says which file and why."""


# --- building the document ----------------------------------------------------------------------


def letterhead_image(path: Path | str, width: int = LETTERHEAD_PIXELS) -> QImage:
    """The letterhead as an image `width` pixels wide: an SVG is drawn at that size, a PNG/JPEG scaled."""
    source = Path(path)
    if source.suffix.lower() == ".svg":
        from PySide6.QtSvg import QSvgRenderer

        renderer = QSvgRenderer(str(source))
        if not renderer.isValid():
            raise PdfError(f"the letterhead {source} is not a valid SVG image")
        size = renderer.defaultSize()
        height = max(1, round(width * size.height() / max(1, size.width())))
        image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        renderer.render(painter)
        painter.end()
        return image.convertToFormat(QImage.Format.Format_RGB32)
    image = QImage(str(source))
    if image.isNull():
        raise PdfError(f"the letterhead {source} cannot be read as an image")
    return image


def compose_html(html_pages: Sequence[str], *, text_width: float | None, with_letterhead: bool = True) -> str:
    """The letters as one HTML document: each starts on a new page, under the letterhead.

    `text_width`: the width of the text area in CSS pixels (96 per inch), so the letterhead spans it.
    """
    parts = ["<html><body>"]
    for index, letter in enumerate(html_pages):
        style = "page-break-before: always;" if index else ""
        width = f' width="{text_width:.0f}"' if text_width else ""
        head = f'<img src="{LETTERHEAD_URL.toString()}"{width} />' if with_letterhead else ""
        parts.append(f'<p class="letterhead" style="{style}">{head}</p>')
        parts.append(letter)
    parts.append("</body></html>")
    return "\n".join(parts)


def letter_font() -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSize(FONT_POINTS)
    return font


def prepare_document(
    document: QTextDocument, letterhead_path: Path | str | None, letterhead_width: int = LETTERHEAD_PIXELS
) -> None:
    """The letter style sheet, font and letterhead image, for a document that will show letters
    (also the preview's QTextBrowser document, which draws the letterhead at its size on screen)."""
    document.setDefaultStyleSheet(LETTER_CSS)
    document.setDefaultFont(letter_font())
    if letterhead_path is not None:
        image = letterhead_image(letterhead_path, letterhead_width)
        document.addResource(QTextDocument.ResourceType.ImageResource, LETTERHEAD_URL, image)


def set_a4(device: QPagedPaintDevice) -> None:
    device.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            PAGE_MARGINS_MM,
            QPageLayout.Unit.Millimeter,
        )
    )


def build_document(
    html_pages: Sequence[str], device: QPagedPaintDevice, letterhead_path: Path | str | None
) -> QTextDocument:
    """The letters laid out for `device` (A4, margins set): pages the size of its printable area."""
    if not html_pages:
        raise PdfError("there are no letters to put on paper")
    document = QTextDocument()
    document.documentLayout().setPaintDevice(device)
    prepare_document(document, letterhead_path)
    document.setDocumentMargin(0)
    document.setPageSize(QSizeF(device.width(), device.height()))
    text_width = device.width() * 96 / max(1, device.logicalDpiX())
    document.setHtml(compose_html(html_pages, text_width=text_width, with_letterhead=letterhead_path is not None))
    return document


# --- writing and printing -----------------------------------------------------------------------


def render_pdf(
    html_pages: Sequence[str], path: Path | str, letterhead_path: Path | str | None, *, title: str = "Letters"
) -> Path:
    """Write the letters to one PDF at `path` (A4; each letter from a new page). Returns the path."""
    target = Path(path)
    if target.parent and not target.parent.is_dir():
        raise PdfError(f"cannot write {target}: the folder {target.parent} does not exist")
    writer = QPdfWriter(str(target))
    writer.setResolution(RESOLUTION)
    writer.setTitle(title)
    writer.setCreator("vicman")
    set_a4(writer)
    document = build_document(html_pages, writer, letterhead_path)
    document.print_(writer)
    del writer  # finishes the file
    if not target.is_file() or target.stat().st_size == 0:
        raise PdfError(f"the PDF {target} could not be written (check that you may write there)")
    return target


def print_letters(html_pages: Sequence[str], printer: QPagedPaintDevice, letterhead_path: Path | str | None) -> None:
    """Print the letters on `printer` (a QPrinter the user has set up), A4, each from a new page."""
    set_a4(printer)
    build_document(html_pages, printer, letterhead_path).print_(printer)


# --- reading back -------------------------------------------------------------------------------


def _open(path: Path | str) -> QPdfDocument:
    document = QPdfDocument(None)
    error = document.load(str(path))
    if error != QPdfDocument.Error.None_:
        raise PdfError(f"cannot read the PDF {path}: {error.name}")
    return document


def pdf_page_texts(path: Path | str) -> list[str]:
    """The text of each page of a PDF, as QtPdf extracts it."""
    document = _open(path)
    try:
        return [document.getAllText(page).text() for page in range(document.pageCount())]
    finally:
        document.close()


def pdf_text(path: Path | str) -> str:
    """All the text of a PDF; pages are separated by a form feed."""
    return "\f".join(pdf_page_texts(path))


def render_pdf_page(path: Path | str, page: int = 0, width: int = 1240) -> QImage:
    """One page of a PDF as an image `width` pixels wide (to look at a letter's layout)."""
    document = _open(path)
    try:
        size = document.pagePointSize(page)
        height = round(width * size.height() / max(1.0, size.width()))
        from PySide6.QtCore import QSize

        image = document.render(page, QSize(width, height))
        result = QImage(image.size(), QImage.Format.Format_RGB32)
        result.fill(QColor("white"))
        painter = QPainter(result)
        painter.drawImage(0, 0, image)
        painter.end()
        return result
    finally:
        document.close()
