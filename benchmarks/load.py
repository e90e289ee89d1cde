"""The load generators: wrk for the most a service accepts (closed loop, many connections), and an
open-loop asyncio generator (aiohttp) for a fixed rate, which sends each request at its scheduled
time whether or not earlier ones were answered and measures latency from that time, so a slow
server cannot hide its queue from the figures."""

import asyncio
import json
import random
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from tests.support.ideas import distinct_text

WRK_SCRIPT = Path(__file__).parent / "submit.lua"


@dataclass
class MaxLoad:
    """What wrk measured: throughput of 202 answers and the latency of every request."""

    accepted_per_second: float
    requests: int
    accepted: int
    p50_ms: float
    p99_ms: float
    errors: dict


def wrk(url: str, seconds: float, connections: int, threads: int = 2) -> MaxLoad:
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed: apt-get install -y wrk (make bench does it)")
    finished = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(WRK_SCRIPT), url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    [line] = [line for line in finished.stdout.splitlines() if line.startswith("WRK_RESULT ")]
    figures = json.loads(line.removeprefix("WRK_RESULT "))
    return MaxLoad(
        accepted_per_second=figures["accepted"] / (figures["duration_us"] / 1e6),
        requests=figures["requests"],
        accepted=figures["accepted"],
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        errors=figures["errors"],
    )


@dataclass
class Submission:
    scheduled_at: float  # wall clock (time.time()), comparable with the database's timestamps
    status: int | None
    latency: float
    idea_id: str | None


def bench_idea(rng: random.Random, number: int) -> dict:
    """An idea moderation publishes (texts share almost no trigrams), from an address that gets mail."""
    return {
        "title": distinct_text(3, rng),
        "description": distinct_text(14, rng),
        "category": "other",
        "author": {"name": "Bench", "email": f"bench-{number}@example.org"},
    }


async def _fixed_rate(url: str, rate: float, seconds: float, connections: int) -> list[Submission]:
    rng = random.Random()
    count = int(rate * seconds)
    bodies = [json.dumps(bench_idea(rng, number)).encode() for number in range(count)]
    submissions: list[Submission] = []
    connector = aiohttp.TCPConnector(limit=connections)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def send(body: bytes, scheduled: float, scheduled_wall: float):
            status, idea_id = None, None
            try:
                async with session.post(url, data=body, headers={"Content-Type": "application/json"}) as answer:
                    status = answer.status
                    if status == 202:
                        idea_id = (await answer.json())["id"]
                    else:
                        await answer.read()
            except (TimeoutError, aiohttp.ClientError):
                pass
            submissions.append(Submission(scheduled_wall, status, time.monotonic() - scheduled, idea_id))

        start, start_wall = time.monotonic() + 0.1, time.time() + 0.1
        tasks = []
        for number, body in enumerate(bodies):
            delay = start + number / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(send(body, start + number / rate, start_wall + number / rate)))
        await asyncio.gather(*tasks)
    return submissions


def fixed_rate(url: str, rate: float, seconds: float, connections: int = 1000) -> list[Submission]:
    """POST `rate` distinct ideas a second for `seconds` to `url`. Up to `connections` at once, as many
    citizens each on their own connection would: a pool smaller than what is in flight makes requests
    wait inside the generator (until 2026-12-02 it was 64), where the server's own queue and its
    load shedding cannot be seen."""
    return asyncio.run(_fixed_rate(url, rate, seconds, connections))


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (share 0.99 for p99); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]
