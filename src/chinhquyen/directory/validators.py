"""Organisation identifiers (domain-vn.md §4.1).

* QCVN 102:2016 code ``V1V2V3.Z1Z2.Y1Y2.MX1X2``: 13 characters, read right to left,
  e.g. ``000.00.12.H37`` is level-2 unit 12 of level-1 body H37.
* Decision 20/2020/QĐ-TTg code: up to 35 characters of digits, capitals and dots, groups
  left to right starting with the level-1 code ``MX1X2`` (M from A to Y), e.g. ``H37.02.02``;
  other organisations use ``Zxy`` followed by an in-scheme code of up to 32 characters.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

QCVN102_PATTERN = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
DECISION20_PATTERN = re.compile(r"^(?:[A-Y]\d{2}(?:\.[0-9A-Z]+)*|Z\d{2}\.?[0-9A-Z.]{1,32})$")


def validate_qcvn102_code(value: str) -> None:
    if not QCVN102_PATTERN.match(value or ""):
        raise ValidationError(
            _(
                "“%(value)s” is not a QCVN 102:2016 organisation code: expected 13 characters "
                "like 000.00.12.H37 (mã định danh phải gồm 13 ký tự, dạng 000.00.12.H37)."
            ),
            code="invalid_qcvn102",
            params={"value": value},
        )


def validate_decision20_code(value: str) -> None:
    if not value or len(value) > 35 or not DECISION20_PATTERN.match(value) or ".." in value:
        raise ValidationError(
            _(
                "“%(value)s” is not a Decision 20/2020 identifier: up to 35 digits, capitals "
                "and dots, starting with a level-1 code like H37 (mã định danh theo QĐ "
                "20/2020 tối đa 35 ký tự, bắt đầu bằng mã cấp 1, ví dụ H37.02.02)."
            ),
            code="invalid_decision20",
            params={"value": value},
        )


def qcvn102_level1(value: str) -> str:
    """The level-1 body part (``MX1X2``) of a QCVN 102 code."""
    return value.rsplit(".", 1)[-1]
