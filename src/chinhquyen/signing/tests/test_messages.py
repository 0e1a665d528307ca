"""Signing messages are marked for ``makemessages`` and rendered in Vietnamese, then English."""

import ast
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from chinhquyen.signing import errors
from chinhquyen.signing.errors import KeyUnavailableError, bilingual

PACKAGE = Path(errors.__file__).parent
MESSAGE_TAKERS = {"bilingual"} | {
    name
    for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, errors.SigningError)
}


def _unmarked_messages():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in MESSAGE_TAKERS
                and node.args
                and isinstance(node.args[0], ast.Constant | ast.JoinedStr | ast.BinOp)
            ):
                yield f"{path.relative_to(PACKAGE)}:{node.lineno}"


def test_every_signing_message_is_marked_so_makemessages_finds_it():
    # A bare "…" msgid is translated at raise time but never reaches the catalogue.
    assert list(_unmarked_messages()) == []


def test_a_lazy_message_is_rendered_in_vietnamese_then_english():
    message = _("The file is larger than 50 MB.")

    assert bilingual(message) == "Tệp lớn hơn 50 MB. (The file is larger than 50 MB.)"
    assert KeyUnavailableError(message).message == bilingual(message)
