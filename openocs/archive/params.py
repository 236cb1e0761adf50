"""Parsing query parameters into typed values, with DRF-shaped 400 errors naming the field."""

from __future__ import annotations

from datetime import UTC, date, datetime

from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import ValidationError

from openocs.web.filters import INTEGER_MAX

TRUE = {"true", "True", "1", "yes", "on", "TRUE"}
FALSE = {"false", "False", "0", "no", "off", "FALSE"}


def as_bool(name: str, value: str) -> bool:
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ValidationError({name: ["Must be a valid boolean."]})


def as_datetime(name: str, value: str) -> datetime:
    text = value.strip().replace(" ", "T", 1)
    parsed: datetime | None = None
    try:
        parsed = parse_datetime(text)
        if parsed is None:
            day = parse_date(text)
            if day is not None:
                parsed = datetime(day.year, day.month, day.day, tzinfo=UTC)
        if parsed is not None:
            # An offset may carry year 9999 or year 1 out of range in UTC (OverflowError).
            parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        raise ValidationError({name: ["Enter a valid date/time."]})
    return parsed


def as_date(name: str, value: str) -> date:
    text = value.strip()
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        parsed = parse_date(text)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ValidationError({name: ["Enter a valid date."]})
    return parsed


def as_int(name: str, value: str) -> int:
    try:
        integer = int(value)
    except ValueError:
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not number.is_integer():
            raise ValidationError({name: ["Enter a number."]}) from None
        integer = int(number)
    if not -INTEGER_MAX - 1 <= integer <= INTEGER_MAX:  # 64-bit columns
        raise ValidationError(
            {name: [f"Ensure this value is between {-INTEGER_MAX - 1} and {INTEGER_MAX}."]}
        )
    return integer


def as_float(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValidationError({name: ["Enter a number."]}) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValidationError({name: ["Enter a number."]})
    return number
