"""Checks for the legal accessibility duty: every focusable control has an accessible name."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


def unlabeled_focusable(root: QWidget) -> list[QWidget]:
    """Focusable widgets under (and including) `root` whose accessibleName is empty."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if not widget.accessibleName().strip():
            found.append(widget)
    return found


def describe(widget: QWidget) -> str:
    """For test failures: class, object name and text of a widget."""
    text = getattr(widget, "text", None)
    label = text() if callable(text) else ""
    return f"{type(widget).__name__}(objectName={widget.objectName()!r}, text={label!r})"
