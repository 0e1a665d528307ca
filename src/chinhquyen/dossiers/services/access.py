"""Who may act on a dossier: permissions per agency, the role of a process step."""

from django.utils import translation

from chinhquyen.accounts.choices import UserKind
from chinhquyen.accounts.scopes import ALL, grants_of, is_system_admin, organisation_scope


def bilingual(message, **params) -> str:
    """A translatable message rendered in Vietnamese and in English: "vi / en"."""
    texts = []
    for language in ("vi", "en"):
        with translation.override(language):
            text = str(message)
            texts.append(text % params if params else text)
    if texts[0] == texts[1]:
        return texts[1]
    return f"{texts[0]} / {texts[1]}"


def covers(scope_path: str, agency_path: str) -> bool:
    """A grant at ``scope_path`` covers an agency inside it, and a unit inside the agency
    acts for it (a specialist of a division works on the department's dossiers)."""
    return agency_path.startswith(scope_path) or scope_path.startswith(agency_path)


def holds_permission(user, perm: str, agency) -> bool:
    """``user`` holds ``perm`` (e.g. ``"dossiers.process_dossier"``) for ``agency``."""
    scope = organisation_scope(user, perm)
    if scope is ALL:
        return True
    return any(covers(path, agency.path) for path in scope)


def holds_role(user, role: str, agency) -> bool:
    """``user`` holds ``role`` today at ``agency`` (or in a unit of it, or above it)."""
    if is_system_admin(user):
        return True
    if user is None or not user.is_authenticated:
        return False
    return any(r == role and covers(path, agency.path) for r, path in grants_of(user).pairs)


def is_citizen(user) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and getattr(user, "kind", UserKind.OFFICIAL) == UserKind.CITIZEN
    )


def access_dossier(user, pk, action: str = "view", queryset=None):
    """Fetch a dossier the user may see (404 otherwise) and check ``action`` (403)."""
    from chinhquyen.core.authz import access_object
    from chinhquyen.dossiers.models import Dossier

    return access_object(
        queryset if queryset is not None else Dossier.objects.all(), user, pk, action
    )
