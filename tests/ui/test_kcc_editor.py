"""The redacteur's 'Artikel bewerken' at a balie PC, and that nobody else can edit.

Real KnowledgeService on the test's SQLite store with the real seed; the PASPOORT row of the
curated seed (resources/seed) is the article edited.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from app.balie.article_editor import ArticleEditor
from app.balie.editor_screen import EditorScreen
from app.balie.knowledge_panel import KnowledgePanel
from app.balie.window import BalieWindow
from app.balie.workspace import KccServices
from app.core.staff import PermissionDenied
from app.ui.accessibility import describe, unlabeled_focusable
from app.ui.tasks import SyncTaskRunner
from tests.ui.kcc_setup import ACCOUNTS, parts

PASPOORT = "http://standaarden.overheid.nl/owms/terms/paspoort"
NEW_SUMMARY = "U vraagt een paspoort aan op afspraak. Na 5 werkdagen haalt u het op."


def redactie(make_kcc_desk: Callable[..., BalieWindow]) -> EditorScreen:
    window = make_kcc_desk("pieter", sign_in=False)
    window.sign_in_screen.password_edit.setText(ACCOUNTS["pieter"][2])
    window.sign_in_screen.sign_in_button.click()
    assert window.editor_screen is not None, window.sign_in_screen.error_area.text()
    return window.editor_screen


def open_editor(panel: KnowledgePanel) -> ArticleEditor:
    panel.search("paspoort")
    panel.hits.setCurrentRow(panel.hit_names().index("Paspoort aanvragen"))
    assert panel.product is not None and panel.product.uri == PASPOORT
    panel.edit_button.click()
    assert panel.editor is not None and panel.editor.isVisible()
    return panel.editor


def test_a_redacteur_edits_every_desk_field_and_the_desk_text_follows(
    qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow], kcc: KccServices
) -> None:
    panel = redactie(make_kcc_desk).knowledge_panel
    editor = open_editor(panel)
    assert editor.title.text() == "Artikel bewerken: Paspoort aanvragen"
    editor.summary_edit.setPlainText(NEW_SUMMARY)
    editor.conditions_edit.setPlainText("U staat ingeschreven in onze gemeente.")
    editor.bring_edit.setPlainText("Een pasfoto en uw oude paspoort.")
    editor.delivery_edit.setText("5 werkdagen")
    editor.norm_spin.setValue(5)
    editor.appointment_combo.setCurrentIndex(editor.appointment_combo.findText("Ja, op afspraak"))
    editor.keywords_edit.setText("reisdocument, spoedpaspoort")
    editor.save_button.click()

    assert panel.editor is None and not editor.isVisible()
    assert panel.summary.text() == NEW_SUMMARY
    pieter = kcc.sign_in.sign_in("pieter", ACCOUNTS["pieter"][2])
    stored = kcc.knowledge.get(pieter, PASPOORT)
    assert (stored.samenvatting, stored.voorwaarden, stored.meenemen) == (
        NEW_SUMMARY,
        "U staat ingeschreven in onze gemeente.",
        "Een pasfoto en uw oude paspoort.",
    )
    assert (stored.levertijd, stored.norm_werkdagen, stored.afspraak_nodig) == ("5 werkdagen", 5, True)
    assert stored.trefwoorden == ("reisdocument", "spoedpaspoort")
    assert stored.updated_by == "pieter"
    assert kcc.knowledge.search(pieter, "spoedpaspoort")[0].uri == PASPOORT
    assert kcc.knowledge.service_norm_days(PASPOORT) == 5  # forwarding counts with the new norm


def test_a_refused_field_gets_the_core_message_right_under_it(
    make_kcc_desk: Callable[..., BalieWindow], kcc: KccServices
) -> None:
    panel = redactie(make_kcc_desk).knowledge_panel
    editor = open_editor(panel)
    before = panel.product
    editor.keywords_edit.setText("paspoort, " + "x" * 101)
    editor.save_button.click()
    assert editor.isVisible() and panel.editor is editor  # still open, nothing lost
    error = editor.field_errors["trefwoorden"]
    assert error.isVisible()
    assert error.text() == "Gebruik hoogstens 50 trefwoorden van elk hoogstens 100 tekens."
    assert editor.focusWidget() is editor.keywords_edit
    assert not editor.field_errors["samenvatting"].isVisible()
    pieter = kcc.sign_in.sign_in("pieter", ACCOUNTS["pieter"][2])
    assert kcc.knowledge.get(pieter, PASPOORT) == before
    editor.keywords_edit.setText("paspoort")
    editor.save_button.click()
    assert panel.editor is None  # corrected, saved, closed


def test_a_baliemedewerker_never_sees_the_edit_and_the_core_refuses_anyway(
    qtbot: QtBot, make_kcc_desk: Callable[..., BalieWindow], kcc: KccServices, runner: SyncTaskRunner
) -> None:
    window = make_kcc_desk("anna")
    panel = parts(window)[1].knowledge_panel
    panel.search("paspoort")
    panel.hits.setCurrentRow(panel.hit_names().index("Paspoort aanvragen"))
    assert not panel.use_button.isHidden() and panel.edit_button.isHidden()
    panel.edit()  # e.g. a stray call: no editor for her
    assert panel.editor is None
    product = panel.product
    assert product is not None and window.actor is not None

    # Even an editor built around her account (a screen that forgot to hide it) cannot save.
    editor = ArticleEditor(kcc.knowledge, window.actor, runner, product)
    qtbot.addWidget(editor)
    editor.summary_edit.setPlainText("Door de balie gewijzigd.")
    editor.save_button.click()
    assert editor.error_area.text() == "U heeft geen recht om dit te doen."
    with pytest.raises(PermissionDenied):
        kcc.knowledge.update(window.actor, product)
    assert kcc.knowledge.get(window.actor, PASPOORT).samenvatting == product.samenvatting


def test_the_editor_is_labelled_for_screen_readers_and_fits_the_desk_screen(
    make_kcc_desk: Callable[..., BalieWindow],
) -> None:
    screen = redactie(make_kcc_desk)
    missing = [describe(w) for w in unlabeled_focusable(screen)]
    assert missing == [], f"unlabelled on the kennisbank screen: {missing}"
    editor = open_editor(screen.knowledge_panel)
    missing = [describe(w) for w in unlabeled_focusable(editor)]
    assert missing == [], f"unlabelled in the editor: {missing}"
    smallest = editor.minimumSizeHint()
    assert smallest.width() <= 1280 and smallest.height() <= 800, smallest
