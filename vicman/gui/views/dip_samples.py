"""Dip samples (supervisors): draw a reproducible sample of contact entries, see the samples drawn, and
review each entry of the one selected. Enter or a double-click on an entry opens the review form.

Signals:
    samples_loaded(): the list of samples shows the latest read.
    items_loaded(): the entries table shows the selected sample's entries (or nothing).
    sample_drawn(object): a sample was drawn (`SampleView`).
    review_saved(object): a review was saved (`ReviewView`).
    record_requested(str, str): open the record of this victim (person ref) at this crime (crime ref).
    load_failed(str): reading failed; the argument says why in plain words.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from vicman.gui.dialogs.common import ERROR_STYLE, NOTICE_STYLE, buddy, message_label
from vicman.gui.dialogs.sample_review import SampleReviewDialog
from vicman.gui.errors import describe_error
from vicman.gui.formatting import plural, uk_date
from vicman.gui.models.sample_table_model import (
    COL_CONTACT_AT,
    COL_CONTACT_METHOD,
    COL_CRIME,
    COL_DRAWN_AT,
    COL_ID,
    COL_METHOD,
    COL_OFFICER,
    COL_OUTCOME,
    COL_PERIOD,
    COL_POPULATION,
    COL_POSITION,
    COL_RISK,
    COL_SCOPE,
    COL_SEED,
    COL_SINCE_DRAWN,
    COL_SIZE,
    COL_VERDICT,
    COL_VICTIM,
    SampleItemTableModel,
    SampleTableModel,
)
from vicman.gui.models.sort_proxy import NativeSortProxyModel
from vicman.gui.views.record_common import make_button, select_row
from vicman.gui.views.supervision_common import PeriodEdit, ScopeChooser, current_dto, last_month, select_dto
from vicman.gui.widgets import make_table
from vicman.gui.workers import Runner
from vicman.services import dip_sampling
from vicman.services.context import Actor, ServiceContext
from vicman.services.dip_sample_population import MAX_SEED, METHODS
from vicman.services.dip_sample_views import ReviewContext, SampleItemView, SampleView
from vicman.services.dip_sampling import MAX_SIZE
from vicman.services.errors import InvalidInput
from vicman.services.people import OfficerView

DEFAULT_SIZE = 20
METHOD_NOTES = {
    "random": "Every contact entry in the period is equally likely to be drawn.",
    "stratified": "Each officer's entries are drawn in proportion to how many they made, at least one each "
    "when the size allows.",
    "risk": "Risky entries are more likely to be drawn: enhanced rights, a duty met late or overdue, or 28 days "
    "or more without contact (one flag: three times as likely; two: five times).",
}
DRAW_FIELDS = {
    "scope_kind": "The kind of scope",
    "scope_value": "The scope",
    "period_from": "The start of the period",
    "size": "The size",
    "method": "The method",
    "seed": "The seed",
}


def describe_draw_error(exc: BaseException) -> str:
    if isinstance(exc, InvalidInput) and exc.field in DRAW_FIELDS:
        return f"{DRAW_FIELDS[exc.field]} {exc.reason}."
    return describe_error(exc)


class DipSamplesView(QWidget):
    samples_loaded = Signal()
    items_loaded = Signal()
    sample_drawn = Signal(object)
    review_saved = Signal(object)
    record_requested = Signal(str, str)
    load_failed = Signal(str)

    def __init__(self, ctx: ServiceContext, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dipSamplesView")
        self._ctx = ctx
        self._runner = runner
        self._samples_generation = 0
        self._items_generation = 0
        self._select_after_load: int | None = None
        self.loading_samples = False
        self.loading_items = False
        self.drawing = False
        self.opening_review = False
        self.review_dialog: SampleReviewDialog | None = None
        self.last_drawn: SampleView | None = None

        self.title = QLabel("Dip samples")
        self.title.setObjectName("dipSamplesTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)

        # --- the draw form ---------------------------------------------------------------------
        self.scope = ScopeChooser("draw")
        self.period = PeriodEdit("draw")
        self.last_month_button = self.period.add_shortcut(
            "&Last month", "drawLastMonthButton", "Set the period to last month", last_month
        )
        self.size = QSpinBox()
        self.size.setObjectName("drawSize")
        self.size.setAccessibleName("How many entries to draw")
        self.size.setRange(1, MAX_SIZE)
        self.size.setValue(DEFAULT_SIZE)
        self.method = QComboBox()
        self.method.setObjectName("drawMethod")
        self.method.setAccessibleName("How to choose the entries")
        for value, text in METHODS.items():
            self.method.addItem(text, value)
            self.method.setItemData(self.method.count() - 1, METHOD_NOTES.get(value), Qt.ItemDataRole.ToolTipRole)
        self.method_note = QLabel()
        self.method_note.setObjectName("drawMethodNote")
        self.method_note.setWordWrap(True)
        self.method_note.setStyleSheet("color: #495057;")
        self.method.currentIndexChanged.connect(self._show_method_note)
        self.seed = QLineEdit()
        self.seed.setObjectName("drawSeed")
        self.seed.setAccessibleName("Seed: blank for a random one")
        self.seed.setPlaceholderText("Blank: chosen at random")
        self.seed.setValidator(QIntValidator(0, MAX_SEED, self.seed))
        self.seed.setToolTip("The same seed, with the same scope, period, size and method, draws the same entries")
        self.seed.setMaximumWidth(160)
        self.seed.returnPressed.connect(self.draw)
        self.draw_button = make_button(
            "Dr&aw sample", "drawSampleButton", "Draw the sample", "Draw and save a sample with these settings"
        )
        self.draw_button.setDefault(False)
        self.draw_button.clicked.connect(self.draw)
        self.draw_error = message_label("drawError", ERROR_STYLE, accessible="Why the sample could not be drawn")
        self.draw_result = message_label("drawResult", NOTICE_STYLE, accessible="The sample drawn")
        self.draw_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QGroupBox("Draw a sample")
        form.setObjectName("drawForm")
        grid = QGridLayout(form)
        grid.setHorizontalSpacing(8)
        grid.addWidget(buddy("S&cope", self.scope.kind), 0, 0)
        grid.addWidget(self.scope, 0, 1)
        grid.addWidget(buddy("&Period", self.period.start), 1, 0)
        grid.addWidget(self.period, 1, 1)
        grid.addWidget(buddy("Si&ze", self.size), 0, 2)
        size_row = QHBoxLayout()
        size_row.addWidget(self.size)
        size_row.addWidget(QLabel("entries"))
        size_row.addStretch(1)
        grid.addLayout(size_row, 0, 3)
        grid.addWidget(buddy("M&ethod", self.method), 1, 2)
        method_row = QHBoxLayout()
        method_row.addWidget(self.method)
        method_row.addStretch(1)
        grid.addLayout(method_row, 1, 3)
        grid.addWidget(buddy("Seed (optio&nal)", self.seed), 2, 2)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.draw_button)
        seed_row.addStretch(1)
        grid.addLayout(seed_row, 2, 3)
        grid.addWidget(self.method_note, 2, 1)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)
        grid.addWidget(self.draw_error, 3, 0, 1, 4)
        grid.addWidget(self.draw_result, 4, 0, 1, 4)

        # --- the samples drawn -----------------------------------------------------------------
        self.samples_model = SampleTableModel(self)
        self.samples_proxy = NativeSortProxyModel(self)
        self.samples_proxy.setSourceModel(self.samples_model)
        self.samples = make_table("samplesTable", "Samples drawn")
        self.samples.setModel(self.samples_proxy)
        self.samples.setSelectionMode(self.samples.SelectionMode.SingleSelection)
        self.samples.sortByColumn(COL_ID, Qt.SortOrder.DescendingOrder)
        widths = {
            COL_ID: 64,
            COL_DRAWN_AT: 124,
            COL_SCOPE: 190,
            COL_PERIOD: 170,
            COL_METHOD: 150,
            COL_SEED: 100,
            COL_POPULATION: 84,
            COL_SIZE: 70,
        }
        for column, width in widths.items():
            self.samples.setColumnWidth(column, width)
        self.samples.selectionModel().currentRowChanged.connect(lambda *_: self._on_sample_selected())
        self.samples_message = QLabel("No samples drawn yet.")
        self.samples_message.setObjectName("samplesMessage")
        self.samples_message.setWordWrap(True)

        # --- the entries of the selected sample --------------------------------------------------
        self.items_model = SampleItemTableModel(self)
        self.items_proxy = NativeSortProxyModel(self)
        self.items_proxy.setSourceModel(self.items_model)
        self.items = make_table("sampleItemsTable", "Entries in the selected sample")
        self.items.setModel(self.items_proxy)
        self.items.setSelectionMode(self.items.SelectionMode.SingleSelection)
        self.items.sortByColumn(COL_POSITION, Qt.SortOrder.AscendingOrder)
        widths = {
            COL_POSITION: 36,
            COL_VICTIM: 186,
            COL_CRIME: 90,
            COL_OFFICER: 152,
            COL_CONTACT_AT: 116,
            COL_CONTACT_METHOD: 60,
            COL_OUTCOME: 112,
            COL_RISK: 164,
            COL_VERDICT: 112,
            COL_SINCE_DRAWN: 112,
        }
        for column, width in widths.items():
            self.items.setColumnWidth(column, width)
        self.items.doubleClicked.connect(lambda _index: self.review_selected())
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.items, context=Qt.ShortcutContext.WidgetShortcut)
        enter.activated.connect(self.review_selected)
        self.items.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.items_title = QLabel("Entries in the sample")
        self.items_title.setObjectName("sampleItemsTitle")
        self.items_title.setWordWrap(True)
        self.review_button = make_button(
            "Review entr&y…",
            "reviewEntryButton",
            "Review the selected entry",
            "Answer the audit questions for the selected entry (Enter)",
        )
        self.review_button.clicked.connect(self.review_selected)
        self.open_button = make_button(
            "&Open victim's record",
            "openSampledRecordButton",
            "Open the selected victim's record",
            "Open the record of the victim in the selected entry",
        )
        self.open_button.clicked.connect(self.open_selected_record)
        self.items_footer = QLabel()
        self.items_footer.setObjectName("sampleItemsFooter")
        self.items_footer.setAccessibleName("Review progress")

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(QLabel("<b>Samples drawn</b>"))
        top_layout.addWidget(self.samples, 1)
        top_layout.addWidget(self.samples_message)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.items_title)
        bottom_layout.addWidget(self.items, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.items_footer, 1)
        buttons.addWidget(self.review_button)
        buttons.addWidget(self.open_button)
        bottom_layout.addLayout(buttons)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("dipSamplesSplitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(form)
        layout.addWidget(self.splitter, 1)
        form.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._show_method_note()
        self._update_buttons()

    # --- people and defaults -------------------------------------------------------------------

    def set_people(self, officers: list[OfficerView], divisions: list[str]) -> None:
        self.scope.set_people(officers, divisions)

    def activate(self, actor: Actor) -> None:
        """A supervisor signed in: their team (else division) and last month as the defaults; read the samples."""
        self.clear()
        self.scope.choose_default(actor)
        today = self._ctx.today()
        self.period.set_today(today)
        self.period.set_period(*last_month(today))
        self.size.setValue(DEFAULT_SIZE)
        self.method.setCurrentIndex(0)
        self.seed.clear()
        self.refresh()

    def clear(self) -> None:
        """Forget everything shown (signing out): results still on their way are dropped."""
        self._samples_generation += 1
        self._items_generation += 1
        self.loading_samples = self.loading_items = False
        self.samples_model.set_rows([])
        self.items_model.set_rows([])
        self.draw_error.hide()
        self.draw_result.hide()
        self.last_drawn = None
        if self.review_dialog is not None:
            self.review_dialog.reject()
        self._update_buttons()

    def _show_method_note(self, _index: int = 0) -> None:
        self.method_note.setText(METHOD_NOTES.get(self.method.currentData(), ""))

    # --- the list of samples -------------------------------------------------------------------

    def refresh(self, select_id: int | None = None) -> None:
        """Read the samples again (off the GUI thread); keep (or move to) the selected one."""
        current = self.selected_sample()
        self._select_after_load = select_id if select_id is not None else (current.id if current else None)
        self._samples_generation += 1
        generation = self._samples_generation
        self.loading_samples = True
        self._runner.read(dip_sampling.list_samples, self._ctx).on_success(
            lambda rows, g=generation: self._on_samples_loaded(g, rows)
        ).on_failure(lambda exc, g=generation: self._on_samples_failed(g, exc))

    def _on_samples_loaded(self, generation: int, rows: list[SampleView]) -> None:
        if generation != self._samples_generation:
            return
        self.loading_samples = False
        self.samples_model.set_rows(rows)
        self.samples_message.setText(
            "No samples drawn yet: draw one above." if not rows else f"{plural(len(rows), 'sample')} drawn."
        )
        wanted = self._select_after_load
        ids = [s.id for s in rows]
        if rows:
            source = ids.index(wanted) if wanted in ids else ids.index(max(ids))
            select_row(self.samples, self.samples_proxy.proxy_row_of(source))
        else:
            self._on_sample_selected()
        self.samples_loaded.emit()

    def _on_samples_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._samples_generation:
            return
        self.loading_samples = False
        text = describe_error(exc)
        self.samples_message.setText(f"The samples could not be read. {text} Press F5 to try again.")
        self.load_failed.emit(text)
        self.samples_loaded.emit()

    def selected_sample(self) -> SampleView | None:
        return current_dto(self.samples, self.samples_proxy)

    def select_sample(self, sample_id: int) -> bool:
        return select_dto(self.samples, self.samples_proxy, lambda sample: sample.id == sample_id)

    # --- the entries of the selected sample ----------------------------------------------------

    def _on_sample_selected(self) -> None:
        sample = self.selected_sample()
        self._items_generation += 1
        generation = self._items_generation
        if sample is None:
            self.items_model.set_rows([])
            self.items_title.setText("Entries in the sample")
            self.loading_items = False
            self._update_buttons()
            self.items_loaded.emit()
            return
        self.items_title.setText(
            f"<b>Entries in sample {sample.id}</b>: {sample.scope_label}, {uk_date(sample.period_from)} to "
            f"{uk_date(sample.period_to)}, {sample.method_label.lower()}, seed {sample.seed}"
        )
        self.loading_items = True
        self._update_buttons()
        self._runner.read(dip_sampling.sample_items, self._ctx, sample.id).on_success(
            lambda rows, g=generation: self._on_items_loaded(g, rows)
        ).on_failure(lambda exc, g=generation: self._on_items_failed(g, exc))

    def reload_items(self) -> None:
        self._on_sample_selected()

    def _on_items_loaded(self, generation: int, rows: list[SampleItemView]) -> None:
        if generation != self._items_generation:
            return
        current = self.selected_item()
        self.loading_items = False
        self.items_model.set_rows(rows)
        if rows:
            ids = [i.id for i in rows]
            source = ids.index(current.id) if current and current.id in ids else 0
            select_row(self.items, self.items_proxy.proxy_row_of(source))
        self._update_buttons()
        self.items_loaded.emit()

    def _on_items_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._items_generation:
            return
        self.loading_items = False
        self.items_model.set_rows([])
        text = describe_error(exc)
        self.items_footer.setText(f"The entries could not be read. {text}")
        self.load_failed.emit(text)
        self.items_loaded.emit()

    def selected_item(self) -> SampleItemView | None:
        rows = self.items.selectionModel().selectedRows()
        if not rows:
            return None
        return self.items_proxy.row_at(rows[0].row())

    def _update_buttons(self) -> None:
        chosen = self.selected_item() is not None
        self.review_button.setEnabled(chosen and not self.opening_review)
        self.open_button.setEnabled(chosen)
        if self.loading_items:
            self.items_footer.setText("Loading…")
            return
        rows = self.items_model.rows()
        if not rows:
            self.items_footer.setText("Select a sample to see its entries." if self.samples_model.rows() else "")
            return
        reviewed = sum(1 for i in rows if i.verdict)
        flagged = sum(1 for i in rows if i.changed_since_drawn)
        corrected = sum(1 for i in rows if i.corrected_by is not None)
        parts = [f"{reviewed} of {len(rows)} reviewed"]
        if corrected:
            parts.append(f"{corrected} corrected after the draw")
        if flagged:
            parts.append(f"{flagged} CHANGED since drawn: report to the administrator")
        self.items_footer.setText(" · ".join(parts) + " · Enter or double-click reviews the selected entry")

    # --- drawing -------------------------------------------------------------------------------

    def draw_arguments(self) -> tuple | None:
        """The arguments of `draw_sample` from the form; None (and the problem shown) when it is incomplete."""
        kind, value = self.scope.scope()
        start, end = self.period.period()
        problem = None
        if not value:
            problem = f"Choose which {kind} to sample."
        elif start > end:
            problem = f"The period starts ({uk_date(start)}) after it ends ({uk_date(end)})."
        seed_text = self.seed.text().strip()
        if problem is None and seed_text and not seed_text.isdigit():
            problem = f"The seed must be a whole number from 0 to {MAX_SEED}, or left blank."
        if problem:
            self._show_draw_error(problem)
            return None
        seed = int(seed_text) if seed_text else None
        return (kind, value, start, end, self.size.value(), self.method.currentData(), seed)

    def draw(self) -> None:
        if self.drawing:
            return
        arguments = self.draw_arguments()
        if arguments is None:
            return
        self.draw_error.hide()
        self.drawing = True
        self.draw_button.setEnabled(False)
        self.draw_button.setText("Drawing…")
        self._runner.write(dip_sampling.draw_sample, self._ctx, *arguments).on_success(self._on_drawn).on_failure(
            self._on_draw_failed
        )

    def _on_drawn(self, sample: SampleView) -> None:
        self._finish_drawing()
        self.last_drawn = sample
        short = f" ({sample.items} of {sample.size} asked: that is every entry)" if sample.items < sample.size else ""
        self.draw_result.setText(
            f"Sample {sample.id} drawn: {plural(sample.items, 'entry', 'entries')}{short} from "
            f"{sample.population:,} in {sample.scope_label}, {uk_date(sample.period_from)} to "
            f"{uk_date(sample.period_to)}. Seed {sample.seed}: enter it as the seed to draw the same sample again."
        )
        self.draw_result.show()
        self.sample_drawn.emit(sample)
        self.refresh(select_id=sample.id)

    def _on_draw_failed(self, exc: BaseException) -> None:
        self._finish_drawing()
        self._show_draw_error(describe_draw_error(exc))

    def _finish_drawing(self) -> None:
        self.drawing = False
        self.draw_button.setEnabled(True)
        self.draw_button.setText("Dr&aw sample")

    def _show_draw_error(self, text: str) -> None:
        self.draw_result.hide()
        self.draw_error.setText(text)
        self.draw_error.show()

    # --- reviewing and opening records ---------------------------------------------------------

    def review_selected(self) -> bool:
        """Open the review form for the selected entry (once its context is read); False with none selected."""
        item = self.selected_item()
        if item is None or self.opening_review or self.review_dialog is not None:
            return False
        self.opening_review = True
        self._update_buttons()
        self.items_footer.setText(f"Opening the review of entry {item.position}…")
        self._runner.read(dip_sampling.review_context, self._ctx, item.id).on_success(self._on_context_read).on_failure(
            self._on_context_failed
        )
        return True

    def _on_context_read(self, context: ReviewContext) -> None:
        self.opening_review = False
        self._update_buttons()
        dialog = SampleReviewDialog(self._ctx, self._runner, context, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_review_saved)
        dialog.finished.connect(lambda _r: setattr(self, "review_dialog", None))
        self.review_dialog = dialog
        dialog.open()

    def _on_context_failed(self, exc: BaseException) -> None:
        self.opening_review = False
        self._update_buttons()
        text = describe_error(exc)
        self.items_footer.setText(f"The entry could not be opened for review. {text}")
        self.load_failed.emit(text)

    def _on_review_saved(self, review) -> None:
        self.review_saved.emit(review)
        self.refresh()

    def open_selected_record(self) -> bool:
        item = self.selected_item()
        if item is None:
            return False
        self.record_requested.emit(item.victim_ref, item.crime_ref)
        return True
