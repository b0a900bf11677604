"""The day the benchmarks' and the fault tests' servers and commands live on: the clock (time-machine) is moved
there when their settings are read, in each process they start, time running on from noon in Paris."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import time_machine


def live_on(day: str) -> None:
    moment = datetime.combine(date.fromisoformat(day), time(12), tzinfo=ZoneInfo("Europe/Paris"))
    time_machine.travel(moment, tick=True).start()
