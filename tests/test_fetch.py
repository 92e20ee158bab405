"""Fetching over HTTP: failures by kind, the SSRF guard, robots.txt, politeness.

Every test talks only to an http.server it starts on 127.0.0.1; times are
shrunk (timeouts of tenths of a second, no host delay unless measured).
"""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from civicwatch import __version__
from civicwatch.sources.fetch import CONTACT_URL, Fetcher, FetchError, FetchSettings, is_public_address
from civicwatch.sources.files import SourceError

Route = Callable[[BaseHTTPRequestHandler], None]

FAST = FetchSettings(
    connect_timeout=1.0,
    read_timeout=1.0,
    max_read_time=5.0,
    retries=0,
    backoff=0.01,
    host_delay=0.0,
    respect_robots=False,
    allow_private=True,  # the test server is on 127.0.0.1
)


# ----------------------------------------------------------------------------------------- test server


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self.server.log.append((self.path, dict(self.headers.items()), time.monotonic()))
        route = self.server.routes.get(self.path.split("?", 1)[0])
        if route is None:
            reply(self, 404, b"not here")
        else:
            route(self)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep pytest output clean


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a handler still sleeping (timeout test) must not hold up teardown

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Route] = {}
        self.log: list[tuple[str, dict[str, str], float]] = []

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up mid-response is what several tests do on purpose

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"

    def paths(self) -> list[str]:
        return [path for path, _, _ in self.log]


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def reply(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"<html><body>hello</body></html>",
    content_type: str = "text/html; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def page(body: bytes = b"<html><body>hello</body></html>", content_type: str = "text/html") -> Route:
    return lambda h: reply(h, 200, body, content_type)


def status(code: int, headers: dict[str, str] | None = None) -> Route:
    return lambda h: reply(h, code, b"error", "text/plain", headers)


def redirect(location: str, code: int = 302) -> Route:
    return lambda h: reply(h, code, b"", "text/plain", {"Location": location})


def fetch_error(fetcher: Fetcher, url: str, **kwargs: bool) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetcher.fetch(url, **kwargs)
    return info.value


def fetcher_with(**changes: object) -> Fetcher:
    return Fetcher(dataclasses.replace(FAST, **changes))


# ----------------------------------------------------------------------------------------- success


def test_fetch_returns_body_and_sends_user_agent(server: _Server) -> None:
    server.routes["/"] = page(b"<html>ok</html>", "text/html; charset=windows-1251")
    with fetcher_with() as fetcher:
        result = fetcher.fetch(server.url("/"), require_html=True)
    assert (result.status, result.body, result.content_type) == (200, b"<html>ok</html>", "text/html")
    assert result.charset == "windows-1251"
    assert result.url == result.final_url == server.url("/")
    user_agent = server.log[0][1]["User-Agent"]
    assert user_agent.startswith(f"civicwatch/{__version__} ")
    assert CONTACT_URL in user_agent


def test_relative_redirect_is_followed(server: _Server) -> None:
    server.routes["/old"] = redirect("/new", 301)
    server.routes["/new"] = page()
    with fetcher_with() as fetcher:
        result = fetcher.fetch(server.url("/old"))
    assert result.final_url == server.url("/new")
    assert result.url == server.url("/old")


# ----------------------------------------------------------------------------------------- HTTP failures


def test_read_timeout(server: _Server) -> None:
    server.routes["/slow"] = lambda h: (time.sleep(1.0), reply(h, 200))
    started = time.monotonic()
    with fetcher_with(read_timeout=0.2) as fetcher:
        error = fetch_error(fetcher, server.url("/slow"))
    assert error.code == "timeout"
    assert time.monotonic() - started < 0.9


def test_body_dripping_past_max_read_time_times_out(server: _Server) -> None:
    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        for _ in range(100):  # a byte every 50 ms: never silent long enough for read_timeout
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.05)

    server.routes["/drip"] = drip
    started = time.monotonic()
    with fetcher_with(max_read_time=0.3) as fetcher:
        error = fetch_error(fetcher, server.url("/drip"))
    assert error.code == "timeout"
    assert time.monotonic() - started < 1.5


def test_404_is_not_retried(server: _Server) -> None:
    with fetcher_with(retries=2) as fetcher:
        error = fetch_error(fetcher, server.url("/missing"))
    assert (error.code, error.reason) == ("http-404", "http-404 (Not Found)")
    assert server.paths() == ["/missing"]


def test_500_is_retried_then_reported(server: _Server) -> None:
    server.routes["/broken"] = status(500)
    with fetcher_with(retries=2) as fetcher:
        error = fetch_error(fetcher, server.url("/broken"))
    assert error.code == "http-500"
    assert server.paths() == ["/broken"] * 3  # one try and two retries


def test_503_then_success(server: _Server) -> None:
    answers = [status(503), page(b"finally")]
    server.routes["/flaky"] = lambda h: answers.pop(0)(h)
    with fetcher_with(retries=2) as fetcher:
        assert fetcher.fetch(server.url("/flaky")).body == b"finally"
    assert len(server.log) == 2


def test_429_with_long_retry_after_is_not_retried(server: _Server) -> None:
    server.routes["/busy"] = status(429, {"Retry-After": "3600"})
    with fetcher_with(retries=2, max_backoff=1.0) as fetcher:
        error = fetch_error(fetcher, server.url("/busy"))
    assert error.code == "http-429"
    assert len(server.log) == 1


def test_connection_refused_is_retried_then_reported() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with fetcher_with(retries=1) as fetcher:
        error = fetch_error(fetcher, f"http://127.0.0.1:{port}/")
    assert error.code == "connection-error"


def test_fetch_error_is_a_source_error_naming_the_url() -> None:
    error = FetchError("https://example.org/a", "http-404", "Not Found")
    assert isinstance(error, SourceError)
    assert (error.url, error.code, error.reason) == ("https://example.org/a", "http-404", "http-404 (Not Found)")
    assert str(error) == "https://example.org/a: http-404 (Not Found)"


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("file:///etc/passwd", "unsupported-scheme"),
        ("ftp://example.org/x", "unsupported-scheme"),
        ("http://", "invalid-url"),
    ],
)
def test_only_http_urls(url: str, code: str) -> None:
    with fetcher_with() as fetcher:
        assert fetch_error(fetcher, url).code == code


# ----------------------------------------------------------------------------------------- redirects


def test_redirect_loop(server: _Server) -> None:
    server.routes["/a"] = redirect("/b")
    server.routes["/b"] = redirect("/a#top")  # a fragment does not make it a new page
    with fetcher_with(max_redirects=10) as fetcher:
        error = fetch_error(fetcher, server.url("/a"))
    assert error.code == "redirect-loop"
    assert server.paths() == ["/a", "/b"]


def test_too_many_redirects(server: _Server) -> None:
    for n in range(10):
        server.routes[f"/r{n}"] = redirect(f"/r{n + 1}")
    with fetcher_with(max_redirects=3) as fetcher:
        error = fetch_error(fetcher, server.url("/r0"))
    assert error.code == "too-many-redirects"
    assert server.paths() == ["/r0", "/r1", "/r2", "/r3"]


def test_redirect_to_another_scheme_is_refused(server: _Server) -> None:
    server.routes["/go"] = redirect("file:///etc/passwd")
    with fetcher_with() as fetcher:
        assert fetch_error(fetcher, server.url("/go")).code == "unsupported-scheme"


# ----------------------------------------------------------------------------------------- SSRF guard


def guarded(resolver: dict[str, list[str]] | None = None, **changes: object) -> Fetcher:
    """A fetcher with the guard on; only the test server's own address is exempt."""
    settings = dataclasses.replace(FAST, allow_private=False, allow_networks=("127.0.0.1/32",), **changes)
    return Fetcher(settings, resolver=(lambda host, port: (resolver or {})[host]))


@pytest.mark.parametrize(
    "target",
    [
        "http://intranet.test/admin",  # a name resolving (by the test resolver) to 10.1.2.3
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata service
        "http://127.0.0.2/",  # loopback outside the exempt /32
        "http://[::1]/",
        "http://[::ffff:10.0.0.1]/",
    ],
)
def test_redirect_to_private_address_is_refused(server: _Server, target: str) -> None:
    server.routes["/go"] = redirect(target)
    with guarded({"intranet.test": ["10.1.2.3"]}) as fetcher:
        error = fetch_error(fetcher, server.url("/go"))
    assert error.code == "blocked-private-address"
    assert error.url == server.url("/go")
    assert server.paths() == ["/go"]  # the private target was never contacted


def test_guard_refuses_private_url_before_connecting(server: _Server) -> None:
    with Fetcher(dataclasses.replace(FAST, allow_private=False)) as fetcher:
        error = fetch_error(fetcher, server.url("/"))
    assert error.code == "blocked-private-address"
    assert server.log == []


@pytest.mark.parametrize(
    ("addresses", "allowed"),
    [
        (["93.184.216.34"], True),
        (["93.184.216.34", "2606:2800:220:1::1"], True),
        (["93.184.216.34", "10.0.0.1"], False),  # one bad address spoils the name
        (["192.168.1.1"], False),
        (["172.16.0.1"], False),
        (["100.100.100.200"], False),  # shared address space (a cloud metadata service lives here)
        (["0.0.0.0"], False),
        (["224.0.0.1"], False),
        (["240.0.0.1"], False),
        (["::"], False),
        (["fe80::1%eth0"], False),
        (["fd00::1"], False),
        (["ff02::1"], False),
        (["::ffff:127.0.0.1"], False),
        (["2002:7f00:1::"], False),  # 6to4 wrapping 127.0.0.1
        (["64:ff9b::a00:1"], False),  # NAT64 wrapping 10.0.0.1
    ],
)
def test_guard_checks_every_resolved_address(addresses: list[str], allowed: bool) -> None:
    with guarded({"news.test": addresses}) as fetcher:
        if allowed:
            assert fetcher.check_url("https://news.test/story").host == "news.test"
        else:
            with pytest.raises(FetchError) as info:
                fetcher.check_url("https://news.test/story")
            assert info.value.code == "blocked-private-address"


def test_unresolvable_host_is_a_dns_error() -> None:
    def fail(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with Fetcher(dataclasses.replace(FAST, allow_private=False), resolver=fail) as fetcher:
        with pytest.raises(FetchError) as info:
            fetcher.check_url("http://no-such-host.test/")
    assert info.value.code == "dns-error"


def test_dns_rebinding_is_caught_at_connect_time(server: _Server) -> None:
    # The guard's resolver says "public"; the connection really goes to 127.0.0.1.
    fetcher = Fetcher(dataclasses.replace(FAST, allow_private=False), resolver=lambda host, port: ["93.184.216.34"])
    with fetcher:
        error = fetch_error(fetcher, f"http://localhost:{server.server_address[1]}/")
    assert error.code == "blocked-private-address"
    assert server.log == []  # refused before the request was sent


def test_is_public_address_unwraps_ipv4_mapped() -> None:
    import ipaddress

    assert is_public_address(ipaddress.ip_address("::ffff:8.8.8.8"))
    assert not is_public_address(ipaddress.ip_address("::ffff:192.168.0.1"))


# ----------------------------------------------------------------------------------------- size and type


def _endless(declare_length: bool, sent: list[int], done: threading.Event) -> Route:
    """A response of up to 200 MB, written until the client hangs up."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        chunk = b"x" * 65536
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            if declare_length:
                handler.send_header("Content-Length", str(200 * 1024 * 1024))
            else:
                handler.send_header("Connection", "close")  # body ends when the connection does
                handler.close_connection = True
            handler.end_headers()
            for _ in range(3200):
                handler.wfile.write(chunk)
                sent[0] += len(chunk)
        except OSError:
            pass  # the client hung up: what the test wants
        finally:
            done.set()

    return route


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "streamed"])
def test_response_over_size_cap_is_aborted(server: _Server, declare_length: bool) -> None:
    sent, done = [0], threading.Event()
    server.routes["/huge"] = _endless(declare_length, sent, done)
    started = time.monotonic()
    with fetcher_with(max_bytes=100_000) as fetcher:
        error = fetch_error(fetcher, server.url("/huge"))
    assert error.code == "too-large"
    assert time.monotonic() - started < 2.0
    assert done.wait(2.0)
    assert sent[0] < 50 * 1024 * 1024  # stopped far short of the 200 MB on offer


def test_not_html_when_html_is_required(server: _Server) -> None:
    server.routes["/doc.pdf"] = page(b"%PDF-1.7", "application/pdf")
    with fetcher_with() as fetcher:
        error = fetch_error(fetcher, server.url("/doc.pdf"), require_html=True)
        assert (error.code, error.detail) == ("not-html", "application/pdf")
        assert fetcher.fetch(server.url("/doc.pdf")).body == b"%PDF-1.7"  # fine when any type will do


# ----------------------------------------------------------------------------------------- robots.txt


def test_robots_disallow_is_respected_and_cached(server: _Server) -> None:
    server.routes["/robots.txt"] = page(b"User-agent: *\nDisallow: /private\n", "text/plain")
    server.routes["/private/page"] = page()
    server.routes["/public"] = page()
    with fetcher_with(respect_robots=True) as fetcher:
        assert fetch_error(fetcher, server.url("/private/page")).code == "robots-disallowed"
        assert fetcher.fetch(server.url("/public")).status == 200
    assert server.paths() == ["/robots.txt", "/public"]  # read once; the disallowed page never requested


def test_robots_rules_for_civicwatch_apply(server: _Server) -> None:
    rules = b"User-agent: civicwatch\nDisallow: /\n\nUser-agent: *\nDisallow:\n"
    server.routes["/robots.txt"] = page(rules, "text/plain")
    with fetcher_with(respect_robots=True) as fetcher:
        assert fetch_error(fetcher, server.url("/news")).code == "robots-disallowed"


@pytest.mark.parametrize(("robots_status", "allowed"), [(404, True), (403, True), (500, False), (503, False)])
def test_robots_status_rules(server: _Server, robots_status: int, allowed: bool) -> None:
    server.routes["/robots.txt"] = status(robots_status)
    server.routes["/news"] = page()
    with fetcher_with(respect_robots=True) as fetcher:
        if allowed:
            assert fetcher.fetch(server.url("/news")).status == 200
        else:
            assert fetch_error(fetcher, server.url("/news")).code == "robots-disallowed"


def test_robots_that_fails_to_load_counts_as_allowed(server: _Server) -> None:
    server.routes["/robots.txt"] = redirect("/robots.txt")  # a loop: robots.txt cannot be read
    server.routes["/news"] = page()
    with fetcher_with(respect_robots=True) as fetcher:
        assert fetcher.fetch(server.url("/news")).status == 200


# ----------------------------------------------------------------------------------------- politeness


def test_requests_to_one_host_are_spaced(server: _Server) -> None:
    server.routes["/a"] = page()
    server.routes["/b"] = page()
    with fetcher_with(host_delay=0.2) as fetcher:
        fetcher.fetch(server.url("/a"))
        fetcher.fetch(server.url("/b"))
    first, second = (when for _, _, when in server.log)
    assert second - first >= 0.19
