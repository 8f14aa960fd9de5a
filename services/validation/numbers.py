"""Checks of exact decimals: money in yuan, ratios, quantities. Floats are always refused."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from services.validation.collector import ErrorCollector

# Largest amount a Money column (NUMERIC(16, 2)) holds.
_MONEY_LIMIT = Decimal("1e14")


class NumberChecks(ErrorCollector):
    def _exact(
        self,
        field: str,
        value: Decimal | str | int | None,
        *,
        prefix: str,
        places: int,
        what_zh: str,
        what_en: str,
        required: bool,
    ) -> Decimal | None:
        """Parse an exact decimal with at most ``places`` decimals; codes are ``PREFIX_*``."""
        if value is None:
            if required:
                self.required(field, value)
            return None
        if isinstance(value, float | bool):
            self.fail(
                f"{prefix}_NOT_DECIMAL",
                field,
                f"{what_zh}须以十进制字符串或整数提供，不接受浮点数",
                "must be given as a decimal string or integer, never a float",
            )
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            self.fail(f"{prefix}_FORMAT", field, f"{what_zh}格式无效", f"is not a valid {what_en}")
            return None
        exponent = number.as_tuple().exponent
        assert isinstance(exponent, int)  # finite numbers have an integer exponent
        if -exponent > places:
            self.fail(
                f"{prefix}_PRECISION",
                field,
                f"{what_zh}最多保留{places}位小数",
                f"must have at most {places} decimal places",
            )
            return None
        return number

    def money(
        self,
        field: str,
        value: Decimal | str | int | None,
        *,
        allow_negative: bool = False,
        allow_zero: bool = True,
        required: bool = True,
    ) -> Decimal | None:
        """Amounts in yuan with at most two decimal places (fen)."""
        amount = self._exact(
            field,
            value,
            prefix="MONEY",
            places=2,
            what_zh="金额",
            what_en="amount",
            required=required,
        )
        if amount is None:
            return None
        if abs(amount) >= _MONEY_LIMIT:
            self.fail("OUT_OF_RANGE", field, "金额超出允许范围", "is out of the allowed range")
            return None
        if (amount < 0 and not allow_negative) or (amount == 0 and not allow_zero):
            self.fail(
                "MONEY_NOT_POSITIVE" if not allow_zero else "MONEY_NEGATIVE",
                field,
                "金额必须大于零" if not allow_zero else "金额不能为负数",
                "must be greater than zero" if not allow_zero else "must not be negative",
            )
            return None
        return amount.quantize(Decimal("0.01"))

    def ratio(
        self, field: str, value: Decimal | str | None, *, required: bool = True
    ) -> Decimal | None:
        """A fraction in [0, 1] with at most four decimal places (e.g. 0.2000 = 20 %)."""
        ratio = self._exact(
            field,
            value,
            prefix="RATIO",
            places=4,
            what_zh="比例",
            what_en="ratio",
            required=required,
        )
        if ratio is None:
            return None
        if not (Decimal(0) <= ratio <= Decimal(1)):
            self.fail("RATIO_OUT_OF_RANGE", field, "比例应在0到1之间", "must be between 0 and 1")
            return None
        return ratio

    def decimal(
        self,
        field: str,
        value: Decimal | str | int | None,
        *,
        places: int,
        max_digits: int,
        positive: bool = False,
        required: bool = True,
    ) -> Decimal | None:
        """A non-negative quantity (hours, scores) with at most ``places`` decimals.

        ``max_digits`` is the column's precision, so a value that passes always fits.
        """
        number = self._exact(
            field,
            value,
            prefix="NUMBER",
            places=places,
            what_zh="数值",
            what_en="number",
            required=required,
        )
        if number is None:
            return None
        limit = Decimal(10) ** (max_digits - places)
        if abs(number) >= limit:
            self.fail("OUT_OF_RANGE", field, f"数值应小于{limit}", f"must be less than {limit}")
            return None
        if number < 0 or (positive and number == 0):
            self.fail(
                "NOT_POSITIVE" if positive else "NEGATIVE",
                field,
                "必须大于零" if positive else "不能为负数",
                "must be greater than zero" if positive else "must not be negative",
            )
            return None
        return number.quantize(Decimal(1).scaleb(-places))
