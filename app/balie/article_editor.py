"""'Artikel bewerken': a redacteur changes the desk text of one knowledge-base article.

Only what a redacteur writes is here (B1 summary, conditions, what to bring, delivery, norm,
appointment, keywords); the name and UPL URI are the catalogue's, fees have their own dated rows.
The core checks the right and the input (KnowledgeService.update); a refused field gets its
message right under it.
"""

from __future__ import annotations

import dataclasses
import logging

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import LoketError
from app.core.kcc.knowledge import MAX_NORM_DAYS, KnowledgeService, Product
from app.core.staff import Actor
from app.ui.tasks import TaskRunner
from app.ui.widgets import ErrorArea

log = logging.getLogger(__name__)

NO_NORM = -1  # the spin box's "geen norm" (the delivery text counts no working days)
AFSPRAAK = ((True, "Ja, op afspraak"), (False, "Nee, vrije inloop"), (None, "Onbekend"))
#: (field of Product / ProductInvalid.field, caption with mnemonic, accessible name)
FIELDS = (
    ("samenvatting", "&Samenvatting (B1)", "Samenvatting in eenvoudige taal (B1)"),
    ("voorwaarden", "&Voorwaarden", "Voorwaarden"),
    ("meenemen", "&Meenemen", "Wat de inwoner meeneemt"),
    ("levertijd", "&Levertijd", "Levertijd"),
    ("norm_werkdagen", "&Norm in werkdagen", "Servicenorm in werkdagen"),
    ("afspraak_nodig", "&Afspraak nodig", "Afspraak nodig"),
    ("trefwoorden", "&Trefwoorden", "Trefwoorden, gescheiden door komma's"),
)


class ArticleEditor(QDialog):
    #: the edit was stored (Product, as the core returned it)
    article_saved = Signal(object)

    def __init__(
        self,
        knowledge: KnowledgeService,
        actor: Actor,
        runner: TaskRunner,
        product: Product,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setModal(True)
        self._knowledge = knowledge
        self._actor = actor
        self._runner = runner
        self.product = product
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(8)
        self.title = QLabel()
        self.title.setObjectName("sectionTitle")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.summary_edit = self._text_box(140)
        self.conditions_edit = self._text_box(90)
        self.bring_edit = self._text_box(90)
        self.delivery_edit = QLineEdit()
        self.norm_spin = QSpinBox()
        self.norm_spin.setRange(NO_NORM, MAX_NORM_DAYS)
        self.norm_spin.setSpecialValueText("geen norm")
        self.appointment_combo = QComboBox()
        for value, text in AFSPRAAK:
            self.appointment_combo.addItem(text, value)
        self.keywords_edit = QLineEdit()
        self.inputs: dict[str, QWidget] = dict(
            zip(
                (f[0] for f in FIELDS),
                (
                    self.summary_edit,
                    self.conditions_edit,
                    self.bring_edit,
                    self.delivery_edit,
                    self.norm_spin,
                    self.appointment_combo,
                    self.keywords_edit,
                ),
                strict=True,
            )
        )
        self.captions: dict[str, QLabel] = {}
        self.field_errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setVerticalSpacing(4)
        for name, widget in self.inputs.items():
            caption = QLabel()
            caption.setObjectName("smallLabel")
            caption.setBuddy(widget)
            error = QLabel()
            error.setObjectName("inlineError")
            error.setWordWrap(True)
            error.hide()
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(widget)
            column.addWidget(error)
            form.addRow(caption, column)
            self.captions[name] = caption
            self.field_errors[name] = error
        layout.addLayout(form)
        self.error_area = ErrorArea()
        layout.addWidget(self.error_area)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton()
        self.save_button = QPushButton()
        self.save_button.setProperty("role", "primary")
        self.save_button.setDefault(True)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        self._fill(product)
        self.retranslate_ui()
        self.summary_edit.setFocus()

    @staticmethod
    def _text_box(height: int) -> QPlainTextEdit:
        box = QPlainTextEdit()
        box.setTabChangesFocus(True)
        box.setMinimumHeight(height)
        box.setMaximumHeight(height)
        return box

    def retranslate_ui(self) -> None:
        self.setWindowTitle("Artikel bewerken")
        self.setAccessibleName("Artikel bewerken")
        self.title.setText(f"Artikel bewerken: {self.product.naam}")
        for name, caption, accessible in FIELDS:
            self.captions[name].setText(caption)
            self.inputs[name].setAccessibleName(accessible)
        inner = self.norm_spin.findChild(QLineEdit)  # the spin box's own text field, focusable too
        if inner is not None:
            inner.setAccessibleName("Servicenorm in werkdagen")
        self.summary_edit.setPlaceholderText("Korte zinnen, gewone woorden: wat is het en hoe regelt u het?")
        self.delivery_edit.setPlaceholderText("Bijvoorbeeld: 5 werkdagen")
        self.keywords_edit.setPlaceholderText("Andere woorden die inwoners gebruiken, bv. trouwen, ja-woord")
        self.norm_spin.setSuffix(" werkdagen")
        self.appointment_combo.view().setAccessibleName("Lijst: afspraak nodig ja, nee of onbekend")
        self.cancel_button.setText("Annuleren (Esc)")
        self.cancel_button.setAccessibleName("Bewerken annuleren")
        self.cancel_button.setShortcut(QKeySequence("Esc"))
        self.save_button.setText("Opslaan")
        self.save_button.setAccessibleName("Artikel opslaan")

    def _fill(self, product: Product) -> None:
        self.summary_edit.setPlainText(product.samenvatting)
        self.conditions_edit.setPlainText(product.voorwaarden)
        self.bring_edit.setPlainText(product.meenemen)
        self.delivery_edit.setText(product.levertijd)
        self.delivery_edit.setCursorPosition(0)  # show the start of a long text, not its end
        self.norm_spin.setValue(NO_NORM if product.norm_werkdagen is None else product.norm_werkdagen)
        self.appointment_combo.setCurrentIndex([v for v, _t in AFSPRAAK].index(product.afspraak_nodig))
        self.keywords_edit.setText(", ".join(product.trefwoorden))

    def edited(self) -> Product:
        """The article with what is on screen now."""
        norm = self.norm_spin.value()
        return dataclasses.replace(
            self.product,
            samenvatting=self.summary_edit.toPlainText().strip(),
            voorwaarden=self.conditions_edit.toPlainText().strip(),
            meenemen=self.bring_edit.toPlainText().strip(),
            levertijd=self.delivery_edit.text().strip(),
            norm_werkdagen=None if norm == NO_NORM else norm,
            afspraak_nodig=self.appointment_combo.currentData(),
            trefwoorden=tuple(k.strip() for k in self.keywords_edit.text().split(",") if k.strip()),
        )

    def save(self) -> None:
        self._clear_errors()
        self.save_button.setEnabled(False)  # one click, one save
        knowledge, actor, product = self._knowledge, self._actor, self.edited()
        self._runner.run(lambda: knowledge.update(actor, product), self._saved, self.show_error)

    def _saved(self, stored: Product) -> None:
        log.info("artikel opgeslagen door de redacteur")
        self.product = stored
        self.article_saved.emit(stored)
        self.accept()

    def show_error(self, error: LoketError) -> None:
        """At the field the core names, else under the form."""
        self.save_button.setEnabled(True)
        label = self.field_errors.get(str(error.details.get("field", "")))
        if label is None:
            self.error_area.show_error(error)
            return
        label.setText(error.message)
        label.show()
        self.inputs[str(error.details["field"])].setFocus()

    def _clear_errors(self) -> None:
        self.error_area.clear_error()
        for label in self.field_errors.values():
            label.clear()
            label.hide()
