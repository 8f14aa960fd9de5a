"""Checks of days, instants and their order."""

from __future__ import annotations

from datetime import date, datetime

from services.validation.collector import ErrorCollector


class TimeChecks(ErrorCollector):
    def aware(
        self, field: str, value: datetime | None, *, required: bool = True
    ) -> datetime | None:
        if value is None:
            if required:
                self.required(field, value)
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            self.fail(
                "TIMEZONE_REQUIRED",
                field,
                "时间必须带时区（例如 +08:00）",
                "must carry a time zone offset (e.g. +08:00)",
            )
            return None
        return value

    def in_order(
        self,
        earlier_field: str,
        earlier: date | datetime | None,
        later_field: str,
        later: date | datetime | None,
        *,
        code: str = "DATE_ORDER",
        rule: str | None = None,
        allow_equal: bool = True,
    ) -> bool:
        """``later`` must not come before ``earlier``; the error is reported on ``later``."""
        if earlier is None or later is None:
            return True
        wrong = later < earlier if allow_equal else later <= earlier
        if wrong:
            self.fail(
                code,
                later_field,
                f"不能早于{earlier_field}",
                f"must not be before {earlier_field}",
                rule=rule,
            )
            return False
        return True

    def not_future(
        self,
        field: str,
        value: date | None,
        today: date,
        *,
        code: str = "DATE_IN_FUTURE",
        rule: str | None = None,
    ) -> bool:
        """A day on which something already happened may not lie after ``today``.

        ``today`` is passed in (the request's calendar day in China), never read here.
        """
        if value is None or value <= today:
            return True
        self.fail(
            code,
            field,
            f"不能晚于今天（{today.isoformat()}）",
            f"must not be after today ({today.isoformat()})",
            rule=rule,
        )
        return False

    def day(self, field: str, value: date | None, *, required: bool = True) -> date | None:
        """A calendar day. A ``datetime`` is a ``date`` subclass and is refused: its time and
        zone would be silently dropped by a DATE column."""
        if value is None:
            if required:
                self.required(field, value)
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            self.fail(
                "NOT_A_DATE",
                field,
                "应为日期（如 2024-03-01），不含时间",
                "must be a calendar date (e.g. 2024-03-01) without a time",
            )
            return None
        return value
