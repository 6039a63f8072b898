"""Letters to victims (issue 5, item 6): the templates and their filling (pure Python), and the PDF
they make with Qt, checked by reading the PDF's text back with QtPdf - for every template in both
English and Welsh."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from vicman.documents import letters
from vicman.documents.letters import LetterDataError, MissingLetterField, language_for, letter_fields, render_html
from vicman.rules import load_codebook

TEMPLATES = ("acknowledgement", "progress_update", "outcome", "tried_to_reach_you")
SALUTATION = {"en": "Dear", "cy": "Annwyl"}
# A phrase each letter has in each language, beyond the salutation.
PHRASE = {
    ("acknowledgement", "en"): "Your rights under the Victims' Code",
    ("acknowledgement", "cy"): "Eich hawliau o dan God y Dioddefwyr",
    ("progress_update", "en"): "An update on your case",
    ("progress_update", "cy"): "Y wybodaeth ddiweddaraf am eich achos",
    ("outcome", "en"): "The outcome of the investigation",
    ("outcome", "cy"): "Canlyniad yr ymchwiliad",
    ("tried_to_reach_you", "en"): "We have tried to contact you",
    ("tried_to_reach_you", "cy"): "Rydym wedi ceisio cysylltu â chi",
}
OFFICER_TEXT = "A man was arrested on 20 November.\n\nHe has been released on bail until 18 December."


def fields(language: str = "en", **overrides) -> dict:
    values = dict(
        victim_name="Mary Jones",
        crime_ref="CR/1001/26",
        offence="Burglary dwelling",
        reported_on=date(2026, 10, 26),
        letter_date=date(2026, 11, 26),
        oic_name="PC Ann Smith",
        oic_email="ann.smith@north.police.example",
        address="44 Fernlea Grove, Hexley Bridge",
        edition="2021",
        enhanced=False,
        officer_text=OFFICER_TEXT,
    )
    values.update(overrides)
    return letter_fields(language, **values)


# --- templates and their data ----------------------------------------------------------------------


def test_every_template_exists_in_english_and_welsh_with_its_fields_declared() -> None:
    book = letters.load_letters()
    assert [t.id for t in book.templates] == list(TEMPLATES)
    assert [t.id for t in letters.LETTERS] == list(TEMPLATES)
    for template in book.templates:
        assert set(template.sources) == {"en", "cy"}
        assert {"victim_name", "crime_ref", "oic_name", "contact_lines"} <= set(template.required)
    assert book.template("outcome").officer_text == "required"
    assert book.template("tried_to_reach_you").officer_text == "optional"
    assert book.template("acknowledgement").officer_text == "none"
    assert book.template("tried_to_reach_you").outcome == "no_contact"
    assert book.template("progress_update").meets == ("update",)
    assert book.letterhead.is_file() and book.force_name == "vicman demonstration constabulary"


def test_the_welsh_templates_ask_for_a_welsh_speaking_reviewer() -> None:
    folder = letters.default_letters_dir()
    for template in TEMPLATES:
        text = (folder / f"{template}.cy.html").read_text(encoding="utf-8")
        assert "Welsh-speaking reviewer must check it" in text


def test_every_edition_has_its_rights_in_both_languages_with_the_deadline_filled_in() -> None:
    book = letters.default_book()
    for edition in load_codebook().editions:
        for language in ("en", "cy"):
            standard = book.rights_for(edition.id, language, enhanced=False)
            enhanced = book.rights_for(edition.id, language, enhanced=True)
            assert len(standard) == len(book.rights_for(edition.id, "en", False)) >= 4
            assert not any("{days}" in r for r in standard + enhanced)
            assert ("5 working days" if language == "en" else "5 diwrnod gwaith") in standard[0]
            assert ("1 working day" if language == "en" else "1 diwrnod gwaith") in enhanced[0]
    current = book.rights_for("2021", "en", False)
    assert any("Victim Personal Statement" in r for r in current)
    assert any("2 working days" in r and "support victims" in r for r in current)
    assert any("agree with your officer" in r for r in current)
    assert not any("Victim Personal Statement" in r for r in book.rights_for("2006", "en", False))


@pytest.mark.parametrize(
    ("recorded", "expected"),
    [("Welsh", "cy"), ("cymraeg", "cy"), ("CY", "cy"), ("Welsh (Cymraeg)", "cy"), (" welsh ", "cy"),
     ("English", "en"), (None, "en"), ("", "en"), ("Polish", "en"), ("Welshpool dialect?", "en")],
)  # fmt: skip
def test_the_language_follows_the_persons_recorded_language(recorded, expected) -> None:
    assert language_for(recorded) == expected


def test_dates_and_contact_lines_are_written_in_the_letters_language() -> None:
    welsh = fields("cy")
    assert welsh["letter_date"] == "26 Tachwedd 2026" and welsh["reported_date"] == "26 Hydref 2026"
    assert welsh["contact_lines"][0] == "E-bost: ann.smith@north.police.example"
    assert welsh["contact_lines"][1].startswith("Ffôn: 101 (gofynnwch am PC Ann Smith")
    english = fields("en", oic_email=None)
    assert english["contact_lines"] == ["Telephone: 101 (ask for PC Ann Smith and quote CR/1001/26)"]
    assert english["address"] == ["44 Fernlea Grove", "Hexley Bridge"]


# --- filling ----------------------------------------------------------------------------------------


def test_every_value_is_escaped_so_a_name_never_becomes_markup() -> None:
    html = render_html(
        "progress_update",
        "en",
        fields(victim_name="Siobhan O'Brien <script>alert(1)</script>", officer_text="<b>bold</b> & more\nline two"),
    )
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert "O&#x27;Brien &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<p>&lt;b&gt;bold&lt;/b&gt; &amp; more<br />line two</p>" in html


def test_the_officers_words_become_paragraphs() -> None:
    html = render_html("outcome", "en", fields())
    assert "<p>A man was arrested on 20 November.</p><p>He has been released on bail until 18 December.</p>" in html


@pytest.mark.parametrize(
    ("template", "missing", "label"),
    [
        ("acknowledgement", "oic_name", "the officer in the case's name"),
        ("acknowledgement", "rights", "the victim's rights under the Code"),
        ("outcome", "officer_text", "the officer's own words"),
        ("progress_update", "crime_ref", "the crime reference"),
    ],
)
def test_a_missing_or_blank_required_field_is_an_error_that_names_it(template, missing, label) -> None:
    for blank in (None, "   ", []):
        values = fields()
        values[missing] = blank
        with pytest.raises(MissingLetterField) as caught:
            render_html(template, "en", values)
        assert caught.value.field == missing and caught.value.template == template
        assert label in str(caught.value) and f"(field {missing})" in str(caught.value)


def test_optional_fields_may_be_left_out() -> None:
    html = render_html("tried_to_reach_you", "cy", fields("cy", officer_text=None, address=None, oic_email=None))
    assert "Annwyl Mary Jones," in html and "{{" not in html


def test_unknown_fields_and_languages_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown letter fields: shoe_size"):
        render_html("outcome", "en", {**fields(), "shoe_size": "9"})
    with pytest.raises(ValueError, match=r"not 'fr'"):
        render_html("outcome", "fr", fields())
    with pytest.raises(KeyError):
        render_html("apology", "en", fields())


def test_a_template_using_an_undeclared_field_is_refused_when_loading(tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    shutil.copytree(letters.default_letters_dir(), folder)
    path = folder / "outcome.cy.html"
    path.write_text(path.read_text(encoding="utf-8") + "<p>{{shoe_size}}</p>", encoding="utf-8")
    with pytest.raises(LetterDataError, match=r"outcome\.cy\.html: uses fields outcome does not list: shoe_size"):
        letters.load_letters(folder)


# --- the PDF (Qt) -----------------------------------------------------------------------------------


@pytest.mark.gui
@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_each_letter_prints_to_a_pdf_whose_text_says_what_it_should(qapp, tmp_path, template, language) -> None:
    from vicman.gui.pdf import pdf_page_texts, render_pdf

    values = fields(language, victim_name="Siân O'Brien <script>")
    html = [render_html(template, language, values)]
    path = render_pdf(html, tmp_path / "letter.pdf", letters.default_book().letterhead)
    pages = pdf_page_texts(path)
    assert len(pages) == 1  # every letter fits on one A4 page
    text = " ".join(pages[0].split())
    assert f"{SALUTATION[language]} Siân O'Brien <script>," in text
    assert "CR/1001/26" in text and "PC Ann Smith" in text and "Burglary dwelling" in text
    assert PHRASE[(template, language)] in text
    assert SALUTATION["cy" if language == "en" else "en"] + " " not in text
    assert ("26 November 2026" if language == "en" else "26 Tachwedd 2026") in text
    if template in ("outcome", "progress_update"):
        assert "He has been released on bail until 18 December." in text
    if template == "acknowledgement":
        rights = "Victim Personal Statement" if language == "en" else "Datganiad Personol Dioddefwr"
        assert rights in text


@pytest.mark.gui
def test_several_letters_in_one_pdf_each_start_on_a_new_page(qapp, tmp_path) -> None:
    from vicman.gui.pdf import pdf_page_texts, pdf_text, render_pdf

    names = ["Mary Jones", "Peter Brown", "Lena Novak"]
    html = [render_html("acknowledgement", "en", fields(victim_name=name)) for name in names]
    pages = pdf_page_texts(render_pdf(html, tmp_path / "three.pdf", letters.default_book().letterhead))
    starts = [[i for i, page in enumerate(pages) if f"Dear {name}," in page] for name in names]
    assert starts == [[0], [1], [2]]  # one page group per letter, in order
    assert "\f" in pdf_text(tmp_path / "three.pdf")


@pytest.mark.gui
def test_a_pdf_that_cannot_be_written_says_where(qapp, tmp_path) -> None:
    from vicman.gui.pdf import PdfError, render_pdf

    html = [render_html("acknowledgement", "en", fields())]
    with pytest.raises(PdfError, match="does not exist"):
        render_pdf(html, tmp_path / "no-such-folder" / "x.pdf", None)
    with pytest.raises(PdfError, match="no letters"):
        render_pdf([], tmp_path / "x.pdf", None)


@pytest.mark.gui
def test_printing_lays_the_letters_out_as_the_pdf_does(qapp, tmp_path) -> None:
    from PySide6.QtPrintSupport import QPrinter

    from vicman.gui.pdf import pdf_page_texts, print_letters

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)  # a printer that prints to a file
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    html = [render_html("tried_to_reach_you", lang, fields(lang, victim_name=name)) for lang, name in
            (("en", "Mary Jones"), ("cy", "Gareth Jones"))]  # fmt: skip
    print_letters(html, printer, letters.default_book().letterhead)
    del printer
    pages = pdf_page_texts(tmp_path / "printed.pdf")
    assert len(pages) == 2 and "Dear Mary Jones," in pages[0] and "Annwyl Gareth Jones," in pages[1]
