"""Benchmark of the working-time calendar: deadlines per second (wired into bench/run.py).

``run(report)`` computes deadlines on an in-memory calendar (the library holidays of 2026–2027),
so the figure is the pure computation a dossier intake or a work queue pays per deadline.
"""

import datetime
import random
import time


def run(report) -> None:
    from chinhquyen.worktime.calendar import TZ, WorkCalendar

    calendar = WorkCalendar()
    rng = random.Random(2026)
    base = datetime.datetime(2026, 1, 1, tzinfo=TZ)
    starts = [
        base + datetime.timedelta(minutes=rng.randrange(0, 365 * 24 * 60)) for _ in range(1000)
    ]

    started = time.perf_counter()
    calendar.add(base, days=1)  # builds the year index
    report("worktime: build the 2026 index", f"{(time.perf_counter() - started) * 1000:.1f} ms")

    n = 100_000
    started = time.perf_counter()
    for i in range(n):
        calendar.add(starts[i % 1000], days=(i % 30) + 1)
    seconds = time.perf_counter() - started
    report("worktime: add_working_time(days=1..30)", f"{n / seconds:,.0f} /s")

    started = time.perf_counter()
    for i in range(n):
        calendar.add(starts[i % 1000], hours=(i % 60) + 0.5)
    seconds = time.perf_counter() - started
    report("worktime: add_working_time(hours=0.5..60)", f"{n / seconds:,.0f} /s")

    started = time.perf_counter()
    for i in range(n):
        calendar.between(starts[i % 1000], starts[(i * 7) % 1000])
    seconds = time.perf_counter() - started
    report("worktime: working_time_between", f"{n / seconds:,.0f} /s")

    pauses = [(starts[3], starts[3] + datetime.timedelta(days=2))]
    m = 20_000
    started = time.perf_counter()
    for i in range(m):
        calendar.with_pauses(starts[i % 1000], days=15, pauses=pauses)
    seconds = time.perf_counter() - started
    report("worktime: deadline_with_pauses(days=15, 1 pause)", f"{m / seconds:,.0f} /s")


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.settings")
    import django

    django.setup()
    run(lambda name, value: print(f"{name:<58} {value}"))
