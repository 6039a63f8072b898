"""The main window: My work, Bureau queue, Search and Minimum standards tabs, a closable tab per open
victim record, menus, shortcuts, sign-in, the idle lock, the status bar, and the overdue notice.

Signals:
    signed_in(object): a user signed in (`auth.SignedIn`); their officer record, if any, is `window.officer`.
    people_loaded(): the officers and divisions have been read (after signing in, or on a first run).
    locked(): the idle lock (or Lock now) hid the work.
    signed_out(): the user signed out (or their session ended); nothing of theirs is on screen.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QSystemTrayIcon,
    QTabBar,
    QTabWidget,
    QWidget,
)

from vicman import __version__
from vicman.gui import administration, dashboard, mail_health, supervision, ui_state
from vicman.gui.dialogs.change_password import ChangePasswordDialog
from vicman.gui.dialogs.first_administrator import FirstAdministratorDialog
from vicman.gui.dialogs.sign_in import SignInDialog
from vicman.gui.errors import describe_error
from vicman.gui.onboarding import Onboarding
from vicman.gui.overdue_watch import OverdueWatch, notice_text
from vicman.gui.pyside_workaround import MainThreadGarbageCollector
from vicman.gui.session_lock import IdleWatch, LockPage
from vicman.gui.views.bureau_queue import BureauQueueView
from vicman.gui.views.duty_list import DutyListView
from vicman.gui.views.minimum_standards import MinimumStandardsView
from vicman.gui.views.my_work import MyWorkView
from vicman.gui.views.search_view import SearchView
from vicman.gui.views.victim_record import ACTIONS, VictimRecordView
from vicman.gui.workers import Runner
from vicman.services import auth, people, permissions, session_policy
from vicman.services.context import Actor, ServiceContext
from vicman.services.people import OfficerView
from vicman.services.permissions import Target


def _load_people(ctx: ServiceContext) -> tuple[list[OfficerView], list[str]]:
    return people.list_officers(ctx), people.list_divisions(ctx)


def _signed_out(workstation: str) -> Actor:
    """Who the window acts as before anyone signs in on a database with users: no one, with no roles."""
    return Actor(user="(signed out)", workstation=workstation)


class MainWindow(QMainWindow):
    signed_in = Signal(object)
    people_loaded = Signal()
    locked = Signal()
    signed_out = Signal()

    def __init__(
        self,
        ctx: ServiceContext,
        runner: Runner,
        settings: QSettings,
        db_location: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.ctx = ctx
        self.runner = runner
        self._loaded_message = ""
        self.garbage_collector = MainThreadGarbageCollector(self)
        self.settings = settings
        self.db_location = db_location
        self.officer: OfficerView | None = None
        self.officers: list[OfficerView] = []
        self.divisions: list[str] = []
        self.sign_in_dialog: SignInDialog | FirstAdministratorDialog | None = None
        self.session: auth.SignedIn | None = None
        self.users_exist: bool | None = None
        self._hidden_dialogs: list[QDialog] = []
        self.setWindowTitle(f"vicman — {db_location}")
        self.setAccessibleName("vicman")

        self.my_work = MyWorkView(ctx, runner)
        self.bureau = BureauQueueView(ctx, runner)
        self.search = SearchView(ctx, runner)
        self.standards = MinimumStandardsView(ctx, runner)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.setAccessibleName("Screens")
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.addTab(self.my_work, "&My work")
        self.tabs.addTab(self.bureau, "&Bureau queue")
        self.tabs.addTab(self.search, "&Search")
        self.tabs.addTab(self.standards, "Minim&um standards")
        self.fixed_tabs = self.tabs.count()
        for i in range(self.fixed_tabs):  # only victim records can be closed
            self.tabs.tabBar().setTabButton(i, QTabBar.ButtonPosition.RightSide, None)
            self.tabs.tabBar().setTabButton(i, QTabBar.ButtonPosition.LeftSide, None)
        self.tabs.tabCloseRequested.connect(self._on_tab_close_requested)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.lock_page = LockPage(ctx, runner)
        self.lock_page.unlocked.connect(self.unlock)
        self.lock_page.sign_out_requested.connect(self.sign_out)
        self.stack = QStackedWidget()
        self.stack.setObjectName("mainStack")
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self.lock_page)
        self.setCentralWidget(self.stack)
        self.idle = IdleWatch(session_policy.DEFAULT_IDLE_MINUTES * 60, parent=self)
        self.idle.idle.connect(lambda: self.lock("You have been away, so vicman has hidden the records."))
        self.idle.timer.timeout.connect(self.check_session_age)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        for view in (self.my_work, self.bureau):
            view.contacts_recorded.connect(self._on_contacts_recorded)
            view.load_failed.connect(lambda text: self.statusBar().showMessage(text, 10_000))
            view.record_requested.connect(self.open_record)
        self.search.record_requested.connect(lambda person, crime: self.open_record(person, crime or None))
        self.my_work.rows_loaded.connect(self._on_my_work_loaded)
        self.standards_stale = True
        self.overdue = OverdueWatch(self)
        self.overdue.timer.timeout.connect(self.refresh_overdue)
        self.overdue.grew.connect(self._on_overdue_grew)
        self.tray: QSystemTrayIcon | None = None
        self.bureau.division_changed.connect(lambda name: ui_state.write(self.settings, ui_state.BUREAU_DIVISION, name))

        self.signed_in_label = QLabel("Not signed in")
        self.signed_in_label.setObjectName("signedInLabel")
        self.signed_in_label.setAccessibleName("Signed-in officer")
        self.busy_label = QLabel("")
        self.busy_label.setObjectName("busyLabel")
        self.statusBar().addPermanentWidget(self.busy_label)
        self.password_nag = QPushButton("An administrator set your password: choose your own…")
        self.password_nag.setObjectName("passwordNagButton")
        self.password_nag.setAccessibleName("Choose your own password")
        self.password_nag.setFlat(True)
        self.password_nag.setStyleSheet("color: #4d3800; background: #fff3cd; padding: 2px 8px;")
        self.password_nag.clicked.connect(lambda: self.change_password())
        self.password_nag.hide()
        self.statusBar().addPermanentWidget(self.password_nag)
        self.statusBar().addPermanentWidget(self.signed_in_label)
        runner.busy_changed.connect(lambda busy: self.busy_label.setText("Working…" if busy else ""))

        self._build_menus()
        self._restore_layout()
        supervision.install(self)
        administration.install(self)
        mail_health.install(self)
        dashboard.install(self)

    # --- menus and shortcuts ------------------------------------------------------------------

    def _action(self, text: str, shortcut: QKeySequence | str | None, slot, name: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        self.switch_action = self._action("S&ign out…", "Ctrl+Shift+O", self.sign_out, "switchOfficer")
        self.lock_action = self._action("&Lock now", "Ctrl+Shift+L", lambda _=False: self.lock(), "lockNow")
        self.password_action = self._action(
            "Change &password…", None, lambda _=False: self.change_password(), "changePassword"
        )
        self.onboarding = Onboarding(self.ctx, self.runner, self)
        self.onboarding.data_loaded.connect(self._on_data_loaded)
        self.import_action = self._action(
            "&Import crime-system extract…", "Ctrl+I", lambda _=False: self.onboarding.import_extract(), "importExtract"
        )
        self.refresh_action = self._action("&Refresh", "F5", self.refresh, "refresh")
        self.quit_action = self._action("&Quit", "Ctrl+Q", self.close, "quit")
        self.log_action = self._action("&Log contact…", "Ctrl+L", self.log_contact, "logContact")
        self.find_action = self._action("&Find a victim…", "Ctrl+F", self.show_search, "find")
        self.open_action = self._action("&Open record", "Ctrl+O", self.open_selected_record, "openRecord")
        self.next_overdue_action = self._action("&Next overdue duty", "F8", self.next_overdue, "nextOverdue")
        self.close_record_action = self._action("Clo&se record", "Ctrl+W", self.close_current_record, "closeRecord")
        self.about_action = self._action("&About vicman", None, self.show_about, "about")
        self.record_actions: dict[str, QAction] = {"logContact": self.log_action}
        for spec in ACTIONS:
            if spec.name not in self.record_actions:
                self.record_actions[spec.name] = self._action(
                    spec.text, spec.shortcut, lambda _=False, m=spec.method: self._on_record_action(m), spec.name
                )
            self.record_actions[spec.name].setStatusTip(spec.tip)
        tab_actions = []
        for i, text in enumerate(("&My work", "&Bureau queue", "&Search", "Minim&um standards")):
            tab_actions.append(
                self._action(text, f"Ctrl+{i + 1}", lambda _=False, i=i: self.tabs.setCurrentIndex(i), f"tab{i}")
            )

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.switch_action)
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self.password_action)
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        work_menu = self.menuBar().addMenu("&Work")
        work_menu.addAction(self.log_action)
        work_menu.addAction(self.find_action)
        work_menu.addAction(self.open_action)
        work_menu.addAction(self.next_overdue_action)
        work_menu.addAction(self.refresh_action)
        record_menu = self.menuBar().addMenu("&Record")
        record_menu.setObjectName("recordMenu")
        for name, action in self.record_actions.items():
            record_menu.addAction(action)
            if name in ("correctEntry", "contract"):
                record_menu.addSeparator()
        record_menu.addSeparator()
        record_menu.addAction(self.close_record_action)
        self._update_record_actions()
        self.view_menu = self.menuBar().addMenu("&View")
        for action in tab_actions:
            self.view_menu.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.about_action)

    # --- start-up and signing in --------------------------------------------------------------

    def start(self) -> None:
        """Find out whether this database has users: if so ask who you are, else offer the first run."""
        self.statusBar().showMessage("Opening the database…")
        self.runner.read(auth.users_exist, self.ctx).on_success(self._on_users_checked).on_failure(
            self._on_people_failed
        )

    def _on_users_checked(self, exist: bool) -> None:
        self.users_exist = exist
        self.statusBar().clearMessage()
        if exist and self.session is None:
            # Nothing is read before someone signs in: the window acts as no one until then.
            self.ctx.actor = _signed_out(self.ctx.actor.workstation)
            self.signed_in_label.setText("Not signed in")
            self.tabs.setTabVisible(self.tabs.indexOf(self.bureau), False)
            self.ask_who_you_are()
            return
        self.load_people()

    def load_people(self) -> None:
        self.statusBar().showMessage("Reading officers and divisions…")
        self.runner.read(_load_people, self.ctx).on_success(self._on_people_loaded).on_failure(self._on_people_failed)

    def _on_people_loaded(self, result: tuple[list[OfficerView], list[str]]) -> None:
        self.officers, self.divisions = result
        self.statusBar().clearMessage()
        if self._loaded_message:
            self.statusBar().showMessage(self._loaded_message, 15000)
            self._loaded_message = ""
        self.bureau.set_officers(self.officers)
        queues = self.queue_divisions()
        self.tabs.setTabVisible(self.tabs.indexOf(self.bureau), bool(queues))
        if queues:
            remembered = ui_state.read(self.settings, ui_state.BUREAU_DIVISION)
            if remembered not in queues:
                remembered = self.ctx.actor.division if self.ctx.actor.division in queues else None
            self.bureau.set_divisions(queues, remembered)
        self.people_loaded.emit()
        if self.session is None and not self.users_exist:
            self.ask_for_first_administrator()
            return
        self._apply_session()
        if not self.officers:
            self.signed_in_label.setText(self._who_label() + " (no officers in this database yet)")
            self.onboarding.offer_first_run()

    def _on_data_loaded(self, text: str) -> None:
        """An import or demo data arrived: read the officers again and refresh what shows duties."""
        self._loaded_message = text
        self.start()
        self.refresh()

    def _on_people_failed(self, exc: BaseException) -> None:
        self.statusBar().clearMessage()
        QMessageBox.warning(self, "vicman", f"The list of officers could not be read.\n\n{describe_error(exc)}")

    def add_fixed_tab(self, widget: QWidget, text: str, tip: str, shortcut: str, name: str) -> QAction:
        """A screen that stays open (no close button), placed after the fixed ones and hidden until the
        user's roles show it; returns its View-menu action (with `shortcut`; disabled while hidden)."""
        index = self.tabs.insertTab(self.fixed_tabs, widget, text)
        self.tabs.setTabToolTip(index, f"{tip} ({shortcut})")
        bar = self.tabs.tabBar()
        bar.setTabButton(index, QTabBar.ButtonPosition.RightSide, None)
        bar.setTabButton(index, QTabBar.ButtonPosition.LeftSide, None)
        self.tabs.setTabVisible(index, False)
        self.fixed_tabs += 1
        action = QAction(text, self)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut))
        action.setEnabled(False)
        self.addAction(action)
        self.view_menu.addAction(action)
        return action

    def queue_divisions(self) -> list[str]:
        """The divisions whose bureau queue the signed-in user may work (the role table decides)."""
        actor = self.ctx.actor
        return [
            d for d in self.divisions if permissions.decide(actor, permissions.BUREAU_QUEUE, Target(division=d)).allowed
        ]

    def ask_who_you_are(self) -> SignInDialog:
        """Open the sign-in dialog (window-modal; returns at once)."""
        last = ui_state.read(self.settings, ui_state.LAST_OFFICER)
        dialog = SignInDialog(self.ctx, self.runner, str(last) if last else None, parent=self)
        self._open_identity_dialog(dialog)
        return dialog

    def ask_for_first_administrator(self) -> FirstAdministratorDialog:
        dialog = FirstAdministratorDialog(self.ctx, self.runner, self.officers, parent=self)
        self._open_identity_dialog(dialog)
        return dialog

    def _open_identity_dialog(self, dialog: SignInDialog | FirstAdministratorDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_signed_in)
        dialog.finished.connect(lambda _r: setattr(self, "sign_in_dialog", None))
        self.sign_in_dialog = dialog
        dialog.open()

    def _on_signed_in(self, signed: auth.SignedIn) -> None:
        """The password was right: act as this user from now on, and read what they may see."""
        self.session = signed
        self.users_exist = True
        self.ctx.actor = signed.actor
        ui_state.write(self.settings, ui_state.LAST_OFFICER, signed.user.username)
        self.idle.arm()
        self.runner.read(session_policy.idle_minutes, self.ctx).on_success(
            lambda minutes: setattr(self.idle, "limit_s", minutes * 60)
        )
        self.stack.setCurrentWidget(self.tabs)
        self.activateWindow()
        self.load_people()
        self.password_action.setEnabled(True)
        self.password_nag.setVisible(signed.must_change_password)

    def change_password(self, reason: str | None = None) -> ChangePasswordDialog | None:
        if self.session is None:
            return None
        dialog = ChangePasswordDialog(self.ctx, self.runner, reason, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._on_password_changed)
        self.password_dialog = dialog
        dialog.open()
        return dialog

    def _on_password_changed(self, _result: object) -> None:
        self.password_nag.hide()
        self.statusBar().showMessage("Your password has been changed.", 10_000)

    def _who_label(self) -> str:
        if self.session is None:
            return "Built-in local administrator" if self.ctx.actor.unrestricted else "Not signed in"
        user = self.session.user
        return f"Signed in as {user.display_name} ({user.username}) · {', '.join(user.roles)}"

    def _apply_session(self) -> None:
        """Show the signed-in user's work: their officer record's duties, their division's queue."""
        actor = self.ctx.actor
        officer = next((o for o in self.officers if o.staff_no == actor.staff_no), None) if actor.staff_no else None
        self.officer = officer
        self.signed_in_label.setText(self._who_label())
        for view in (self.my_work, self.bureau):
            view.set_officer(officer)
        self.my_work.hide_banner()
        self.overdue.reset()
        self.standards.set_officer(officer)
        self.my_work.refresh()
        self.refresh_standards()
        self.overdue.timer.start()
        if self.tabs.currentWidget() is self.my_work:
            self.my_work.table.setFocus()
        self.signed_in.emit(self.session)

    def sign_out(self, _checked: bool = False, why: str | None = None) -> None:
        """Close every record, forget who was signed in, hide the work and ask again."""
        if self.session is None and not self.users_exist:
            return
        # Work already under way finishes as the user who asked for it, before the context changes hands:
        # its audit records must name them.
        self.runner.wait_for_done()
        if self.session is not None:
            auth.sign_out(self.ctx)
        self.session = None
        self.officer = None
        self.idle.disarm()
        self.overdue.timer.stop()
        for view in self.record_views():
            view.discard()
            self.tabs.removeTab(self.tabs.indexOf(view))
            view.deleteLater()
        for dialog in {*self._hidden_dialogs, *(d for d in self.findChildren(QDialog) if d.isVisible())}:
            dialog.done(QDialog.DialogCode.Rejected)  # nothing of the last user's stays on screen
        self._hidden_dialogs.clear()
        self.ctx.actor = _signed_out(self.ctx.actor.workstation)
        for view in (self.my_work, self.bureau):
            view.set_officer(None)
            view.clear()
        self.search.clear()
        self.standards.set_officer(None)
        self.tabs.setTabVisible(self.tabs.indexOf(self.bureau), False)
        self.signed_in_label.setText("Not signed in")
        self.password_nag.hide()
        self.stack.setCurrentWidget(self.tabs)
        if why:
            self.statusBar().showMessage(why, 30_000)
        self.signed_out.emit()
        self.ask_who_you_are()

    def check_session_age(self) -> bool:
        """End a session that has lasted its 12 hours (a shift), however busy; True if it ended."""
        if self.session is None or not auth.session_expired(self.ctx, self.session.signed_in_at):
            return False
        self.sign_out(why="Your session has lasted 12 hours: sign in again.")
        return True

    def lock(self, why: str = "vicman is locked.") -> None:
        """Hide every victim's data (open dialogs too) until the password is given again."""
        if self.session is None or self.stack.currentWidget() is self.lock_page:
            return
        if self.check_session_age():
            return
        self.idle.disarm()
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.hide()
                self._hidden_dialogs.append(dialog)
        self.lock_page.show_for(self.session.user.display_name, why)
        self.stack.setCurrentWidget(self.lock_page)
        self.locked.emit()

    def unlock(self) -> None:
        self.stack.setCurrentWidget(self.tabs)
        for dialog in self._hidden_dialogs:
            dialog.show()
        self._hidden_dialogs.clear()
        self.idle.arm()

    @property
    def is_locked(self) -> bool:
        return self.stack.currentWidget() is self.lock_page

    # --- actions ------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.my_work.refresh()
        self.bureau.refresh()
        self.refresh_standards()
        if self.tabs.currentWidget() is self.search:
            self.search.search_now()
        record = self.current_record()
        if record is not None:
            record.reload()

    def refresh_overdue(self) -> None:
        """The periodic refresh (the timer calls it): My work, whose overdue count feeds the notice."""
        if self.officer is None:
            return
        self.my_work.refresh()
        self.refresh_standards()

    def refresh_standards(self) -> None:
        """Read the minimum standards and figures now if they are on screen, else when next shown."""
        self.standards_stale = True
        if self.tabs.currentWidget() is self.standards:
            self.standards_stale = False
            self.standards.refresh()

    def _on_tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.standards and self.standards_stale:
            self.refresh_standards()
        self._update_record_actions()

    def _on_my_work_loaded(self) -> None:
        if self.officer is not None and not self.my_work.loading:
            self.overdue.observe(self.my_work.counts()[0])

    def _on_overdue_grew(self, more: int, total: int) -> None:
        text = notice_text(more, total)
        self.statusBar().showMessage(text, 60_000)
        self.my_work.show_banner(text)
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self.tray is None:
                self.tray = QSystemTrayIcon(self.windowIcon(), self)
                self.tray.setToolTip("vicman")
                self.tray.messageClicked.connect(lambda: self.tabs.setCurrentWidget(self.my_work))
            self.tray.show()
            self.tray.showMessage("vicman: duty overdue", text, QSystemTrayIcon.MessageIcon.Warning, 15_000)

    def _on_contacts_recorded(self, recorded: list) -> None:
        count = len(recorded)
        self.statusBar().showMessage(f"Contact logged for {count} victim{'s' if count != 1 else ''}.", 8000)
        sender = self.sender()
        for view in (self.my_work, self.bureau):
            if view is not sender:
                view.refresh()
        self.refresh_standards()
        self._reload_records({r.crime_ref for r in recorded})

    # --- victim records -------------------------------------------------------------------------

    def record_views(self) -> list[VictimRecordView]:
        found = (self.tabs.widget(i) for i in range(self.fixed_tabs, self.tabs.count()))
        return [w for w in found if isinstance(w, VictimRecordView)]

    def current_record(self) -> VictimRecordView | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, VictimRecordView) else None

    def open_record(self, person_ref: str, crime_ref: str | None = None) -> VictimRecordView:
        """Show the record of `person_ref` in its own tab (the existing one if it is open), at `crime_ref`."""
        for view in self.record_views():
            if view.person_ref == person_ref:
                if crime_ref and view.record is None:
                    view.crime_ref = crime_ref  # shown once the record has been read
                elif crime_ref:
                    view.select_crime(crime_ref)
                self.tabs.setCurrentWidget(view)
                return view
        view = VictimRecordView(self.ctx, self.runner, person_ref, crime_ref)
        view.record_loaded.connect(lambda v=view: self._on_record_loaded(v))
        view.status_message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        view.record_changed.connect(lambda result, v=view: self._on_record_changed(v, result))
        view.close_requested.connect(lambda v=view: self._close_record_view(v))
        index = self.tabs.addTab(view, person_ref)
        self.tabs.setTabToolTip(index, f"Victim record {person_ref} (Ctrl+W closes it)")
        self.tabs.setCurrentIndex(index)
        view.reload()
        return view

    def open_selected_record(self) -> None:
        widget = self.tabs.currentWidget()
        if isinstance(widget, DutyListView):
            opened = widget.open_record_for_selection()
        elif widget is self.search:
            opened = self.search.open_selected()
        else:
            return
        if not opened:
            self.statusBar().showMessage("Select a row first, then open the record (Ctrl+O).", 6000)

    def close_current_record(self) -> None:
        view = self.current_record()
        if view is not None:
            self._on_tab_close_requested(self.tabs.indexOf(view))

    def _on_tab_close_requested(self, index: int) -> None:
        view = self.tabs.widget(index)
        if not isinstance(view, VictimRecordView) or view.dialog is not None:
            return  # the fixed screens stay; a record with a dialog open stays until the dialog closes
        self.tabs.removeTab(index)
        view.discard()
        view.deleteLater()

    def _close_record_view(self, view: VictimRecordView) -> None:
        index = self.tabs.indexOf(view)
        if index >= 0:
            self._on_tab_close_requested(index)

    def _on_record_loaded(self, view: VictimRecordView) -> None:
        index = self.tabs.indexOf(view)
        if index >= 0 and view.record is not None:
            self.tabs.setTabText(index, view.record.name.replace("&", "&&"))
            self.tabs.setTabToolTip(index, f"Victim record of {view.title} (Ctrl+W closes it)")
        self._update_record_actions()

    def _on_record_changed(self, view: VictimRecordView, result) -> None:
        self.my_work.refresh()
        self.refresh_standards()
        results = result if isinstance(result, list) else [result]
        crimes = {r.crime_ref for r in results if hasattr(r, "crime_ref")}
        self._reload_records(crimes, besides=view)

    def _reload_records(self, crime_refs: set[str], besides: VictimRecordView | None = None) -> None:
        """Events belong to a crime: every open record with a victim in one of `crime_refs` is read again."""
        for view in self.record_views():
            if view is not besides and view.crime_refs() & crime_refs:
                view.reload()

    def _on_record_action(self, method: str) -> None:
        view = self.current_record()
        if view is None:
            self.statusBar().showMessage("Open a victim's record first (search with Ctrl+F).", 6000)
            return
        getattr(view, method)()

    def _update_record_actions(self) -> None:
        on_record = self.current_record() is not None
        for name, action in self.record_actions.items():
            if name != "logContact":
                action.setEnabled(on_record)
        self.close_record_action.setEnabled(on_record)

    def current_duty_list(self) -> DutyListView | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, DutyListView) else None

    def next_overdue(self) -> None:
        """Select the next overdue duty in My work or the Bureau queue (from My work elsewhere)."""
        view = self.current_duty_list()
        if view is None:
            self.tabs.setCurrentWidget(self.my_work)
            view = self.my_work
        if not view.select_next_overdue():
            self.statusBar().showMessage("Nothing overdue in this list.", 6000)

    def log_contact(self) -> None:
        record = self.current_record()
        if record is not None:
            record.log_contact()
            return
        view = self.current_duty_list()
        if view is None:
            return
        if view.log_contact_for_selection() is None:
            self.statusBar().showMessage("Select one or more duties first, then log the contact.", 6000)

    def show_search(self) -> None:
        self.tabs.setCurrentWidget(self.search)
        self.search.focus_search()

    def about_text(self) -> str:
        return (
            f"vicman {__version__}\n\n"
            "Keeps police forces within the Code of Practice for Victims of Crime.\n\n"
            f"Database: {self.db_location}"
        )

    def show_about(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Information, "About vicman", self.about_text(), parent=self)
        box.setObjectName("aboutBox")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    # --- layout between runs ------------------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = ui_state.read(self.settings, ui_state.GEOMETRY)
        if geometry:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = ui_state.read(self.settings, ui_state.STATE)
        if state:
            self.restoreState(state)
        self.my_work.restore_header_state(ui_state.read(self.settings, ui_state.MY_WORK_HEADER))
        self.bureau.restore_header_state(ui_state.read(self.settings, ui_state.BUREAU_HEADER))
        header = ui_state.read(self.settings, ui_state.SEARCH_HEADER)
        if header:
            self.search.table.horizontalHeader().restoreState(header)
        try:
            tab = int(ui_state.read(self.settings, ui_state.CURRENT_TAB, 0))
        except (TypeError, ValueError):
            tab = 0
        self.tabs.setCurrentIndex(tab if 0 <= tab < self.tabs.count() else 0)

    def save_layout(self) -> None:
        ui_state.write(self.settings, ui_state.GEOMETRY, self.saveGeometry())
        ui_state.write(self.settings, ui_state.STATE, self.saveState())
        ui_state.write(self.settings, ui_state.CURRENT_TAB, self.tabs.currentIndex())
        ui_state.write(self.settings, ui_state.MY_WORK_HEADER, self.my_work.header_state())
        ui_state.write(self.settings, ui_state.BUREAU_HEADER, self.bureau.header_state())
        ui_state.write(self.settings, ui_state.SEARCH_HEADER, self.search.table.horizontalHeader().saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self.garbage_collector.stop()
        super().closeEvent(event)
