"""Test helpers shared by every app: sign in as a persona, and permission matrices.

The personas themselves are pytest fixtures in ``src/chinhquyen/conftest.py`` (``officer_an``,
``leader_binh``, ``admin_giang``, ``citizen_chi`` …); the ``personas`` fixture maps their names
to users (``"anonymous"`` → ``None``).

A permission matrix says, for one endpoint, which HTTP status each persona gets::

    def test_organisation_detail_permissions(client, personas, org_tree):
        url = reverse("directory:organisation_detail", args=[org_tree.dept_a.pk])
        assert_permission_matrix(client, url, {
            "anonymous": LOGIN,            # redirected to the sign-in page
            "officer_an": 200,             # right agency
            "other_agency_official": 404,  # wrong agency: not even told it exists
            "admin_giang": 200,            # system administrator sees all
            "citizen_chi": 403,
        }, personas=personas)

Every persona's request runs in its own savepoint that is rolled back afterwards, so a POST
matrix tries each persona against the same starting state; pass ``unchanged=`` (a callable
returning a snapshot, e.g. ``lambda: Dossier.objects.values_list("status")``) to also assert
that the *denied* personas changed nothing. For pytest parametrisation use
:func:`permission_params` and :func:`request_as`.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client

LOGIN = "login"  # expectation: a redirect to the sign-in page (anonymous on a login page)
ANONYMOUS = "anonymous"


def login_as(client: Client, user, *, otp_device=None) -> Client:
    """Sign ``client`` in as ``user`` (no password round trip).

    With ``otp_device`` the session is also marked as having passed the second factor, as
    ``django_otp.login`` does after a correct code.
    """
    client.logout()
    if user is None:
        return client
    client.force_login(user)
    if otp_device is not None:
        from django_otp import DEVICE_ID_SESSION_KEY

        session = client.session
        session[DEVICE_ID_SESSION_KEY] = otp_device.persistent_id
        session.save()
    return client


@dataclass(frozen=True)
class Outcome:
    persona: str
    expected: int | str
    status: int
    location: str = ""
    state_change: str = ""  # set when a denied request changed the ``unchanged`` snapshot

    @property
    def ok(self) -> bool:
        if self.state_change:
            return False
        if self.expected == LOGIN:
            login_path = resolve_url(settings.LOGIN_URL)
            return self.status == 302 and self.location.startswith(login_path)
        return self.status == self.expected

    def __str__(self) -> str:
        where = f" → {self.location}" if self.location else ""
        change = f" but changed state: {self.state_change}" if self.state_change else ""
        return f"{self.persona}: expected {self.expected}, got {self.status}{where}{change}"


def request_as(
    client: Client,
    user,
    url: str,
    *,
    method: str = "get",
    data: Any = None,
    otp_device=None,
    **extra: Any,
):
    """Sign in as ``user`` (None = anonymous) and send one request; return the response."""
    login_as(client, user, otp_device=otp_device)
    sender = getattr(client, method.lower())
    if data is None:
        return sender(url, **extra)
    return sender(url, data=data, **extra)


def check_permission_matrix(
    client: Client,
    url: str | Callable[[str, Any], str],
    expectations: Mapping[str, int | str],
    *,
    personas: Mapping[str, Any],
    method: str = "get",
    data: Any = None,
    unchanged: Callable[[], Any] | None = None,
    **extra: Any,
) -> list[Outcome]:
    """Try ``url`` as every persona in ``expectations``; return the outcomes (no assert).

    ``url`` may be a callable ``(persona_name, user) -> url`` for per-persona objects.
    Each request runs inside a savepoint that is rolled back, so personas do not see each
    other's changes. ``unchanged`` is evaluated before and after every request whose expected
    status is not 2xx/3xx; a difference is reported as a failure.
    """
    outcomes: list[Outcome] = []
    for name, expected in expectations.items():
        if name not in personas:
            raise KeyError(f"Unknown persona {name!r}; known: {', '.join(sorted(personas))}")
        user = personas[name]
        target = url(name, user) if callable(url) else url
        denied = isinstance(expected, int) and expected >= 400
        with transaction.atomic():
            before = unchanged() if (unchanged and denied) else None
            response = request_as(client, user, target, method=method, data=data, **extra)
            state_change = ""
            if unchanged and denied:
                after = unchanged()
                if before != after:
                    state_change = f"{before!r} → {after!r}"
            outcome = Outcome(
                persona=name,
                expected=expected,
                status=response.status_code,
                location=response.get("Location", ""),
                state_change=state_change,
            )
            transaction.set_rollback(True)
        outcomes.append(outcome)
    client.logout()
    return outcomes


def assert_permission_matrix(
    client: Client,
    url: str | Callable[[str, Any], str],
    expectations: Mapping[str, int | str],
    *,
    personas: Mapping[str, Any],
    method: str = "get",
    data: Any = None,
    unchanged: Callable[[], Any] | None = None,
    **extra: Any,
) -> None:
    """Assert every persona gets its expected status; report all mismatches at once."""
    outcomes = check_permission_matrix(
        client,
        url,
        expectations,
        personas=personas,
        method=method,
        data=data,
        unchanged=unchanged,
        **extra,
    )
    failures = [str(o) for o in outcomes if not o.ok]
    target = url if isinstance(url, str) else getattr(url, "__name__", "url")
    assert not failures, f"{method.upper()} {target}:\n  " + "\n  ".join(failures)


def permission_params(expectations: Mapping[str, int | str]) -> list:
    """``[pytest.param(persona, expected, id=persona), …]`` for ``@pytest.mark.parametrize``."""
    import pytest

    return [pytest.param(name, expected, id=name) for name, expected in expectations.items()]
