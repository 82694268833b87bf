"""Style of the KCC panels at the desk, on top of the balie style sheet of app.ui.theme."""

from __future__ import annotations

from app.ui.theme import LIGHT, Colours, balie_style, scaled

#: overdue red and handled green, both AA on white
OVERDUE = "#A3001B"
DONE = "#1D6B2E"


def kcc_css(c: Colours) -> str:
    return f"""
    QLabel#currentNumberCompact {{ font-size: 64px; font-weight: 800; color: {c.primary}; }}
    QPushButton#deskAction, QPushButton#compactButton {{ font-size: 16px; padding: 6px 4px; min-height: 34px; }}
    QFrame#article {{ background: {c.surface}; }}
    QLabel#sectionTitle {{ font-size: 22px; font-weight: 700; }}
    QLabel#smallLabel {{ font-size: 16px; font-weight: 600; color: {c.muted}; }}
    QLabel#articleTitle {{ font-size: 26px; font-weight: 700; color: {c.primary}; }}
    QLabel#articleText {{ font-size: 18px; }}
    QLabel#personName {{ font-size: 26px; font-weight: 700; }}
    QLabel#hint {{
        font-size: 18px; font-weight: 600; background: {c.warning_bg}; color: {c.warning_text};
        padding: 8px 12px; border-radius: 6px;
    }}
    QLabel#flag {{
        font-size: 18px; font-weight: 700; background: {c.danger}; color: {c.on_primary};
        padding: 6px 12px; border-radius: 6px;
    }}
    QLabel#inlineError {{ font-size: 16px; font-weight: 600; color: {c.danger}; }}
    QLabel#savedNote {{ font-size: 16px; color: {DONE}; font-weight: 600; }}
    QLabel#deadline {{ font-size: 22px; font-weight: 700; color: {c.primary}; }}
    QPlainTextEdit, QListWidget, QTableWidget, QDateEdit {{
        font-size: 18px; border: 2px solid {c.border}; border-radius: 6px; background: {c.surface};
        color: {c.text};
    }}
    QDateEdit, QSpinBox {{ padding: 6px 8px; min-height: 36px; font-size: 18px; }}
    QPlainTextEdit:focus, QListWidget:focus, QTableWidget:focus, QDateEdit:focus {{
        border: 3px solid {c.accent};
    }}
    QListWidget::item {{ padding: 4px 6px; }}
    QListWidget::item:selected, QTableWidget::item:selected {{ background: {c.primary}; color: {c.on_primary}; }}
    QHeaderView::section {{
        font-size: 16px; font-weight: 700; background: {c.background}; color: {c.text};
        border: none; border-bottom: 2px solid {c.border}; padding: 6px;
    }}
    QTabWidget::pane {{ border: 1px solid {c.border}; border-radius: 8px; background: {c.surface}; top: -1px; }}
    QTabBar::tab {{
        font-size: 15px; font-weight: 600; padding: 8px 7px; margin-right: 2px; color: {c.primary};
        background: {c.background}; border: 1px solid {c.border}; border-bottom: none;
        border-top-left-radius: 6px; border-top-right-radius: 6px;
    }}
    QTabBar::tab:selected {{ background: {c.surface}; color: {c.text}; }}
    QTabBar::tab:focus {{ border: 3px solid {c.accent}; border-bottom: none; }}
    """


def desk_style(c: Colours = LIGHT, scale: float = 1.0) -> str:
    return balie_style(c, scale) + scaled(kcc_css(c), scale)
