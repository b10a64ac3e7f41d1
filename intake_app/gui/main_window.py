"""The main window: navigation on the left, one page at a time on the right."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from importers.base import ReadError
from intake_app import APP_NAME
from intake_app.core.errors import IntakeError
from intake_app.gui.accessibility import name_controls
from intake_app.gui.dialogs.about_dialog import AboutDialog
from intake_app.gui.dialogs.help import HelpDialog, ShortcutsDialog, shortcut_rows
from intake_app.gui.dialogs.welcome import WelcomeChoice, WelcomeDialog
from intake_app.gui.pages.dashboard import DashboardPage
from intake_app.gui.pages.duplicates import DuplicatesPage
from intake_app.gui.pages.events import EventsPage
from intake_app.gui.pages.export_page import ExportPage
from intake_app.gui.pages.import_page import ImportPage
from intake_app.gui.pages.leads import LeadsPage
from intake_app.gui.pages.reports import ReportsPage
from intake_app.gui.pages.settings import SettingsPage
from intake_app.gui.prompts import Prompts
from intake_app.gui.state import restore_layouts, save_layouts, window_settings
from intake_app.gui.theme import THEMES, apply_theme, chosen_theme, save_theme
from intake_app.services.context import AppContext
from intake_app.services.events import EventService
from intake_app.services.notifications import NotificationRecord
from intake_app.services.samples import SampleService

NAVIGATION = (
    "dashboard", "events", "import", "leads", "duplicates", "reports", "export", "settings",
)  # fmt: skip


class MainWindow(QMainWindow):
    def __init__(
        self, ctx: AppContext, prompts: Prompts | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.prompts = prompts or Prompts()
        self.setWindowTitle(APP_NAME)
        self.resize(1180, 720)

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(180)
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.stack = QStackedWidget()

        self.events_page = EventsPage(ctx, self.prompts)
        self.import_page = ImportPage(ctx, self.prompts)
        self.leads_page = LeadsPage(ctx, self.prompts)
        self.settings_page = SettingsPage(ctx, self.prompts)
        self.duplicates_page = DuplicatesPage(ctx, self.prompts)
        self.dashboard_page = DashboardPage(ctx, self.prompts)
        self.export_page = ExportPage(ctx, self.prompts)
        self.reports_page = ReportsPage(ctx, self.prompts)
        self.pages: dict[str, QWidget] = {}
        built: dict[str, tuple[QWidget, str]] = {
            "dashboard": (self.dashboard_page, "Dashboard"),
            "events": (self.events_page, "Events"),
            "import": (self.import_page, "Import"),
            "leads": (self.leads_page, "Leads"),
            "duplicates": (self.duplicates_page, "Duplicates"),
            "reports": (self.reports_page, "Reports"),
            "export": (self.export_page, "Export"),
            "settings": (self.settings_page, "Settings"),
        }
        for number, key in enumerate(NAVIGATION, start=1):
            page, title = built[key]
            self.pages[key] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setToolTip(f"{title} (Ctrl+{number})")
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)

        self.sample_banner = QFrame()
        self.sample_banner.setObjectName("sampleBanner")
        banner = QHBoxLayout(self.sample_banner)
        banner.setContentsMargins(12, 6, 12, 6)
        banner_text = QLabel(
            "<b>Sample data is loaded.</b> The “(sample)” events and their people are"
            " fictional: try anything on them."
        )
        self.remove_samples_button = QPushButton("Remove sample data")
        self.remove_samples_button.setToolTip(
            "Remove the sample events with their leads, people, merges, stamps and exports"
        )
        banner.addWidget(banner_text, 1)
        banner.addWidget(self.remove_samples_button)
        self.remove_samples_button.clicked.connect(self.remove_samples)

        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.sample_banner)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        outer.addLayout(body, 1)
        self.setCentralWidget(central)

        self.database_label = QLabel(f"Database: {ctx.db.display_name}")
        self.database_label.setObjectName("databaseLabel")
        self.database_label.setToolTip(f"{ctx.db.backend} database in use")
        self.user_label = QLabel(f"User: {ctx.user}")
        self.event_label = QLabel()
        self.event_label.setObjectName("currentEventLabel")
        self.event_label.setToolTip("The event selected on the Events page: files dropped go there")
        self.work_label = QLabel()
        self.work_label.setObjectName("backgroundWorkLabel")
        self.work_label.setToolTip("Work running in the background")
        self.statusBar().addPermanentWidget(self.work_label)
        self.statusBar().addPermanentWidget(self.event_label)
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.database_label)
        self.import_page.work.connect(self._show_work)
        self.events_page.table.selectionModel().selectionChanged.connect(
            lambda *_args: self._show_current_event()
        )
        self.events_page.events_changed.connect(self._refresh_samples)
        self.events_page.status_message.connect(self._flash)
        self.import_page.status_message.connect(self._flash)
        self.events_page.events_changed.connect(self.import_page.reload_events)
        self.import_page.imported.connect(lambda _summary: self.events_page.refresh())
        self.import_page.imported.connect(
            lambda summary: self.leads_page.reload_events(select_id=summary.event_id)
        )
        self.events_page.events_changed.connect(self.leads_page.reload_events)
        self.leads_page.status_message.connect(self._flash)
        self.leads_page.person_erased.connect(lambda _result: self.events_page.refresh())
        self.leads_page.person_erased.connect(lambda _result: self.duplicates_page.mark_stale())
        self.leads_page.person_erased.connect(lambda _result: self.reports_page.mark_stale())
        self.leads_page.person_erased.connect(lambda _result: self.export_page.refresh())
        self.settings_page.status_message.connect(self._flash)
        self.duplicates_page.status_message.connect(self._flash)
        self.duplicates_page.leads_changed.connect(self.leads_page.run_query)
        self.duplicates_page.leads_changed.connect(lambda: self.events_page.refresh())
        self.import_page.imported.connect(lambda _summary: self.duplicates_page.mark_stale())
        self.settings_page.schema_changed.connect(self.leads_page.schema_changed)
        self.settings_page.schema_changed.connect(self.dashboard_page.refresh)
        self.dashboard_page.status_message.connect(self._flash)
        self.dashboard_page.stamps_changed.connect(lambda: self.events_page.refresh())
        self.dashboard_page.notifications_raised.connect(self._notify)
        self.events_page.events_changed.connect(self.dashboard_page.events_changed)
        self.import_page.imported.connect(lambda _summary: self.dashboard_page.events_changed())
        self.export_page.status_message.connect(self._flash)
        self.export_page.exported.connect(lambda _result: self.dashboard_page.events_changed())
        self.export_page.exported.connect(lambda _result: self.events_page.refresh())
        self.events_page.events_changed.connect(self.export_page.reload_events)
        self.import_page.imported.connect(
            lambda summary: self.export_page.reload_events(select_id=summary.event_id)
        )
        self.dashboard_page.stamps_changed.connect(self.export_page.refresh)
        self.dashboard_page.stamps_changed.connect(self.reports_page.mark_stale)
        self.events_page.events_changed.connect(self.reports_page.mark_stale)
        self.import_page.imported.connect(lambda _summary: self.reports_page.mark_stale())
        self.export_page.exported.connect(lambda _result: self.reports_page.mark_stale())
        self.reports_page.status_message.connect(self._flash)
        self.reports_page.reviewed.connect(self.dashboard_page.refresh)
        self.settings_page.governance_changed.connect(self.reports_page.mark_stale)
        self.settings_page.governance_changed.connect(self.dashboard_page.refresh)
        self.about_dialog: AboutDialog | None = None
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(self.windowIcon(), self)
            self.tray.setToolTip(APP_NAME)
            self.tray.messageClicked.connect(lambda: self.show_page("dashboard"))
            self.tray.show()
        self.setAcceptDrops(True)

        self._build_menus()
        self.nav.setAccessibleName("Pages")
        name_controls(self)
        self.show_page("events")
        self._restore_state()
        self._refresh_samples()
        self._show_current_event()

    def _notify(self, notes: list[NotificationRecord]) -> None:
        """New SLA alerts: the tray (where the desktop has one) and the status bar."""
        worst = notes[-1]
        more = f" (+{len(notes) - 1} more)" if len(notes) > 1 else ""
        self._flash(f"SLA: {worst.message}{more}")
        if self.tray is not None:
            icon = (
                QSystemTrayIcon.MessageIcon.Warning
                if worst.kind.value in ("overdue", "escalation", "reassign")
                else QSystemTrayIcon.MessageIcon.Information
            )
            self.tray.showMessage(f"Intake SLA: {worst.kind.label}", worst.message + more, icon)

    def _flash(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        new_event = QAction("&New event…", self)
        new_event.setShortcut(QKeySequence(QKeySequence.StandardKey.New))
        new_event.triggered.connect(self._new_event)
        file_menu.addAction(new_event)
        open_file = QAction("&Import a lead file…", self)
        open_file.setShortcut(QKeySequence(QKeySequence.StandardKey.Open))
        open_file.triggered.connect(self._choose_file)
        file_menu.addAction(open_file)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        edit_menu = self.menuBar().addMenu("&Edit")
        undo = self.leads_page.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        redo = self.leads_page.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence(QKeySequence.StandardKey.Redo))
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        edit_menu.addSeparator()
        self.undo_action, self.redo_action = undo, redo
        # The Leads page's action; from another page it opens the Leads page first.
        erase = self.leads_page.erase_action
        erase.triggered.connect(lambda _checked=False: self.show_page("leads"))
        edit_menu.addAction(erase)
        edit_menu.addSeparator()
        find = QAction("&Filter events", self)
        find.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        find.triggered.connect(self._focus_filter)
        edit_menu.addAction(find)

        view_menu = self.menuBar().addMenu("&View")
        for number, key in enumerate(NAVIGATION, start=1):
            action = QAction(self.nav.item(number - 1).text(), self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _checked=False, k=key: self.show_page(k))
            view_menu.addAction(action)
        refresh = QAction("&Refresh", self)
        refresh.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        refresh.triggered.connect(lambda: self.events_page.refresh())
        refresh.triggered.connect(lambda: self.dashboard_page.refresh())
        view_menu.addSeparator()
        view_menu.addAction(refresh)

        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("&Theme")
        self.theme_actions = QActionGroup(self)
        for code, label in THEMES.items():
            theme = QAction(label, self, checkable=True)
            theme.setData(code)
            theme.setChecked(code == chosen_theme())
            theme.triggered.connect(lambda _checked=False, c=code: self.set_theme(c))
            self.theme_actions.addAction(theme)
            theme_menu.addAction(theme)

        help_menu = self.menuBar().addMenu("&Help")
        screen_help = QAction("&Help for this screen", self)
        screen_help.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        screen_help.triggered.connect(self.show_help)
        help_menu.addAction(screen_help)
        shortcuts = QAction("&Keyboard shortcuts", self)
        shortcuts.setShortcut(QKeySequence("Ctrl+/"))
        shortcuts.triggered.connect(self.show_shortcuts)
        help_menu.addAction(shortcuts)
        welcome = QAction("&Welcome…", self)
        welcome.triggered.connect(self.show_welcome)
        help_menu.addAction(welcome)
        help_menu.addSeparator()
        self.load_samples_action = QAction("&Load sample data", self)
        self.load_samples_action.triggered.connect(self.load_samples)
        help_menu.addAction(self.load_samples_action)
        self.remove_samples_action = QAction("&Remove sample data", self)
        self.remove_samples_action.triggered.connect(self.remove_samples)
        help_menu.addAction(self.remove_samples_action)
        help_menu.addSeparator()
        about = QAction(f"&About {APP_NAME}…", self)
        about.setMenuRole(QAction.MenuRole.AboutRole)
        about.setStatusTip("The version, the database in use, the data and log folders")
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)
        self.about_action = about

    # ------------------------------------------------------------ first run, help, samples

    def maybe_welcome(self) -> None:
        """At a start with no events (the first one), the welcome, unless turned off."""
        if not self.isVisible():
            return  # closed before the event loop came round to it
        wanted = window_settings().value("welcome/show_at_start", True)
        if str(wanted).lower() in ("false", "0"):
            return
        if EventService(self.ctx).list():
            return
        self.show_welcome()

    def show_welcome(self) -> WelcomeChoice:
        wanted = str(window_settings().value("welcome/show_at_start", True)).lower()
        dialog = WelcomeDialog(
            samples_loaded=SampleService(self.ctx).loaded(),
            show_at_start=wanted not in ("false", "0"),
            parent=self,
        )
        self.welcome_dialog = dialog  # reachable from tests while it is open
        dialog.exec()
        dialog.deleteLater()
        settings = window_settings()
        settings.setValue("welcome/show_at_start", dialog.show_check.isChecked())
        settings.sync()
        if dialog.choice is WelcomeChoice.SAMPLES:
            self.load_samples()
        elif dialog.choice is WelcomeChoice.OWN_EVENT:
            self._new_event()
        return dialog.choice

    def load_samples(self) -> None:
        """Load the sample events, then open the import wizard on the badge scan."""
        service = SampleService(self.ctx)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            made = service.create()
        except (IntakeError, ReadError) as exc:  # ReadError: a sample file missing or damaged
            QGuiApplication.restoreOverrideCursor()
            self.prompts.error(self, "Sample data", str(exc))
            return
        QGuiApplication.restoreOverrideCursor()
        self.events_page.refresh()
        self.events_page.events_changed.emit()
        self.dashboard_page.events_changed()
        self.duplicates_page.mark_stale()
        self._refresh_samples()
        if made.to_import:
            path, event_id = made.to_import[0]
            self.events_page.select_event(event_id)
            self.import_file(path)
            self._flash(
                f"Sample data loaded. Import {path.name} into its event: check the mapping,"
                " then Next."
            )

    def remove_samples(self) -> None:
        if not self.prompts.confirm(
            self,
            "Remove sample data",
            "Remove the sample events with their leads, the sample people, their merges,"
            " SLA stamps and exports? Your own events are not touched.",
            "Remove",
        ):
            return
        try:
            removal = SampleService(self.ctx).remove()
        except IntakeError as exc:
            self.prompts.error(self, "Sample data", str(exc))
            return
        self.import_page.reset()
        self.events_page.refresh()
        self.events_page.events_changed.emit()
        self.dashboard_page.events_changed()
        self.duplicates_page.mark_stale()
        self.reports_page.mark_stale()
        self._refresh_samples()
        self._flash(removal.describe())

    def _refresh_samples(self) -> None:
        self._show_current_event()  # the events may have changed under the selection
        loaded = SampleService(self.ctx).loaded()
        self.sample_banner.setVisible(loaded)
        self.load_samples_action.setEnabled(not loaded)
        self.remove_samples_action.setEnabled(loaded)

    def show_help(self) -> None:
        dialog = HelpDialog(self.ctx.schema, self.current_page_key(), self)
        self.help_dialog = dialog  # reachable from tests while it is open
        dialog.exec()
        dialog.deleteLater()

    def show_shortcuts(self) -> None:
        dialog = ShortcutsDialog(shortcut_rows(self, self.pages), self)
        self.shortcuts_dialog = dialog
        dialog.exec()
        dialog.deleteLater()

    def set_theme(self, choice: str) -> None:
        save_theme(choice)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, choice)

    def _show_work(self, text: str) -> None:
        self.work_label.setText(text)

    def _show_current_event(self) -> None:
        record = self.events_page.selected_record()
        self.event_label.setText(f"Event: {record.name}" if record else "")

    def show_page(self, key: str) -> None:
        self.nav.setCurrentRow(NAVIGATION.index(key))

    def current_page_key(self) -> str:
        return NAVIGATION[self.stack.currentIndex()]

    def _new_event(self) -> None:
        self.show_page("events")
        self.events_page.new_event()

    def _choose_file(self) -> None:
        self.show_page("import")
        self.import_page.choose_file()

    def import_file(self, path: Path) -> None:
        """Start the import wizard on ``path`` for the event selected on the Events page."""
        self.show_page("import")
        if not self.import_page.busy():
            self.import_page.reload_events()  # events made elsewhere (CLI, another user)
        selected = self.events_page.selected_record()
        if selected is not None:
            self.import_page.select_event(selected.id)
        self.import_page.open_file(path)

    @staticmethod
    def _dropped_file(mime: QMimeData) -> Path | None:
        files = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
        return Path(files[0]) if len(files) == 1 else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_file(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            self.import_file(path)

    def _focus_filter(self) -> None:
        self.show_page("events")
        self.events_page.focus_filter()

    def show_about(self) -> AboutDialog:
        if self.about_dialog is None:
            self.about_dialog = AboutDialog(self.ctx, self)
        self.about_dialog.open()
        return self.about_dialog

    def _restore_state(self) -> None:
        settings = window_settings()
        geometry = settings.value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        restore_layouts(self, settings)
        header = settings.value("events_table/header")  # kept by earlier versions
        if header is not None and settings.value("layout/eventsTable/header") is None:
            self.events_page.table.horizontalHeader().restoreState(header)
        page = settings.value("main_window/page")
        if isinstance(page, str) and page in NAVIGATION:
            self.show_page(page)

    def save_state(self) -> None:
        settings = window_settings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        save_layouts(self, settings)
        settings.setValue("main_window/page", self.current_page_key())
        settings.sync()

    def shutdown_pages(self) -> None:
        """Stop the pages' timers and wait for their background work to end."""
        self.import_page.shutdown()
        self.dashboard_page.shutdown()
        self.export_page.shutdown()
        self.settings_page.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown_pages()
        self.save_state()
        super().closeEvent(event)
