"""The back-office left navigation: a small registry where apps declare their entries.

An app declares its items once, at import time of its ``AppConfig.ready()`` (or of this module
for the foundation items)::

    from chinhquyen.core.navigation import NavItem, register
    from django.utils.translation import gettext_lazy as _

    register(NavItem(_("Dossiers"), "dossiers:list", permission="dossiers.view_dossier",
                     section=SECTION_WORK))

An item is shown to a user when

- ``permission`` is set and ``organisation_scope(user, permission)`` is ALL or non-empty
  (the user holds that permission somewhere in the organisation tree); or
- ``roles`` is set and the user holds one of those roles today (``accounts.scopes.roles_of``,
  delegated roles included), or is a superuser; or
- neither is set: any signed-in member of staff (an official or a system account).

Items whose URL name does not resolve (the app is not installed or not built yet) are left
out, so the navigation never breaks a page; every other error propagates.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from chinhquyen.accounts.scopes import ALL, organisation_scope, roles_of

SECTION_OVERVIEW = _("Overview")
SECTION_DIRECTORY = _("Directory")
SECTION_ADMINISTRATION = _("Administration")
SECTION_ACCOUNT = _("My account")

# Sections in display order; an app may add its own with register_section().
_sections: list = [SECTION_OVERVIEW, SECTION_DIRECTORY, SECTION_ADMINISTRATION, SECTION_ACCOUNT]
_items: list["NavItem"] = []


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None
    roles: Sequence[str] = field(default=())
    section: str = SECTION_OVERVIEW


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    url: str
    current: bool


@dataclass(frozen=True)
class NavSection:
    label: str
    links: list[NavLink]


def register(item: NavItem) -> None:
    """Add ``item`` to the back-office navigation (a second registration of a URL is ignored)."""
    if any(existing.url_name == item.url_name for existing in _items):
        return
    if item.section not in _sections:
        _sections.append(item.section)
    _items.append(item)


def register_section(label: str, *, before: str | None = None) -> None:
    """Declare a section, optionally placed before an existing one."""
    if label in _sections:
        return
    if before is not None and before in _sections:
        _sections.insert(_sections.index(before), label)
    else:
        _sections.append(label)


def registered_items() -> list[NavItem]:
    return list(_items)


def _is_staff_member(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and getattr(user, "kind", "official") != "citizen"
    )


def is_visible(item: NavItem, user, *, scope_cache: dict | None = None) -> bool:
    """True when ``user`` may see ``item`` (see the module docstring for the rule)."""
    if not _is_staff_member(user):
        return False
    if item.permission:
        cache = scope_cache if scope_cache is not None else {}
        if item.permission not in cache:
            cache[item.permission] = organisation_scope(user, item.permission)
        scope = cache[item.permission]
        return scope is ALL or bool(scope)
    if item.roles:
        if user.is_superuser:
            return True
        return bool(roles_of(user) & set(item.roles))
    return True


def _is_current(url: str, path: str, home_url: str) -> bool:
    if url == path:
        return True
    # A section's pages (e.g. an organisation under /directory/organisations/) mark its entry,
    # but the back-office home is only current on itself.
    return url != home_url and url.endswith("/") and path.startswith(url)


def navigation_for(user, path: str) -> list[NavSection]:
    """The sections and links ``user`` may see, with the one for ``path`` marked current."""
    scope_cache: dict = {}
    try:
        home_url = reverse("core:backoffice")
    except NoReverseMatch:
        home_url = ""
    links: dict[str, list[NavLink]] = {}
    for item in _items:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        if not is_visible(item, user, scope_cache=scope_cache):
            continue
        links.setdefault(str(item.section), []).append(
            NavLink(
                label=item.label,
                url_name=item.url_name,
                url=url,
                current=_is_current(url, path, home_url),
            )
        )
    # Only the most specific match is current (e.g. /a/b/ beats /a/).
    current = [link for section in links.values() for link in section if link.current]
    if len(current) > 1:
        best = max(current, key=lambda link: len(link.url))
        links = {
            label: [
                NavLink(link.label, link.url_name, link.url, link is best) if link.current else link
                for link in section
            ]
            for label, section in links.items()
        }
    return [
        NavSection(label=section, links=links[str(section)])
        for section in _sections
        if str(section) in links
    ]


# --- The foundation's own items ---------------------------------------------------------
register(NavItem(_("Back-office home"), "core:backoffice", section=SECTION_OVERVIEW))
register(
    NavItem(
        _("Organisations"),
        "directory:organisations",
        permission="directory.view_organisation",
        section=SECTION_DIRECTORY,
    )
)
register(
    NavItem(
        _("Officials"),
        "directory:officials",
        permission="directory.view_official",
        section=SECTION_DIRECTORY,
    )
)
register(NavItem(_("Administrative units"), "directory:units", section=SECTION_DIRECTORY))
register(
    NavItem(
        _("Import from Excel"),
        "directory:import",
        permission="directory.add_organisation",
        section=SECTION_DIRECTORY,
    )
)
register(NavItem(_("Delegations"), "accounts:delegations", section=SECTION_ADMINISTRATION))
register(
    NavItem(
        _("Audit log"),
        "audit:list",
        permission="audit.view_auditentry",
        section=SECTION_ADMINISTRATION,
    )
)
register(NavItem(_("Two-factor authentication"), "accounts:otp_setup", section=SECTION_ACCOUNT))
