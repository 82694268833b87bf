"""Kennisbank at the desk: search as you type, pick a product, read the article, use it.

A redacteur (KNOWLEDGE_EDIT) also gets 'Artikel bewerken'; an article saved anywhere is shown
again here when it is open (KnowledgeChanged).

Searching runs on the task runner after a short pause in typing (debounce), so a fast typist
causes one search, not six; an answer that arrives after a newer question is dropped.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.balie.article_editor import ArticleEditor
from app.balie.dutch import local_today
from app.core.clock import Clock
from app.core.errors import LoketError
from app.core.events import KnowledgeChanged
from app.core.kcc.knowledge import KnowledgeService, Product, SearchHit, fee_on
from app.core.printing import euro
from app.core.staff import Actor, Permission
from app.ui.tasks import TaskRunner
from app.ui.widgets import ErrorArea

log = logging.getLogger(__name__)

#: pause in typing before a search starts (milliseconds)
DEBOUNCE_MS = 150
HIT_LIMIT = 12


class KnowledgePanel(QWidget):
    #: the clerk chose to record this article on the contact (Product)
    article_used = Signal(object)
    #: an article is shown (Product)
    article_shown = Signal(object)

    def __init__(
        self, knowledge: KnowledgeService, actor: Actor, clock: Clock, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._knowledge = knowledge
        self._actor = actor
        self._clock = clock
        self._runner = runner
        self._asked = 0  # number of the newest question; older answers are dropped
        self.product: Product | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(12)

        left = QVBoxLayout()
        self.search_label = QLabel()
        self.search_label.setObjectName("smallLabel")
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.search_label.setBuddy(self.search_edit)
        self.hits = QListWidget()
        self.hits.setWordWrap(True)
        self.hits.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.hits.setMinimumWidth(260)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("muted")
        self.empty_label.setWordWrap(True)
        left.addWidget(self.search_label)
        left.addWidget(self.search_edit)
        left.addWidget(self.hits, 1)
        left.addWidget(self.empty_label)
        layout.addLayout(left, 2)

        article = QFrame()
        article.setObjectName("article")
        article_layout = QVBoxLayout(article)
        article_layout.setContentsMargins(4, 0, 4, 0)
        self.title = QLabel()
        self.title.setObjectName("articleTitle")
        self.title.setWordWrap(True)
        self.summary = self._text()
        self.facts: dict[str, tuple[QLabel, QLabel]] = {}
        article_layout.addWidget(self.title)
        article_layout.addWidget(self.summary)
        # What a citizen asks first (cost, appointment, how long) above the longer texts.
        for key in ("leges", "afspraak", "levertijd", "meenemen", "voorwaarden"):
            caption = QLabel()
            caption.setObjectName("smallLabel")
            value = self._text()
            self.facts[key] = (caption, value)
            article_layout.addWidget(caption)
            article_layout.addWidget(value)
        article_layout.addStretch(1)
        self.article_area = QScrollArea()
        self.article_area.setWidgetResizable(True)
        self.article_area.setFrameShape(QFrame.Shape.NoFrame)
        self.article_area.setWidget(article)
        right = QVBoxLayout()
        right.addWidget(self.article_area, 1)
        self.use_button = QPushButton()
        self.use_button.setProperty("role", "primary")
        self.use_button.setEnabled(False)
        self.edit_button = QPushButton()
        self.edit_button.setEnabled(False)
        # Only a redacteur sees it; the core refuses anyone else all the same.
        self.may_edit = actor.may(Permission.KNOWLEDGE_EDIT)
        self.editor: ArticleEditor | None = None
        self.error_area = ErrorArea()
        right.addWidget(self.error_area)
        actions = QHBoxLayout()
        actions.addWidget(self.edit_button)
        actions.addWidget(self.use_button, 1)
        right.addLayout(actions)
        layout.addLayout(right, 3)
        # After they have a parent: showing a parentless widget would open it as a window.
        self.edit_button.setVisible(self.may_edit)
        self.use_button.setVisible(actor.may(Permission.CONTACT_REGISTER))

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._search_now)
        self.search_edit.textChanged.connect(lambda _text: self._timer.start())
        self.search_edit.returnPressed.connect(self._open_first)
        # Enter on a hit goes to 'Gebruik in contact'; the article is already opening.
        self.hits.itemActivated.connect(lambda _item: self.use_button.setFocus())
        self.hits.currentItemChanged.connect(lambda item, _prev: self._open_item(item) if item else None)
        self.use_button.clicked.connect(self._use)
        self.edit_button.clicked.connect(self.edit)
        self.retranslate_ui()
        self._show_article(None)

    @staticmethod
    def _text() -> QLabel:
        label = QLabel()
        label.setObjectName("articleText")
        label.setWordWrap(True)
        return label

    def retranslate_ui(self) -> None:
        self.search_label.setText("&Zoeken in de kennisbank")
        self.search_edit.setAccessibleName("Zoeken in de kennisbank")
        self.search_edit.setPlaceholderText("Bijvoorbeeld: paspoort, verhuizen, parkeren")
        self.hits.setAccessibleName("Gevonden producten")
        self.article_area.setAccessibleName("Kennisbankartikel")
        self.use_button.setText("Gebruik in contact")
        self.use_button.setAccessibleName("Dit artikel gebruiken in het klantcontact")
        self.edit_button.setText("Artikel bewerken")
        self.edit_button.setAccessibleName("Dit artikel bewerken (redacteur)")
        captions = {
            "voorwaarden": "Voorwaarden",
            "meenemen": "Wat neemt de inwoner mee?",
            "levertijd": "Levertijd",
            "afspraak": "Afspraak nodig?",
            "leges": "Leges (vandaag)",
        }
        for key, (caption, _value) in self.facts.items():
            caption.setText(captions[key])

    # --- searching ----------------------------------------------------------------------

    def search(self, text: str) -> None:
        """Put `text` in the box and search at once (e.g. from the contact's subject)."""
        self.search_edit.setText(text)
        self._timer.stop()
        self._search_now()

    def _search_now(self) -> None:
        query = self.search_edit.text().strip()
        self._asked += 1
        asked = self._asked
        if not query:
            self._show_hits(asked, [])
            return
        knowledge, actor = self._knowledge, self._actor
        self._runner.run(
            lambda: knowledge.search(actor, query, HIT_LIMIT),
            lambda hits: self._show_hits(asked, hits),
            self.error_area.show_error,
        )

    def _show_hits(self, asked: int, hits: list[SearchHit]) -> None:
        if asked != self._asked:
            return  # a newer question is on its way
        self.error_area.clear_error()
        self.hits.blockSignals(True)
        self.hits.clear()
        for hit in hits:
            item = QListWidgetItem(hit.naam)
            item.setData(Qt.ItemDataRole.UserRole, hit.uri)
            item.setToolTip(hit.snippet)
            self.hits.addItem(item)
        self.hits.blockSignals(False)
        query = self.search_edit.text().strip()
        self.empty_label.setText("" if hits or not query else "Niets gevonden. Probeer een ander woord.")
        self.empty_label.setVisible(bool(self.empty_label.text()))

    def hit_names(self) -> list[str]:
        return [self.hits.item(i).text() for i in range(self.hits.count())]

    # --- the article ----------------------------------------------------------------------

    def _open_first(self) -> None:
        self._timer.stop()
        if self.hits.count() == 0:
            self._search_now()
        if self.hits.count():
            self.hits.setCurrentRow(0)
            self.hits.setFocus()

    def _open_item(self, item: QListWidgetItem) -> None:
        self.open(str(item.data(Qt.ItemDataRole.UserRole)))

    def open(self, uri: str) -> None:
        knowledge, actor = self._knowledge, self._actor
        self._runner.run(lambda: knowledge.get(actor, uri), self._show_article, self._failed)

    def _failed(self, error: LoketError) -> None:
        self.error_area.show_error(error)

    def _show_article(self, product: Product | None) -> None:
        self.product = product
        self.use_button.setEnabled(product is not None)
        self.edit_button.setEnabled(product is not None)
        if product is None:
            self.title.setText("Kies een product")
            self.summary.setText("Zoek links een product. Het artikel staat dan hier, met de leges van vandaag.")
            for caption, value in self.facts.values():
                caption.hide()
                value.hide()
            return
        self.error_area.clear_error()
        self.title.setText(product.naam)
        self.summary.setText(product.samenvatting or "Voor dit product is nog geen uitleg geschreven.")
        today = local_today(self._clock)
        fees = fee_on(product, today)
        afspraak = {True: "Ja, op afspraak", False: "Nee, vrije inloop", None: "Onbekend"}[product.afspraak_nodig]
        values = {
            "voorwaarden": product.voorwaarden,
            "meenemen": product.meenemen,
            "levertijd": product.levertijd,
            "afspraak": afspraak,
            "leges": "\n".join(f"{fee.omschrijving}: {euro(fee.amount_cents)}" for fee in fees),
        }
        if not fees and product.fees:
            values["leges"] = "Geen tarief bekend dat vandaag geldt."
        for key, (caption, value) in self.facts.items():
            value.setText(values[key])
            caption.setVisible(bool(values[key]))
            value.setVisible(bool(values[key]))
        self.article_shown.emit(product)

    def _use(self) -> None:
        if self.product is not None:
            self.article_used.emit(self.product)

    # --- editing (redacteur) --------------------------------------------------------------

    def edit(self) -> None:
        """Open the editor on the article shown."""
        if self.product is None or not self.may_edit:
            return
        editor = ArticleEditor(self._knowledge, self._actor, self._runner, self.product, self)
        editor.setStyleSheet(self.window().styleSheet())
        editor.article_saved.connect(self._show_article)
        editor.finished.connect(lambda _result: self._editor_closed(editor))
        self.editor = editor
        editor.open()

    def _editor_closed(self, editor: ArticleEditor) -> None:
        if self.editor is editor:
            self.editor = None
        editor.deleteLater()

    def article_changed(self, event: KnowledgeChanged) -> None:
        """An article was saved somewhere: show the new text if it is the one open here."""
        if self.product is not None and self.product.uri == event.uri:
            self.open(event.uri)
