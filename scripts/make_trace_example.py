"""Writes scenarios/data/trace-replay.csv: the example log replayed by scenarios/trace-replay.toml.

    python3 scripts/make_trace_example.py > scenarios/data/trace-replay.csv

A synthetic log in the shape offices export (seeded, so the file is reproducible): two office
days, Saturday 2026-03-07 and Sunday 2026-03-08, 07:30-14:00, a busy morning (about 40 clients
an hour 07:30-09:00, 70 until 11:30, 35 after). Each row is a client with its ticket time, its
service, and either the district it came from (three quarters: the policy will choose its
office) or the office it walked into (a quarter: replayed there whatever the policy), and, for
half of the clients, the service time the office recorded (the other half are drawn from the
scenario's durations).
"""

import random

rng = random.Random(11)
ZONES = ["north", "centre", "south"]
OFFICES = ["North", "Central", "South"]
SERVICES = [("petition", 0.5, 12.0), ("notice", 0.5, 5.0)]
PIECES = [(7.5, 9.0, 40), (9.0, 11.5, 70), (11.5, 14.0, 35)]

print("time,service,zone,office,duration")
for day, date in enumerate(["2026-03-07", "2026-03-08"]):
    for start, end, per_hour in PIECES:
        t = start * 60
        while True:
            t += rng.expovariate(per_hour / 60)
            if t >= end * 60:
                break
            name, _, mean = SERVICES[0] if rng.random() < 0.5 else SERVICES[1]
            zone, office = rng.choice(ZONES), ""
            if rng.random() < 0.25:
                zone, office = "", rng.choice(OFFICES)
            duration = f"{rng.lognormvariate(0, 0.55) * mean / 1.163:.2f}" if rng.random() < 0.5 else ""
            seconds = int(t * 60)
            clock = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
            print(f"{date} {clock},{name},{zone},{office},{duration}")
