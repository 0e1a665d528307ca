"""The home page: search, popular procedures, the public navigation, and its weight."""

import gzip
import re
from urllib.parse import urljoin

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from chinhquyen.dossiers.models import Dossier

pytestmark = pytest.mark.django_db

BUDGET = 150 * 1024  # issue 4: ≤ 150 KB transferred (compressed) on first load
# What a browser loads: not the feed links (rel="alternate"), which only feed readers follow.
REFERENCES = re.compile(
    r'<(?:link|script|img)\b(?![^>]*\brel="alternate")[^>]*?\b(?:href|src)="([^"]+)"'
)
CSS_URLS = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def gzipped(content: bytes) -> int:
    return len(gzip.compress(content, compresslevel=6))


def static_file(url: str) -> bytes:
    assert url.startswith("/" + settings.STATIC_URL.lstrip("/")), url
    path = finders.find(url[len("/" + settings.STATIC_URL.lstrip("/")) :])
    assert path, f"{url} is not a static file"
    with open(path, "rb") as handle:
        return handle.read()


def test_the_home_page_has_the_search_box_and_the_ways_in(client, small_catalogue):
    html = client.get("/").content.decode()

    assert (
        f'<form class="portal-search" action="{reverse("portal:catalogue")}" method="get"' in html
    )
    assert '<label for="home-q">Tìm thủ tục hành chính</label>' in html
    for href in ["/nop-ho-so/", "/tra-cuu/", "/thong-ke/", "/co-quan/", "/cong-dan/dang-nhap/"]:
        assert f'href="{href}"' in html, href
    assert '<nav class="public-nav" aria-label="Dịch vụ công">' in html


def test_popular_procedures_are_the_most_filed_ones(client, catalogue, receive, small_catalogue):
    receive()
    receive()

    html = client.get("/").content.decode()

    popular = re.search(r'<ul class="procedure-list">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r'href="/thu-tuc/([^/]+)/"', popular) == ["1.009972"]
    assert Dossier.objects.count() == 2


def test_without_dossiers_the_online_procedures_are_suggested(client, small_catalogue):
    html = client.get("/").content.decode()

    popular = re.search(r'<ul class="procedure-list">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r'href="/thu-tuc/([^/]+)/"', popular) == ["1.000894", "1.001193", "1.004884"]


def test_the_current_section_is_marked_in_the_navigation(client, org_tree):
    html = client.get(reverse("portal:statistics")).content.decode()

    assert 'href="/thong-ke/" aria-current="page"' in html
    assert html.count('aria-current="page"') == 1


def test_the_home_page_transfers_at_most_150_kb_compressed_with_nothing_from_outside(
    client, small_catalogue
):
    # Given the home page of a first visit (nothing cached)
    html = client.get("/").content
    text = html.decode()

    # When every resource it references is added (stylesheets, scripts, icons, images, and the
    # url()s inside the stylesheets), each compressed as the web server sends it
    total = gzipped(html)
    seen = set()
    pending = REFERENCES.findall(text)
    while pending:
        url = pending.pop()
        if url in seen:
            continue
        seen.add(url)
        assert not re.match(r"^(https?:)?//", url), f"{url} comes from another site"
        content = static_file(url)
        total += gzipped(content)
        if url.endswith(".css"):
            pending += [
                urljoin(url, ref)
                for ref in CSS_URLS.findall(content.decode())
                if not ref.startswith("data:")
            ]

    # Then it stays within the budget, with the stylesheets counted
    assert any(url.endswith("site.css") for url in seen)
    assert any(url.endswith("portal.css") for url in seen)
    assert total <= BUDGET, f"{total} bytes"


def test_the_home_page_costs_a_bounded_number_of_queries(
    client, small_catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        assert client.get("/").status_code == 200


def test_a_signed_in_citizen_gets_my_dossiers_instead_of_sign_in(client, citizen_chi):
    client.force_login(citizen_chi)

    html = client.get(reverse("tracking:my_dossiers")).content.decode()

    nav = re.search(r'<ul class="public-nav-list">(.*?)</ul>', html, re.S).group(1)
    assert 'href="/tra-cuu/ho-so-cua-toi/" aria-current="page"' in nav
    assert 'href="/tra-cuu/"' in nav and 'href="/tra-cuu/" aria-current' not in nav
    assert "/cong-dan/dang-nhap/" not in nav
