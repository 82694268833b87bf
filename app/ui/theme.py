"""Colours and type: calm, high contrast (WCAG AA with margin), legible from two metres.

Colours follow the Dutch government's calm blue with white; the waiting-room display is
dark so it does not glare across the hall. Screens take their style sheet from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True)
class Colours:
    background: str
    surface: str
    text: str
    muted: str
    primary: str
    on_primary: str
    accent: str
    on_accent: str
    danger: str
    warning_bg: str
    warning_text: str
    disabled_bg: str
    disabled_text: str
    border: str


LIGHT = Colours(
    background="#F3F5F8",
    surface="#FFFFFF",
    text="#121A24",  # 16:1 on white
    muted="#3E4A59",  # 8.9:1 on white
    primary="#154273",  # rijksblauw, 10:1 with white
    on_primary="#FFFFFF",
    accent="#FFB612",
    on_accent="#121A24",
    danger="#A3001B",
    warning_bg="#FFF1C7",
    warning_text="#3D2B00",
    disabled_bg="#DDE1E6",
    disabled_text="#4A5562",  # 6:1 on its background: "gesloten" must still be readable
    border="#8793A1",
)

DARK = Colours(
    background="#0D1821",
    surface="#16263A",
    text="#F4F7FA",
    muted="#B9C6D3",
    primary="#2A5C94",
    on_primary="#FFFFFF",
    accent="#FFD34D",
    on_accent="#0D1821",
    danger="#FF8A8A",
    warning_bg="#5C4300",
    warning_text="#FFF1C7",
    disabled_bg="#22313F",
    disabled_text="#B9C6D3",
    border="#4A6077",
)

FONT_FAMILY = "Noto Sans, DejaVu Sans, Segoe UI, Arial, sans-serif"
BASE_POINT_SIZE = 14


def apply_base(app: QApplication) -> None:
    """Application-wide font and palette; screens add their own style sheet on top."""
    font = QFont()
    font.setFamilies(["Noto Sans", "DejaVu Sans", "Segoe UI", "Arial"])
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    palette = QPalette()
    c = LIGHT
    palette.setColor(QPalette.ColorRole.Window, QColor(c.background))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(c.text))
    palette.setColor(QPalette.ColorRole.Base, QColor(c.surface))
    palette.setColor(QPalette.ColorRole.Text, QColor(c.text))
    palette.setColor(QPalette.ColorRole.Button, QColor(c.surface))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(c.text))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(c.primary))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor(c.on_primary))
    app.setPalette(palette)


def common_style(c: Colours) -> str:
    """Shared pieces: the offline banner, the error area, focus rings."""
    return f"""
    QLabel#offlineBanner {{
        background: {c.warning_bg}; color: {c.warning_text}; font-size: 22px; font-weight: 600;
        padding: 14px 20px; border-bottom: 3px solid {c.warning_text};
    }}
    QLabel#errorArea {{
        background: {c.surface}; color: {c.danger}; font-size: 20px; font-weight: 600;
        padding: 12px 16px; border: 2px solid {c.danger}; border-radius: 6px;
    }}
    QPushButton:focus, QComboBox:focus, QLineEdit:focus, QCheckBox:focus {{
        outline: none; border: 3px solid {c.accent};
    }}
    """


def kiosk_css(c: Colours) -> str:
    return f"""
    QWidget#kioskRoot {{ background: {c.background}; color: {c.text}; font-family: {FONT_FAMILY}; }}
    QLabel#kioskTitle {{ font-size: 56px; font-weight: 700; color: {c.text}; }}
    QLabel#kioskSubtitle {{ font-size: 30px; color: {c.muted}; }}
    QLabel#kioskFooter {{ font-size: 24px; color: {c.muted}; }}
    QPushButton#serviceButton {{
        background: {c.primary}; color: {c.on_primary}; border: none; border-radius: 16px;
        padding: 0; text-align: left; font-size: 40px; font-weight: 700;
    }}
    QPushButton#serviceButton:pressed {{ background: {c.text}; }}
    QPushButton#serviceButton:disabled {{
        background: {c.disabled_bg}; color: {c.disabled_text}; font-weight: 600;
    }}
    QPushButton#serviceButton:focus {{ border: 5px solid {c.accent}; }}
    QLabel#serviceName {{ font-size: 40px; font-weight: 700; color: {c.on_primary}; background: transparent; }}
    QLabel#serviceDetail {{ font-size: 30px; color: {c.on_primary}; background: transparent; }}
    QLabel#serviceName:disabled, QLabel#serviceDetail:disabled {{ color: {c.disabled_text}; }}
    QLabel#ticketCaption {{ font-size: 34px; color: {c.muted}; }}
    QLabel#ticketNumber {{ font-size: 230px; font-weight: 800; color: {c.primary}; }}
    QLabel#ticketService {{ font-size: 44px; font-weight: 700; }}
    QLabel#ticketFact {{ font-size: 34px; }}
    QLabel#ticketHint {{
        font-size: 36px; font-weight: 700; background: {c.primary}; color: {c.on_primary};
        padding: 18px; border-radius: 12px;
    }}
    QLabel#printFailed {{
        font-size: 34px; font-weight: 700; background: {c.warning_bg}; color: {c.warning_text};
        padding: 18px; border: 3px solid {c.warning_text}; border-radius: 12px;
    }}
    QPushButton#doneButton {{
        background: {c.surface}; color: {c.primary}; border: 3px solid {c.primary}; border-radius: 14px;
        padding: 24px 40px; font-size: 38px; font-weight: 700; min-width: 420px;
    }}
    """


def balie_css(c: Colours) -> str:
    return f"""
    QWidget#balieRoot {{ background: {c.background}; color: {c.text}; font-family: {FONT_FAMILY}; font-size: 18px; }}
    QLabel#screenTitle {{ font-size: 32px; font-weight: 700; }}
    QLabel#fieldLabel {{ font-size: 20px; font-weight: 600; }}
    QLabel#muted {{ color: {c.muted}; font-size: 18px; }}
    QFrame#panel {{ background: {c.surface}; border: 1px solid {c.border}; border-radius: 10px; }}
    QLabel#currentNumber {{ font-size: 108px; font-weight: 800; color: {c.primary}; }}
    QLabel#currentState {{ font-size: 26px; font-weight: 700; }}
    QLabel#currentDetail {{ font-size: 22px; }}
    QLabel#countName {{ font-size: 20px; }}
    QLabel#countValue {{ font-size: 28px; font-weight: 700; }}
    QComboBox, QLineEdit {{
        font-size: 22px; padding: 8px 10px; min-height: 40px; border: 2px solid {c.border};
        border-radius: 6px; background: {c.surface}; color: {c.text};
    }}
    QCheckBox {{ font-size: 20px; }}
    QCheckBox::indicator {{ width: 24px; height: 24px; }}
    QPushButton {{
        font-size: 20px; font-weight: 600; padding: 10px 16px; min-height: 40px; border-radius: 8px;
        background: {c.surface}; color: {c.primary}; border: 2px solid {c.primary};
    }}
    QPushButton[role="primary"] {{ background: {c.primary}; color: {c.on_primary}; }}
    QPushButton:disabled {{ background: {c.disabled_bg}; color: {c.disabled_text}; border-color: {c.disabled_bg}; }}
    """


def display_css(c: Colours) -> str:
    return f"""
    QWidget#displayRoot {{ background: {c.background}; color: {c.text}; font-family: {FONT_FAMILY}; }}
    QLabel#displayTitle {{ font-size: 44px; font-weight: 600; color: {c.muted}; }}
    QLabel#displayClock {{ font-size: 44px; font-weight: 600; color: {c.muted}; }}
    QFrame#newestCall {{ background: {c.surface}; border: 6px solid {c.accent}; border-radius: 24px; }}
    QFrame#newestCall[flash="true"] {{ background: {c.accent}; border-color: {c.accent}; }}
    QLabel#newestNumber {{ font-size: 220px; font-weight: 800; color: {c.text}; }}
    QLabel#newestArrow {{ font-size: 160px; font-weight: 700; color: {c.accent}; }}
    QLabel#newestDesk {{ font-size: 150px; font-weight: 800; color: {c.text}; }}
    QFrame#newestCall[flash="true"] QLabel {{ color: {c.on_accent}; }}
    QLabel#historyCaption {{ font-size: 36px; color: {c.muted}; }}
    QLabel#historyNumber {{ font-size: 84px; font-weight: 700; color: {c.text}; }}
    QLabel#historyDesk {{ font-size: 84px; font-weight: 600; color: {c.muted}; }}
    QLabel#displayEmpty {{ font-size: 64px; color: {c.muted}; }}
    """


def scaled(css: str, scale: float) -> str:
    """Adjustable text size: multiply every font size (a legal duty on the kiosk; it also lets
    the demo fit all screens on one monitor)."""
    if scale == 1.0:
        return css
    return re.sub(r"font-size: (\d+)px", lambda m: f"font-size: {max(10, round(int(m.group(1)) * scale))}px", css)


def kiosk_style(c: Colours = LIGHT, scale: float = 1.0) -> str:
    return scaled(common_style(c) + kiosk_css(c), scale)


def balie_style(c: Colours = LIGHT, scale: float = 1.0) -> str:
    return scaled(common_style(c) + balie_css(c), scale)


def display_style(c: Colours = DARK, scale: float = 1.0) -> str:
    return scaled(common_style(c) + display_css(c), scale)
