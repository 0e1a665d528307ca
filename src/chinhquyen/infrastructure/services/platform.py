"""Servers and the platform services that run on them; the outage view.

A server (máy chủ) belongs to an agency; a platform service (one-stop, portal, documents,
LGSP, e-mail …) is operated by an agency, runs on one or more servers and is used by every
agency or by a list of them. Marking a server down (with a reason) records when; the outage
view answers "this server is down: which services stop, and for which agencies?".
Changes need ``infrastructure.change_server`` / ``change_platformservice`` for the owning
agency; each is one transaction and one audit entry.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chinhquyen.audit.services import audited_atomic, log_action
from chinhquyen.directory.models import Organisation
from chinhquyen.dossiers.services.access import bilingual
from chinhquyen.infrastructure.choices import ServerStatus
from chinhquyen.infrastructure.errors import InvalidTransition, InventoryInvalid
from chinhquyen.infrastructure.models import PlatformService, Server
from chinhquyen.infrastructure.services.agencies import in_scope

SERVER_FIELDS = ("name", "location", "role", "operating_system", "commissioned_on", "retired_on")
SERVICE_FIELDS = ("code", "name", "name_en", "kind", "description", "used_by_all")


def _server_snapshot(server: Server) -> dict[str, Any]:
    data = {name: getattr(server, name) for name in SERVER_FIELDS}
    data.update(status=server.status, organisation=server.organisation_id)
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in data.items()}


def _check_server_values(values: dict[str, Any], organisation, exclude_pk=None) -> None:
    errors: dict[str, list[str]] = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = [bilingual(_("The server needs a name (nhập tên máy chủ)."))]
    elif (
        Server.objects.filter(organisation=organisation, name=name).exclude(pk=exclude_pk).exists()
    ):
        errors["name"] = [
            bilingual(
                _("The agency already has a server named “%(name)s” (tên máy chủ bị trùng)."),
                name=name,
            )
        ]
    first, last = values.get("commissioned_on"), values.get("retired_on")
    if first and last and last < first:
        errors["retired_on"] = [
            bilingual(
                _(
                    "Retired before it went into service (ngày thôi sử dụng trước ngày đưa "
                    "vào sử dụng)."
                )
            )
        ]
    if errors:
        raise InventoryInvalid(errors)


def save_server(
    *, organisation: Organisation, values: dict[str, Any], acting_user, server: Server | None = None
) -> Server:
    """Add a server to ``organisation`` or update ``server``."""
    if not in_scope(acting_user, "infrastructure.change_server", organisation.path):
        raise PermissionDenied
    if server is not None and not in_scope(
        acting_user, "infrastructure.change_server", server.organisation.path
    ):
        raise PermissionDenied
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    unknown = set(values) - set(SERVER_FIELDS)
    if unknown:
        raise ValueError(f"unknown server fields: {sorted(unknown)}")
    _check_server_values(values, organisation, exclude_pk=server.pk if server else None)
    with audited_atomic():
        before = _server_snapshot(server) if server else None
        if server is None:
            server = Server(organisation=organisation)
        else:
            server = Server.objects.select_for_update().get(pk=server.pk)
            server.organisation = organisation
        for name, value in values.items():
            setattr(server, name, value)
        if server.retired_on and server.retired_on <= timezone.localdate():
            server.status = ServerStatus.RETIRED
        server.save()
        log_action(
            "infrastructure.save_server",
            target=server,
            actor=acting_user,
            before=before,
            after=_server_snapshot(server),
        )
    return server


def set_server_down(server: Server, *, down: bool, acting_user, reason: str = "") -> Server:
    """Mark a server down (sự cố, with a reason) or back in service."""
    if not in_scope(acting_user, "infrastructure.change_server", server.organisation.path):
        raise PermissionDenied
    reason = (reason or "").strip()
    if down and not reason:
        raise InventoryInvalid(
            {"reason": [bilingual(_("Say what happened (nêu nguyên nhân sự cố)."))]}
        )
    with audited_atomic():
        server = Server.objects.select_for_update().get(pk=server.pk)
        expected = ServerStatus.IN_SERVICE if down else ServerStatus.DOWN
        if server.status != expected:
            raise InvalidTransition(
                _("The server is not in service (máy chủ không ở trạng thái hoạt động).")
                if down
                else _("The server is not down (máy chủ không ở trạng thái sự cố).")
            )
        before = _server_snapshot(server)
        server.status = ServerStatus.DOWN if down else ServerStatus.IN_SERVICE
        server.down_since = timezone.now() if down else None
        server.down_reason = reason[:500] if down else ""
        server.save(update_fields=["status", "down_since", "down_reason"])
        log_action(
            "infrastructure.server_down" if down else "infrastructure.server_up",
            target=server,
            actor=acting_user,
            before=before,
            after=_server_snapshot(server),
            details={"reason": reason[:500]},
        )
    return server


def _service_snapshot(service: PlatformService) -> dict[str, Any]:
    data = {name: getattr(service, name) for name in SERVICE_FIELDS}
    data["operator"] = service.operator_id
    if service.pk:
        data["servers"] = sorted(service.servers.values_list("pk", flat=True))
        data["used_by"] = sorted(service.used_by.values_list("pk", flat=True))
    return data


def save_service(
    *,
    operator: Organisation,
    values: dict[str, Any],
    servers: list[Server],
    used_by: list[Organisation],
    acting_user,
    service: PlatformService | None = None,
) -> PlatformService:
    """Create or update a platform service, its servers and the agencies using it."""
    perm = "infrastructure.change_platformservice"
    if not in_scope(acting_user, perm, operator.path):
        raise PermissionDenied
    if service is not None and not in_scope(acting_user, perm, service.operator.path):
        raise PermissionDenied
    unknown = set(values) - set(SERVICE_FIELDS)
    if unknown:
        raise ValueError(f"unknown service fields: {sorted(unknown)}")
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    errors: dict[str, list[str]] = {}
    if not values.get("name"):
        errors["name"] = [bilingual(_("The service needs a name (nhập tên hệ thống)."))]
    code = values.get("code") or ""
    if not code:
        errors["code"] = [bilingual(_("The service needs a code (nhập mã hệ thống)."))]
    elif (
        PlatformService.objects.filter(code=code)
        .exclude(pk=service.pk if service else None)
        .exists()
    ):
        errors["code"] = [
            bilingual(_("The code %(code)s is already used (mã %(code)s đã được dùng)."), code=code)
        ]
    if errors:
        raise InventoryInvalid(errors)
    with audited_atomic():
        before = _service_snapshot(service) if service else None
        if service is None:
            service = PlatformService(operator=operator)
        service.operator = operator
        for name, value in values.items():
            setattr(service, name, value)
        service.save()
        service.servers.set(servers)
        service.used_by.set([] if service.used_by_all else used_by)
        log_action(
            "infrastructure.save_service",
            target=service,
            actor=acting_user,
            before=before,
            after=_service_snapshot(service),
        )
    return service


@dataclass
class AffectedService:
    """A service running on the server looked at. Whether its other servers can carry it
    alone is not recorded (an application server and its database are not redundant), so
    the view lists them with their status and lets the reader judge."""

    service: PlatformService
    other_servers: list[Server]
    agencies: list[Organisation] = field(default_factory=list)
    all_agencies: bool = False


def outage(server: Server) -> list[AffectedService]:
    """The services running on ``server``, their other servers (with their status) and the
    agencies using them (every current agency when the service is used by all)."""
    services = (
        PlatformService.objects.filter(servers=server)
        .select_related("operator")
        .prefetch_related("servers", "used_by")
        .order_by("name")
    )
    result = []
    for service in services:
        others = [s for s in service.servers.all() if s.pk != server.pk]
        result.append(
            AffectedService(
                service=service,
                other_servers=sorted(others, key=lambda s: s.name),
                agencies=sorted(service.used_by.all(), key=lambda o: o.path),
                all_agencies=service.used_by_all,
            )
        )
    return result


def servers_in_service(organisation_ids: list[int] | None, at: datetime.date) -> Q:
    """Filter for servers in service on ``at`` (commissioned by then, not retired)."""
    condition = (Q(commissioned_on__isnull=True) | Q(commissioned_on__lte=at)) & (
        Q(retired_on__isnull=True) | Q(retired_on__gt=at)
    )
    if organisation_ids is not None:
        condition &= Q(organisation_id__in=organisation_ids)
    return condition
