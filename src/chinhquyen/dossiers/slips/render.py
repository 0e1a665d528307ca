"""Render the one-stop slips to HTML and to PDF (WeasyPrint).

``render_slip(slip)`` returns the PDF bytes; ``render_slip_html(slip)`` the HTML that WeasyPrint
lays out (for tests and debugging: it carries its print CSS inline and is not meant to be served
to browsers under the site's CSP).

The forms come from a *form set*, a versioned list of templates tied to its legal basis
(Circular 01/2018/TT-VPCP by default). A later form set (e.g. Circular 03/2025/TT-VPCP, whose
7-form list is UNCONFIRMED) is added as another ``FormSet`` with its own templates; a dossier
keeps printing with the set in force when it was received. See ``docs/slips.md``.

Rendering never reaches the network: the URL fetcher only serves ``data:`` URIs and files
under the package's ``static`` folders (and ``STATIC_ROOT``). Fonts come from fontconfig
(Liberation Serif, metric-compatible with Times New Roman required by Decree 30/2020).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template import Context, Engine
from django.utils import timezone, translation

from .data import Slip, SlipKind

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # src/chinhquyen
TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"


@dataclass(frozen=True)
class FormSpec:
    """One printed form of a form set."""

    number: str  # printed as "Mẫu số 01"
    template: str
    landscape: bool = False  # A4 landscape (register) instead of A5 portrait


@dataclass(frozen=True)
class FormSet:
    """The forms of one legal instrument, selectable by ``code``."""

    code: str
    legal_basis: str
    effective_from: dt.date
    forms: Mapping[str, FormSpec]


CIRCULAR_01_2018 = FormSet(
    code="tt01-2018",
    legal_basis="Thông tư 01/2018/TT-VPCP",
    effective_from=dt.date(2019, 1, 6),
    forms={
        SlipKind.RECEIPT: FormSpec("01", "dossiers/slips/tt01_2018/01_receipt.html"),
        SlipKind.SUPPLEMENT_REQUEST: FormSpec(
            "02", "dossiers/slips/tt01_2018/02_supplement_request.html"
        ),
        SlipKind.REFUSAL: FormSpec("03", "dossiers/slips/tt01_2018/03_refusal.html"),
        SlipKind.APOLOGY: FormSpec("04", "dossiers/slips/tt01_2018/04_apology.html"),
        SlipKind.CONTROL_SHEET: FormSpec("05", "dossiers/slips/tt01_2018/05_control_sheet.html"),
        SlipKind.REGISTER: FormSpec(
            "06", "dossiers/slips/tt01_2018/06_register.html", landscape=True
        ),
    },
)

FORM_SETS: dict[str, FormSet] = {CIRCULAR_01_2018.code: CIRCULAR_01_2018}
DEFAULT_FORM_SET = CIRCULAR_01_2018.code


class SlipRenderingUnavailable(RuntimeError):
    """WeasyPrint or its system libraries (Pango) are not installed."""


@functools.cache
def _engine() -> Engine:
    """A template engine of its own: site template dirs first (a province may override a
    form), then the slip templates; the ``slips`` filters and ``i18n`` tags are available."""
    site_dirs = [Path(d) for conf in settings.TEMPLATES for d in conf.get("DIRS", [])]
    return Engine(
        dirs=[*site_dirs, TEMPLATES_DIR],
        libraries={
            "i18n": "django.templatetags.i18n",
            "slips": "chinhquyen.dossiers.slips.templatetags",
        },
        autoescape=True,
    )


def qr_data_uri(text: str) -> str:
    """An SVG QR code of ``text`` as a data: URI (error correction M)."""
    import qrcode
    import qrcode.image.svg

    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    code.add_data(text)
    code.make(fit=True)
    svg = code.make_image().to_string()
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _form_spec(slip: Slip, form_set: str) -> tuple[FormSet, FormSpec]:
    chosen = FORM_SETS[form_set]
    return chosen, chosen.forms[slip.kind]


def render_slip_html(slip: Slip, *, form_set: str = DEFAULT_FORM_SET, language: str = "vi") -> str:
    """The HTML of ``slip`` in ``language`` (Vietnamese by default: the forms are legal
    documents printed in Vietnamese whatever the officer's interface language)."""
    chosen, spec = _form_spec(slip, form_set)
    issued_at = slip.issued_at or timezone.now()
    context = {
        "slip": slip,
        "form": spec,
        "form_set": chosen,
        "issued_at": issued_at,
        "qr_src": qr_data_uri(slip.status_url) if getattr(slip, "status_url", "") else "",
        "language": language,
    }
    with translation.override(language):
        return _engine().get_template(spec.template).render(Context(context, autoescape=True))


def _allowed_roots() -> list[Path]:
    roots = [path.resolve() for path in PACKAGE_DIR.glob("*/static")]
    roots.append((PACKAGE_DIR / "static").resolve())
    static_root = getattr(settings, "STATIC_ROOT", None)
    if static_root:
        roots.append(Path(static_root).resolve())
    return roots


def local_only_url_fetcher():
    """A WeasyPrint URL fetcher that serves data: URIs and local static files only."""
    from weasyprint.urls import URLFetcher

    class LocalOnlyURLFetcher(URLFetcher):
        def __init__(self, roots: list[Path]) -> None:
            super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
            self.roots = roots

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(url2pathname(urlsplit(url).path)).resolve()
                if any(path.is_relative_to(root) for root in self.roots):
                    return super().fetch(url, headers)
            raise ValueError("slips fetch only data: URIs and local static files: " + url)

    return LocalOnlyURLFetcher(_allowed_roots())


def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango or its friends missing
        raise SlipRenderingUnavailable(
            "WeasyPrint cannot load; install the 'weasyprint' package and Debian's "
            "libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation"
        ) from error
    return weasyprint


def render_slip(slip: Slip, *, form_set: str = DEFAULT_FORM_SET, language: str = "vi") -> bytes:
    """The PDF of ``slip`` (A5 portrait; the register A4 landscape)."""
    weasyprint = _weasyprint()
    html = render_slip_html(slip, form_set=form_set, language=language)
    document = weasyprint.HTML(
        string=html,
        base_url=PACKAGE_DIR.as_uri() + "/",
        url_fetcher=local_only_url_fetcher(),
    )
    return document.write_pdf()


__all__ = [
    "CIRCULAR_01_2018",
    "DEFAULT_FORM_SET",
    "FORM_SETS",
    "FormSet",
    "FormSpec",
    "SlipRenderingUnavailable",
    "local_only_url_fetcher",
    "qr_data_uri",
    "render_slip",
    "render_slip_html",
]
