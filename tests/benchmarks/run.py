"""Benchmarks: what the SDK costs over raw httpx, measured in one run with A/B alternation.

Starts bench_server (tests/loopback.py's server answering from pre-rendered replies, in a process
of its own) on a free loopback port, then measures, alternating SDK and raw httpx round after
round so that both see the same machine load:

1. get     EvEnergy.evse_sites.get against httpx.Client.get + response.json()
2. walk    iterating 20,000 sites in pages of 100 against a raw loop following the Link header
3. memory  peak RSS growth while iterating 100,000 sites (fresh process; must stay flat)
4. async   1,000 gets a round with 32 in flight, AsyncEvEnergy against httpx.AsyncClient
5. import  `import evenergy` against `import httpx`, each in a fresh interpreter

For get and walk it also times a bare socket client sending the same requests and only reading
the bytes: the server's and the loopback's share of each figure, which no client can go below.

Each round is short (20 gets, or one walk), so that the two sides of a round see the same
machine: on a shared machine the speed drifts within seconds, and long rounds let that drift
into the ratio. It prints each side's median; the median of the per-round ratios, which the
goals apply to (a round times both sides back to back, so its ratio is free of the drift
between rounds); their quartiles (the middle half of the rounds fall between them); and, for
comparison, the ratio of the two medians ("SDK/raw"). It writes the results as JSON (--json,
and reports/bench/latest.json) so that two runs can be compared (--compare OLD.json). The goals
are reported, not enforced: these machines are shared and noisy. --smoke runs tiny sizes, to
prove the benchmark still works.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx

from evenergy import AsyncEvEnergy, EvEnergy

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TOKEN = "bench-token"
SITE = "site00000000000000000000000007"


@dataclass(frozen=True)
class Sizes:
    get_rounds: int
    gets_per_round: int
    walk_rounds: int
    walk_sites: int
    memory_sites: int
    async_rounds: int
    async_gets: int
    async_in_flight: int
    import_runs: int


FULL = Sizes(
    get_rounds=151,
    gets_per_round=20,
    walk_rounds=21,
    walk_sites=20_000,
    memory_sites=100_000,
    async_rounds=9,
    async_gets=1_000,
    async_in_flight=32,
    import_runs=15,
)
SMOKE = Sizes(
    get_rounds=2,
    gets_per_round=5,
    walk_rounds=2,
    walk_sites=300,
    memory_sites=500,
    async_rounds=2,
    async_gets=20,
    async_in_flight=4,
    import_runs=2,
)


@dataclass(frozen=True)
class Result:
    name: str
    unit: str
    sdk: float
    raw: float | None
    ratio: float | None
    goal: str
    met: bool
    bare: float | None = None  # a bare socket client doing the same requests: the server's share
    spread: tuple[float, float] | None = None  # quartiles of the per-round ratios


@contextmanager
def bench_server() -> Iterator[str]:
    """Run bench_server in its own process; yield its URL. Closing its standard input stops it."""
    command = [sys.executable, str(HERE / "bench_server.py")]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests")}  # tests/loopback.py
    with subprocess.Popen(
        command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        try:
            url = process.stdout.readline().strip()  # printed once it listens
            if not url:
                raise RuntimeError("the benchmark server did not start")
            yield url
        finally:
            process.stdin.close()
            process.wait(timeout=10)


@cache
def headers(host: str) -> dict[str, str]:
    """What the SDK sends, read off one of its requests, so that raw httpx does the same work."""
    sent: list[httpx.Request] = []
    with (
        httpx.Client(event_hooks={"request": [sent.append]}) as http,
        EvEnergy(access_token=TOKEN, base_url=f"{host}/1/v2", http_client=http) as client,
    ):
        client.evse_sites.get(SITE)
    wanted = ("Authorization", "EvEnergy-Version", "Accept", "User-Agent")
    return {name: sent[0].headers[name] for name in wanted}


class BareClient:
    """One keep-alive socket that sends prepared requests and reads each response whole."""

    def __init__(self, host: str) -> None:
        address = host.removeprefix("http://")
        name, port = address.split(":")
        self._socket = socket.create_connection((name, int(port)))
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._reader = self._socket.makefile("rb")
        lines = "".join(f"{k}: {v}\r\n" for k, v in headers(host).items())
        self._head = f"HTTP/1.1\r\nHost: {address}\r\n{lines}\r\n".encode()

    def get(self, target: str) -> bytes:
        self._socket.sendall(b"GET " + target.encode() + b" " + self._head)
        length = 0
        while (line := self._reader.readline()) not in (b"\r\n", b""):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        return self._reader.read(length)

    def close(self) -> None:
        self._reader.close()
        self._socket.close()


def bare_seconds(host: str, targets: list[str], rounds: int) -> float:
    """The median time a bare socket client takes to fetch `targets` in turn."""
    client = BareClient(host)
    try:
        for target in targets[:3]:
            client.get(target)  # warm up
        return statistics.median(
            timed(lambda: [client.get(target) for target in targets]) for _ in range(rounds)
        )
    finally:
        client.close()


@dataclass(frozen=True)
class Rounds:
    """What alternating rounds measured: each side's median, and their ratio round by round."""

    sdk: float
    raw: float
    ratio: float
    """The median of the per-round ratios, SDK over raw. A round times both sides back to back,
    so its ratio is free of the machine's drift from one round to the next; the ratio of the two
    medians (`report` prints it as "SDK/raw") is not."""
    spread: tuple[float, float]
    """The lower and upper quartile of the per-round ratios: how much they move in one run."""

    @classmethod
    def of(cls, sdk: list[float], raw: list[float]) -> Rounds:
        """The medians of both sides' rounds, and the median and quartiles of their ratios."""
        ratios = [a / b for a, b in zip(sdk, raw, strict=True)]
        quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
        return cls(
            statistics.median(sdk),
            statistics.median(raw),
            statistics.median(ratios),
            (quartiles[0], quartiles[2]),
        )


def alternate(rounds: int, sdk: Callable[[], float], raw: Callable[[], float]) -> Rounds:
    """Run both measurements `rounds` times, swapping their order each round."""
    sdk_times: list[float] = []
    raw_times: list[float] = []
    for round_number in range(rounds):
        pair = [(sdk, sdk_times), (raw, raw_times)]
        for measure, times in pair if round_number % 2 == 0 else reversed(pair):
            times.append(measure())
    return Rounds.of(sdk_times, raw_times)


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def bench_get(host: str, sizes: Sizes) -> Result:
    base = f"{host}/100/v2"
    n = sizes.gets_per_round
    with EvEnergy(access_token=TOKEN, base_url=base) as client, httpx.Client() as raw:
        sent = headers(host)

        def sdk() -> float:
            return timed(lambda: [client.evse_sites.get(SITE) for _ in range(n)]) / n

        def plain() -> float:
            url = f"{base}/evse_sites/{SITE}"
            return timed(lambda: [raw.get(url, headers=sent).json() for _ in range(n)]) / n

        sdk(), plain()  # warm up connections and caches
        measured = alternate(sizes.get_rounds, sdk, plain)
    bare_s = bare_seconds(host, [f"/100/v2/evse_sites/{SITE}"] * n, sizes.get_rounds) / n
    return Result(
        "get",
        "ms per call",
        measured.sdk * 1e3,
        measured.raw * 1e3,
        measured.ratio,
        "<= 1.05",
        measured.ratio <= 1.05,
        bare_s * 1e3,
        measured.spread,
    )


def raw_sites(raw: httpx.Client, url: str, sent: dict[str, str]) -> Iterator[Any]:
    """The plain-httpx way to read every site: follow rel="next" until about:blank.

    A generator of items, as the SDK's list is, so that both hand each site to the same loop.
    """
    next_url: str | None = url
    while next_url:
        response = raw.get(next_url, headers=sent)
        yield from response.json()
        target = response.links.get("next", {}).get("url")
        next_url = None if target in (None, "about:blank") else str(response.url.join(target))


def bench_walk(host: str, sizes: Sizes) -> Result:
    base = f"{host}/{sizes.walk_sites}/v2"
    with EvEnergy(access_token=TOKEN, base_url=base) as client, httpx.Client() as raw:
        sent = headers(host)

        def sdk() -> float:
            return timed(lambda: sum(1 for _ in client.evse_sites.list(page_size=100)))

        def plain() -> float:
            sites = f"{base}/evse_sites?page_size=100"
            return timed(lambda: sum(1 for _ in raw_sites(raw, sites, sent)))

        sdk(), plain()
        measured = alternate(sizes.walk_rounds, sdk, plain)
    pages = range(0, sizes.walk_sites, 100)
    targets = [f"/{sizes.walk_sites}/v2/evse_sites?page_size=100"] + [
        f"/{sizes.walk_sites}/v2/evse_sites?page_size=100&page_after=site{start - 1:026d}"
        for start in pages[1:]
    ]
    bare_s = bare_seconds(host, targets, sizes.walk_rounds)
    return Result(
        "walk",
        "s per walk",
        measured.sdk,
        measured.raw,
        measured.ratio,
        "<= 1.20",
        measured.ratio <= 1.20,
        bare_s,
        measured.spread,
    )


MEMORY_SCRIPT = """
import resource, sys
from evenergy import EvEnergy
base, total = sys.argv[1], int(sys.argv[2])
def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
with EvEnergy(access_token="bench-token", base_url=base) as client:
    next(iter(client.evse_sites.list(page_size=100)))  # warm up: imports, connection, one page
    before = peak_mib()
    seen = sum(1 for _ in client.evse_sites.list(page_size=100))
    after = peak_mib()
assert seen == total, seen
print(after - before)
"""


def bench_memory(host: str, sizes: Sizes) -> Result:
    base = f"{host}/{sizes.memory_sites}/v2"
    output = subprocess.check_output(
        [sys.executable, "-c", MEMORY_SCRIPT, base, str(sizes.memory_sites)], text=True
    )
    growth = float(output.strip())
    return Result(
        "memory",
        f"MiB peak RSS growth over {sizes.memory_sites:,} sites",
        growth,
        None,
        None,
        "<= 20 MiB",
        growth <= 20,
    )


def bench_async(host: str, sizes: Sizes) -> Result:
    base = f"{host}/100/v2"
    n, width = sizes.async_gets, sizes.async_in_flight
    limits = httpx.Limits(max_connections=width, max_keepalive_connections=width)

    async def run_all() -> Rounds:
        sent = headers(host)
        async with (
            httpx.AsyncClient(limits=limits) as http,
            AsyncEvEnergy(access_token=TOKEN, base_url=base, http_client=http) as client,
            httpx.AsyncClient(limits=limits) as raw,
        ):
            gate = asyncio.Semaphore(width)

            async def sdk_one() -> None:
                async with gate:
                    await client.evse_sites.get(SITE)

            async def raw_one() -> None:
                async with gate:
                    (await raw.get(f"{base}/evse_sites/{SITE}", headers=sent)).json()

            async def throughput(one: Callable[[], Any]) -> float:
                started = time.perf_counter()
                await asyncio.gather(*(one() for _ in range(n)))
                return n / (time.perf_counter() - started)

            await throughput(sdk_one), await throughput(raw_one)  # warm up
            sdk_rates: list[float] = []
            raw_rates: list[float] = []
            for round_number in range(sizes.async_rounds):
                pair = [(sdk_one, sdk_rates), (raw_one, raw_rates)]
                for one, rates in pair if round_number % 2 == 0 else reversed(pair):
                    rates.append(await throughput(one))
            return Rounds.of(sdk_rates, raw_rates)

    measured = asyncio.run(run_all())
    return Result(
        "async",
        "requests/s",
        measured.sdk,
        measured.raw,
        measured.ratio,
        ">= 0.95",
        measured.ratio >= 0.95,
        spread=measured.spread,
    )


def import_seconds(module: str) -> float:
    script = (
        f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    )
    return float(subprocess.check_output([sys.executable, "-c", script], text=True))


def bench_import(sizes: Sizes) -> Result:
    measured = alternate(
        sizes.import_runs, lambda: import_seconds("evenergy"), lambda: import_seconds("httpx")
    )
    return Result(
        "import",
        "ms",
        measured.sdk * 1e3,
        measured.raw * 1e3,
        measured.ratio,
        "<= 2.00",
        measured.ratio <= 2.0,
        spread=measured.spread,
    )


def report(results: list[Result], previous: dict[str, Any] | None) -> None:
    print(
        f"\n{'benchmark':<8} {'SDK':>12} {'raw httpx':>12} {'ratio':>7} {'rounds IQR':>13} "
        f"{'SDK/raw':>8}  {'goal':<10} {'':<4} {'bare socket':>12}  unit"
    )
    for r in results:
        raw = f"{r.raw:12.3f}" if r.raw is not None else f"{'-':>12}"
        ratio = f"{r.ratio:7.3f}" if r.ratio is not None else f"{'-':>7}"
        spread = f"{r.spread[0]:.3f}-{r.spread[1]:.3f}" if r.spread else "-"
        of_medians = f"{r.sdk / r.raw:8.3f}" if r.raw else f"{'-':>8}"
        bare = f"{r.bare:12.3f}" if r.bare is not None else f"{'-':>12}"
        verdict = "met" if r.met else "MISS"
        print(
            f"{r.name:<8} {r.sdk:12.3f} {raw} {ratio} {spread:>13} {of_medians}  {r.goal:<10} "
            f"{verdict:<4} {bare}  {r.unit}"
        )
        if previous and r.name in previous:
            before = previous[r.name]
            was = "-" if before["ratio"] is None else f"{before['ratio']:.3f}"
            print(f"{'':<8} {'was':>12} {before['sdk']:12.3f}   ratio was {was}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check it still runs")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--compare", type=Path, help="a previous results file to compare with")
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else FULL
    previous = None
    if args.compare:
        try:
            results = json.loads(args.compare.read_text())["results"]
            previous = {r["name"]: {"sdk": float(r["sdk"]), "ratio": r["ratio"]} for r in results}
        except (OSError, ValueError, KeyError, TypeError) as error:
            parser.error(f"--compare {args.compare}: not a results file of this benchmark: {error}")
    with bench_server() as host:
        results = [
            bench_get(host, sizes),
            bench_walk(host, sizes),
            bench_memory(host, sizes),
            bench_async(host, sizes),
            bench_import(sizes),
        ]
    report(results, previous)
    document = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "sizes": asdict(sizes),
        "results": [asdict(r) for r in results],
    }
    for path in filter(None, [args.json, ROOT / "reports" / "bench" / "latest.json"]):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2) + "\n")
    print(f"\nresults written to {args.json or ROOT / 'reports' / 'bench' / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
