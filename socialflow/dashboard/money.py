"""Showing money: integer minor units and a currency code in, a readable amount out (never float maths)."""

from decimal import Decimal

from django.conf import settings

SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£"}


def dashboard_currency() -> str:
    """The currency the dashboard reports in: the platform's first supported currency."""
    return settings.SUPPORTED_CURRENCIES[0].lower()


def format_money(minor: int, currency: str) -> str:
    """1234, "usd" → "$12.34"; -500, "eur" → "-€5.00"; unknown currencies get their code."""
    amount = Decimal(int(minor)) / 100
    sign = "-" if amount < 0 else ""
    symbol = SYMBOLS.get(currency.lower())
    if symbol:
        return f"{sign}{symbol}{abs(amount):,.2f}"
    return f"{sign}{abs(amount):,.2f} {currency.upper()}"


def money_formatter(currency: str):
    return lambda minor: format_money(minor, currency)


def parse_money(text: str) -> int:
    """ "12.5" → 1250 minor units; raises ValueError for anything that is not a positive amount."""
    value = Decimal(str(text).strip())
    if value <= 0 or value != value.quantize(Decimal("0.01")):
        raise ValueError("Enter a positive amount with at most two decimals.")
    return int(value * 100)
