"""Display preferences a visitor chooses without signing in: text size and high contrast.

They are kept in two long-lived cookies, so they are remembered per browser, and applied as
classes on ``<html>`` by :func:`chinhquyen.core.context_processors.preferences`. Nothing here
needs JavaScript: the controls are small POST forms answered by ``core:preferences``.
"""

from dataclasses import dataclass

TEXT_SIZE_COOKIE = "chinhquyen_text_size"
CONTRAST_COOKIE = "chinhquyen_contrast"
COOKIE_MAX_AGE = 365 * 24 * 3600

# Ordered from smallest to largest; "normal" is the default and sets no class.
TEXT_SIZES = ("small", "normal", "large", "x-large")
DEFAULT_TEXT_SIZE = "normal"
CONTRASTS = ("normal", "high")


@dataclass(frozen=True)
class DisplayPreferences:
    text_size: str = DEFAULT_TEXT_SIZE
    high_contrast: bool = False

    @property
    def html_classes(self) -> str:
        classes = []
        if self.text_size != DEFAULT_TEXT_SIZE:
            classes.append(f"text-{self.text_size}")
        if self.high_contrast:
            classes.append("contrast-high")
        return " ".join(classes)

    @property
    def can_shrink(self) -> bool:
        return self.text_size != TEXT_SIZES[0]

    @property
    def can_grow(self) -> bool:
        return self.text_size != TEXT_SIZES[-1]


def read_preferences(cookies) -> DisplayPreferences:
    """The preferences stored in ``cookies``; unknown or tampered values fall back to defaults."""
    text_size = cookies.get(TEXT_SIZE_COOKIE, DEFAULT_TEXT_SIZE)
    if text_size not in TEXT_SIZES:
        text_size = DEFAULT_TEXT_SIZE
    return DisplayPreferences(
        text_size=text_size, high_contrast=cookies.get(CONTRAST_COOKIE) == "high"
    )


def next_text_size(current: str, step: str) -> str:
    """The size after pressing A- (``smaller``), A (``normal``) or A+ (``larger``)."""
    if step == "normal":
        return DEFAULT_TEXT_SIZE
    index = TEXT_SIZES.index(current) if current in TEXT_SIZES else 1
    if step == "smaller":
        index = max(index - 1, 0)
    elif step == "larger":
        index = min(index + 1, len(TEXT_SIZES) - 1)
    return TEXT_SIZES[index]
