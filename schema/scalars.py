"""Custom scalars. ``Decimal`` replaces strawberry's own, which accepts JSON floats.

Money (yuan) and ratios are exact: a float like 0.1 + 0.2 is already wrong before it reaches
the server, so it is refused at the edge and clients send decimal strings ("48000.00").
Integers are exact too and accepted. Errors are GraphQL input-coercion errors, so they stay
readable through the error masking (resolvers.root).
"""

from __future__ import annotations

import decimal

from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.types.scalar import ScalarDefinition, scalar


def _parse_decimal(value: object) -> decimal.Decimal:
    if isinstance(value, float):
        raise StrawberryInputCoercionError(
            f"金额和比例须以十进制字符串提供，不接受浮点数 / Decimal: {value!r} is a float; "
            'send money and ratios as decimal strings, e.g. "48000.00"'
        )
    if isinstance(value, int) and not isinstance(value, bool):
        return decimal.Decimal(value)
    if isinstance(value, str):
        try:
            number = decimal.Decimal(value.strip())
        except decimal.InvalidOperation:
            number = decimal.Decimal("NaN")
        if number.is_finite():
            return number
    raise StrawberryInputCoercionError(
        f'不是有效的十进制数 / Decimal: {value!r} is not a decimal number such as "48000.00"'
    )


DECIMAL: ScalarDefinition = scalar(
    name="Decimal",
    description=(
        "十进制数（金额单位：元；比例为0到1之间的小数），以字符串传递 / exact decimal "
        "(money in yuan, ratios as fractions) as a string; JSON floats are refused"
    ),
    serialize=str,
    parse_value=_parse_decimal,
)

# For StrawberryConfig(scalar_map=...): annotate fields with ``decimal.Decimal``.
SCALAR_MAP: dict[object, ScalarDefinition] = {decimal.Decimal: DECIMAL}
