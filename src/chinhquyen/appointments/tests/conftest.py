"""Fixtures of the queue-ticket tests: the dossier tests' catalogue procedure, implemented by
department A (the agency where ``officer_an`` is the one-stop officer)."""

import pytest

from chinhquyen.dossiers.tests.conftest import at, catalogue, coded_orgs  # noqa: F401

# Monday 2 March 2026, a working day (office hours 07:30–11:30, 13:30–17:00).
MONDAY = (2026, 3, 2)


@pytest.fixture
def bookable(catalogue, coded_orgs):  # noqa: F811
    """The catalogue procedure, bookable at department A."""
    catalogue.version.implementing_agencies.add(coded_orgs.dept_a)
    return catalogue


@pytest.fixture
def agency(bookable, coded_orgs):  # noqa: F811
    return coded_orgs.dept_a


@pytest.fixture
def monday_8am():
    return at(*MONDAY, 8, 0)
