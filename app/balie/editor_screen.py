"""The kennisbank for a redacteur at a balie PC: no desk, no queue, the articles to edit.

A redacteur has nothing to do at a desk (no queue, no contacts), so signing in opens no desk;
the window shows this screen instead, with the same search and 'Artikel bewerken'.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.balie.kcc_events import KccEventRelay
from app.balie.knowledge_panel import KnowledgePanel
from app.core.clock import Clock
from app.core.kcc.knowledge import KnowledgeService
from app.core.staff import Actor
from app.ui.tasks import TaskRunner


class EditorScreen(QWidget):
    #: the redacteur pressed Afmelden
    signed_out = Signal()

    def __init__(
        self,
        knowledge: KnowledgeService,
        actor: Actor,
        clock: Clock,
        runner: TaskRunner,
        relay: KccEventRelay | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.actor = actor
        root = QVBoxLayout(self)
        root.setContentsMargins(20, 12, 20, 12)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("screenTitle")
        self.sign_out_button = QPushButton()
        self.sign_out_button.clicked.connect(self.signed_out)
        top.addWidget(self.title, 1)
        top.addWidget(self.sign_out_button)
        root.addLayout(top)
        self.knowledge_panel = KnowledgePanel(knowledge, actor, clock, runner)
        root.addWidget(self.knowledge_panel, 1)
        if relay is not None:
            relay.knowledge_changed.connect(self.knowledge_panel.article_changed)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.title.setText(f"Kennisbank · {self.actor.display_name}")
        self.setAccessibleName("Kennisbank bewerken")
        self.sign_out_button.setText("Afmelden")
        self.sign_out_button.setAccessibleName("Afmelden")
        self.knowledge_panel.retranslate_ui()
