"""The contact's subject: type a few letters, Enter picks the product; or keep free text.

The suggestions are a plain list under the field (not a popup window): it never steals focus,
Up/Down move through it while typing, Enter takes the highlighted product, Esc closes it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.core.kcc.knowledge import KnowledgeService, SearchHit
from app.core.staff import Actor
from app.ui.tasks import TaskRunner

DEBOUNCE_MS = 150
SUGGESTIONS = 6


class SubjectField(QWidget):
    #: a product was picked (SearchHit)
    product_picked = Signal(object)
    #: the text changed by typing (str); a picked product is then let go
    text_edited = Signal(str)

    def __init__(
        self, knowledge: KnowledgeService, actor: Actor, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._knowledge = knowledge
        self._actor = actor
        self._runner = runner
        self._asked = 0
        self._pick_when_ready = False
        self.picked: SearchHit | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QLineEdit()
        self.edit.setMaxLength(200)
        self.suggestions = QListWidget()
        self.suggestions.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps the keyboard
        self.suggestions.hide()
        layout.addWidget(self.edit)
        layout.addWidget(self.suggestions)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._search)
        self.edit.textEdited.connect(self._typed)
        self.edit.installEventFilter(self)
        self.suggestions.itemClicked.connect(self._pick_item)
        self.setFocusProxy(self.edit)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.edit.setAccessibleName("Onderwerp: product of eigen tekst")
        self.edit.setPlaceholderText("Typ een product, bv. pasp, of een eigen onderwerp")
        self.suggestions.setAccessibleName("Voorgestelde producten")

    def text(self) -> str:
        return self.edit.text()

    def set_subject(self, text: str, hit: SearchHit | None = None) -> None:
        """Fill in without searching (a new contact, or a product chosen elsewhere)."""
        self.picked = hit
        self.edit.setText(text)
        self._close()

    def suggestion_names(self) -> list[str]:
        return [self.suggestions.item(i).text() for i in range(self.suggestions.count())]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.suggestions.isVisible():
                    self._pick_current()
                    return True
                if self._timer.isActive():
                    # Typed faster than the pause: search now and take the best product.
                    self._pick_when_ready = True
                    self._timer.stop()
                    self._search()
                    return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.suggestions.isVisible():
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.suggestions.count() - 1, self.suggestions.currentRow() + step))
                self.suggestions.setCurrentRow(row)
                return True
            if key == Qt.Key.Key_Escape and self.suggestions.isVisible():
                self._close()
                return True
        return super().eventFilter(watched, event)

    def _typed(self, text: str) -> None:
        self.picked = None
        self._pick_when_ready = False
        self.text_edited.emit(text)
        self._timer.start()

    def _search(self) -> None:
        query = self.edit.text().strip()
        self._asked += 1
        asked = self._asked
        if len(query) < 2:
            self._show(asked, [])
            return
        knowledge, actor = self._knowledge, self._actor
        # A failed suggestion search is no reason to interrupt typing: free text still works.
        self._runner.run(
            lambda: knowledge.search(actor, query, SUGGESTIONS), lambda hits: self._show(asked, hits), lambda _e: None
        )

    def _show(self, asked: int, hits: list[SearchHit]) -> None:
        if asked != self._asked or self.picked is not None:
            return
        self.suggestions.clear()
        for hit in hits:
            item = QListWidgetItem(hit.naam)
            item.setData(Qt.ItemDataRole.UserRole, hit)
            self.suggestions.addItem(item)
        self.suggestions.setVisible(bool(hits))
        if hits:
            self.suggestions.setCurrentRow(0)
            rows = self.suggestions.sizeHintForRow(0) * len(hits)
            self.suggestions.setFixedHeight(min(rows + 2 * self.suggestions.frameWidth(), 170))
        if self._pick_when_ready:
            self._pick_when_ready = False
            self._pick_current()

    def _pick_current(self) -> None:
        item = self.suggestions.currentItem() or self.suggestions.item(0)
        if item is not None:
            self._pick_item(item)

    def _pick_item(self, item: QListWidgetItem) -> None:
        hit = item.data(Qt.ItemDataRole.UserRole)
        if not isinstance(hit, SearchHit):
            return
        self._timer.stop()
        self.set_subject(hit.naam, hit)
        self.product_picked.emit(hit)

    def _close(self) -> None:
        self._timer.stop()
        self._asked += 1  # an answer still on its way must not reopen the list
        self.suggestions.clear()
        self.suggestions.hide()
