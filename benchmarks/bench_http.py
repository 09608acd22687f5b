"""HTTP parsing from Python: octonaut.http vs httptools vs h11.

P1: the 703-byte browser GET from picohttpparser's bench (the request
httparse's benches use, without their padding), keep-alive: one request per
``feed`` call, and 16 pipelined per call; touching the method, the target and
every header name and value. P2: the same, touching only method, target and
Host.

httptools gets a protocol whose callbacks collect the same data (URL, every
header pair; the method via ``get_method()``). h11 needs a response before it
parses the next request on a connection, so it gets a fresh
``h11.Connection`` per request (its documented way to parse one request
without answering; this adds its constructor to its time).

Run: ``python benchmarks/bench_http.py [--quick]``. Prints requests per second
(medians over interleaved rounds) and ratios (ours / peer, the median of the
per-round ratios); the goals are P1 >= 1.5x httptools and >= 30x h11,
P2 >= 4x httptools.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable
from statistics import median

import octonaut.http

try:
    import httptools
except ImportError:  # pragma: no cover - optional peer
    httptools = None
try:
    import h11
except ImportError:  # pragma: no cover - optional peer
    h11 = None

REQ = (
    b"GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1\r\n"
    b"Host: www.kittyhell.com\r\n"
    b"User-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) "
    b"Gecko/20100401 Firefox/3.6.3 Pathtraq/0.9\r\n"
    b"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    b"Accept-Language: ja,en-us;q=0.7,en;q=0.3\r\n"
    b"Accept-Encoding: gzip,deflate\r\n"
    b"Accept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7\r\n"
    b"Keep-Alive: 115\r\n"
    b"Connection: keep-alive\r\n"
    b"Cookie: wp_ozh_wsa_visits=2; wp_ozh_wsa_visit_lasttime=xxxxxxxxxx; "
    b"__utma=xxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.x; "
    b"__utmz=xxxxxxxxx.xxxxxxxxxx.x.x.utmccn=(referral)|utmcsr=reader.livedoor.com"
    b"|utmcct=/reader/|utmcmd=referral\r\n\r\n"
)
assert len(REQ) == 703, len(REQ)
PIPELINE = 16
REQ16 = REQ * PIPELINE


def calibrate(run: Callable[[int], None], seconds: float) -> int:
    """A loop count that takes about `seconds`."""
    n = 16
    while True:
        start = time.perf_counter()
        run(n)
        elapsed = time.perf_counter() - start
        if elapsed > seconds / 4:
            return max(1, int(n * seconds / elapsed))
        n *= 2


def rates(
    contenders: dict[str, tuple[Callable[[int], None], int]], seconds: float, repeats: int
) -> dict[str, list[float]]:
    """Requests/second of each contender in each of `repeats` rounds; a round
    runs every contender once, back to back, so a noisy machine hurts all of
    them alike and per-round ratios stay comparable."""
    counts = {name: calibrate(run, seconds) for name, (run, _) in contenders.items()}
    rounds: dict[str, list[float]] = {name: [] for name in contenders}
    gc.disable()
    try:
        for _ in range(repeats):
            for name, (run, per_call) in contenders.items():
                n = counts[name]
                start = time.perf_counter()
                run(n)
                elapsed = time.perf_counter() - start
                rounds[name].append(n * per_call / elapsed)
    finally:
        gc.enable()
    return rounds


# --- octonaut ---


def ours_p1(data: bytes) -> Callable[[int], None]:
    feed = octonaut.http.RequestParser().feed

    def run(n: int) -> None:
        for _ in range(n):
            for msg in feed(data):
                _method = msg.method
                _target = msg.target
                for _name, _value in msg.headers:
                    pass

    return run


def ours_p2(data: bytes) -> Callable[[int], None]:
    feed = octonaut.http.RequestParser().feed

    def run(n: int) -> None:
        for _ in range(n):
            for msg in feed(data):
                _method = msg.method
                _target = msg.target
                _host = msg.headers["host"]

    return run


# --- httptools ---


class _AllFields:
    __slots__ = ("parser", "url", "headers", "messages")

    def __init__(self) -> None:
        self.url = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.messages: list = []

    def on_url(self, url: bytes) -> None:
        self.url = url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_message_complete(self) -> None:
        self.messages.append((self.parser.get_method(), self.url, self.headers))
        self.headers = []


class _HostOnly(_AllFields):
    __slots__ = ("host",)

    def on_header(self, name: bytes, value: bytes) -> None:
        if name == b"Host":
            self.host = value

    def on_message_complete(self) -> None:
        self.messages.append((self.parser.get_method(), self.url, self.host))


def httptools_run(data: bytes, protocol_class: type) -> Callable[[int], None]:
    proto = protocol_class()
    proto.parser = httptools.HttpRequestParser(proto)
    feed = proto.parser.feed_data
    messages = proto.messages

    def run(n: int) -> None:
        for _ in range(n):
            feed(data)
            messages.clear()

    return run


# --- h11 ---


def h11_run(data: bytes, host_only: bool) -> Callable[[int], None]:
    def run(n: int) -> None:
        for _ in range(n):
            conn = h11.Connection(h11.SERVER)
            conn.receive_data(data)
            event = conn.next_event()
            _method = event.method
            _target = event.target
            if host_only:
                _host = next(v for k, v in event.headers if k == b"host")
            else:
                for _name, _value in event.headers:
                    pass
            conn.next_event()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs (smoke test)")
    args = parser.parse_args()
    seconds, repeats = (0.05, 1) if args.quick else (0.2, 15)

    rows: list[tuple[str, str, float, float, float]] = []

    def case(name: str, ours: Callable, peers: dict[str, tuple[Callable, int]], per_call: int):
        rounds = rates({"ours": (ours, per_call), **peers}, seconds, repeats)
        for peer in peers:
            ratios = [o / p for o, p in zip(rounds["ours"], rounds[peer], strict=True)]
            rows.append((name, peer, median(rounds[peer]), median(rounds["ours"]), median(ratios)))

    def peers(data: bytes, host_only: bool) -> dict[str, tuple[Callable, int]]:
        out: dict[str, tuple[Callable, int]] = {}
        per_call = data.count(b"\r\n\r\n")
        if httptools is not None:
            protocol = _HostOnly if host_only else _AllFields
            out["httptools"] = (httptools_run(data, protocol), per_call)
        if h11 is not None:
            out["h11"] = (h11_run(REQ, host_only), 1)
        return out

    case("P1 all fields, 1/feed", ours_p1(REQ), peers(REQ, False), 1)
    case("P1 all fields, 16/feed", ours_p1(REQ16), peers(REQ16, False), PIPELINE)
    case("P2 method+target+Host, 1/feed", ours_p2(REQ), peers(REQ, True), 1)
    case("P2 method+target+Host, 16/feed", ours_p2(REQ16), peers(REQ16, True), PIPELINE)

    print(f"{'case':34} {'peer':10} {'peer req/s':>12} {'ours req/s':>12} {'ratio':>7}")
    for name, peer, peer_rate, ours_rate, ratio in rows:
        print(f"{name:34} {peer:10} {peer_rate:12,.0f} {ours_rate:12,.0f} {ratio:6.2f}x")
    print("(medians over the rounds; ratio = median of the per-round ratios)")


if __name__ == "__main__":
    main()
