"""Vietnamese phone numbers, written the way people type them."""

import re


def normalise_phone(value: str) -> str:
    """A Vietnamese phone number as ``0xxxxxxxxx``: spaces, dots, dashes and brackets dropped,
    ``+84``/``84`` turned into ``0``. Returns what it got (stripped) if it does not look like one;
    callers validate the result."""
    phone = re.sub(r"[\s.()-]", "", str(value or ""))
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    elif phone.startswith("84") and len(phone) in (11, 12):
        phone = "0" + phone[2:]
    return phone
