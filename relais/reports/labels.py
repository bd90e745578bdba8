"""The report's wording in French and English, and numbers, money and dates written the local way.

Every label of the report comes from the one table ``relais.reports.wording.WORDING`` (French and
English side by side). French writes
``12 970`` with a narrow no-break space and ``59,3 %``; English writes ``12,970`` and ``59.3%``.
"""

from __future__ import annotations

import math
from datetime import date, datetime

from relais.reports.wording import WORDING

LANGUAGES = ("fr", "en")
TEXT: dict[str, dict[str, str]] = {
    language: {key: texts[index] for key, texts in WORDING.items()}
    for index, language in enumerate(LANGUAGES)
}
THIN = "\u202f"  # narrow no-break space: French thousands separator
NBSP = "\u00a0"
MINUS = "\u2212"
UP, DOWN, SAME = "▲", "▼", "="
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
MONTHS = {
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}
SHORT_MONTHS = {
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
}


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


class Labels:
    """Translations and formats of one language (``fr`` by default, ``en`` for English)."""

    def __init__(self, language: str = "fr") -> None:
        self.language = "en" if str(language).lower().startswith("en") else "fr"
        self.text = TEXT[self.language]

    def __call__(self, key: str, **values: object) -> str:
        """The label ``key`` in this language, with ``{placeholders}`` filled from ``values``."""
        return self.text[key].format(**values) if values else self.text[key]

    def number(self, value: float | None, digits: int = 0) -> str:
        """A number with thousands separators and ``digits`` decimals; an em dash when missing."""
        if _missing(value):
            return "—"
        text = f"{value:,.{digits}f}"
        if self.language == "fr":
            text = text.replace(",", THIN).replace(".", ",")
        return text.replace("-", MINUS)

    def percent(self, ratio: float | None, digits: int = 1) -> str:
        """A ratio (0.593) as a percentage: ``59,3 %`` in French, ``59.3%`` in English."""
        if _missing(ratio):
            return "—"
        number = self.number(ratio * 100, digits)
        return f"{number}{NBSP}%" if self.language == "fr" else f"{number}%"

    def money(self, value: float | None, currency: str) -> str:
        """An amount rounded to the unit with its currency: ``1 234 €`` / ``€1,234``."""
        if _missing(value):
            return "—"
        symbol = CURRENCY_SYMBOLS.get(currency.upper(), currency)
        number = self.number(value, 0)
        if self.language == "en" and symbol != currency:
            return f"{symbol}{number}"
        return f"{number}{NBSP}{symbol}"

    def score(self, value: float | None) -> str:
        """An ambassador score (0-100) with one decimal."""
        return self.number(value, 1)

    def ratio(self, value: float | None, digits: int = 2) -> str:
        """A plain ratio such as an amplification ratio, ``digits`` decimals."""
        return self.number(value, digits)

    def signed(self, value: float, digits: int = 0) -> str:
        """A change with its sign: ``+3``, ``−1 250``, ``0``."""
        text = self.number(abs(value), digits)
        if round(value, digits) == 0:
            return text
        return f"+{text}" if value > 0 else f"{MINUS}{text}"

    def signed_percent(self, ratio: float, digits: int = 1) -> str:
        """A relative change with its sign: ``+5,6 %``."""
        text = self.percent(abs(ratio), digits)
        if round(ratio * 100, digits) == 0:
            return text
        return f"+{text}" if ratio > 0 else f"{MINUS}{text}"

    def points(self, delta: float, digits: int = 1) -> str:
        """A change of a rate in percentage points: ``+2,1 pts``."""
        return f"{self.signed(delta * 100, digits)}{NBSP}{self('points')}"

    def month_name(self, month: date) -> str:
        """``octobre 2026`` / ``October 2026``."""
        return f"{MONTHS[self.language][month.month - 1]} {month.year}"

    def of_month(self, month: date) -> str:
        """``d'octobre 2026`` / ``de mars 2025`` (French elides before a vowel); ``for October 2026``."""
        name = self.month_name(month)
        if self.language == "en":
            return f"for {name}"
        return f"d'{name}" if name[0] in "aeiouy" else f"de {name}"

    def month_short(self, month: date) -> str:
        """A short label for chart axes: ``oct. 26`` / ``Oct 26``."""
        return f"{SHORT_MONTHS[self.language][month.month - 1]} {month:%y}"

    def day(self, value: date | None) -> str:
        """A calendar day: ``30 oct. 2026`` / ``30 Oct 2026``."""
        if value is None:
            return "—"
        return f"{value.day} {SHORT_MONTHS[self.language][value.month - 1]} {value.year}"

    def long_day(self, value: date) -> str:
        """A calendar day in words: ``1er novembre 2026``, ``31 octobre 2026`` / ``31 October 2026``."""
        day = "1er" if self.language == "fr" and value.day == 1 else str(value.day)
        return f"{day} {MONTHS[self.language][value.month - 1]} {value.year}"

    def moment(self, value: datetime) -> str:
        """A date and time: ``22 novembre 2026 à 12:33`` / ``22 November 2026, 12:33``."""
        day = f"{value.day} {MONTHS[self.language][value.month - 1]} {value.year}"
        return self("at_time", day=day, time=f"{value:%H:%M}")

    def arrow(self, delta: float | None) -> str:
        """▲ for a rise, ▼ for a fall, = when unchanged, nothing when unknown."""
        if delta is None:
            return ""
        return UP if delta > 0 else DOWN if delta < 0 else SAME
