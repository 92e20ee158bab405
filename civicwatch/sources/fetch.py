"""Fetch web pages and feeds politely and safely.

The monitor follows links it finds in feeds it does not control, so every URL is
untrusted: it may point into our own network (SSRF), never finish, be huge, or
redirect forever. ``Fetcher.fetch`` checks each of those and turns every failure
into a ``FetchError`` whose ``code`` is one short word ("timeout", "http-404",
"too-large", ...), so a batch summary can count failures by kind.

Politeness: a User-Agent that says who we are, robots.txt, a pause between
requests to one host, and few retries with growing pauses.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.robotparser
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx

from civicwatch.sources.files import SourceError

# Placeholder: point this at a page saying who runs the crawler and how to reach them.
CONTACT_URL = "https://example.org/civicwatch/contact"

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least 500 KiB, ignore the rest
ROBOTS_TTL = 24 * 3600.0  # RFC 9309: do not use a cached robots.txt for more than 24 hours
ROBOTS_ERROR_TTL = 600.0  # a 5xx robots.txt blocks the host; ask again sooner than a day
# Failures that mean the host cannot be reached: the page fetch would fail the same way.
UNREACHABLE_CODES = frozenset({"timeout", "connection-error", "dns-error"})
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]  # (host, port) -> IP address strings


def default_user_agent() -> str:
    """``civicwatch/VERSION (+CONTACT_URL)``: robots.txt rules match on the "civicwatch" token."""
    # Imported here, not at the top: civicwatch/__init__ defines __version__ last, after its imports.
    from civicwatch import __version__

    return f"civicwatch/{__version__} (+{CONTACT_URL})"


@dataclass(frozen=True)
class FetchSettings:
    """How patient, how polite and how trusting the fetcher is. Tests shrink the times."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0  # longest silence while waiting for headers or the next chunk
    max_read_time: float = 120.0  # whole body: a server dripping a byte a second never hits read_timeout
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 2  # extra tries after connection errors, 5xx and 429
    backoff: float = 1.0  # seconds before the first retry; doubles for each next one
    max_backoff: float = 30.0  # a Retry-After longer than this means: give up now
    host_delay: float = 1.0  # least seconds between two requests to one host
    respect_robots: bool = True
    allow_private: bool = False  # True turns the SSRF guard off (tests on 127.0.0.1)
    allow_networks: tuple[str, ...] = ()  # CIDRs exempt from the guard, e.g. an intranet mirror
    user_agent: str = field(default_factory=default_user_agent)


@dataclass(frozen=True)
class FetchResult:
    url: str  # what the caller asked for
    final_url: str  # after redirects
    status: int
    content_type: str  # media type in lower case without parameters; "" when the server sent none
    body: bytes
    headers: dict[str, str]  # lower-case names

    @property
    def charset(self) -> str | None:
        """The charset parameter of Content-Type, if any."""
        for param in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


class FetchError(SourceError):
    """A URL that could not be fetched. ``code`` is the kind; ``reason`` is the code plus details."""

    def __init__(self, url: str, code: str, detail: str = "") -> None:
        super().__init__(url, f"{code} ({detail})" if detail else code, kind=code)
        # SourceError.path is a Path, which folds "https://" into "https:/"; use .url for URLs.
        self.url = url
        self.code = code
        self.detail = detail


class _BlockedPeer(Exception):
    """Raised inside httpx when a connection reached a forbidden address."""

    def __init__(self, address: str) -> None:
        super().__init__(f"connected to {address}")
        self.address = address


# ----------------------------------------------------------------------------------------- address guard


def resolve_host(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (IPv4 and IPv6)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address tunnels to, if it is one of the forms that do."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public_address(ip: IPAddress) -> bool:
    """True for an address on the public internet; False for loopback, private, link-local,
    multicast, reserved, unspecified and shared (CGNAT) addresses, also when tunnelled in IPv6."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            # Judge the IPv4 target: ::ffff:8.8.8.8 is public even though ::/8 counts as reserved.
            return is_public_address(inner)
    flags = (ip.is_loopback, ip.is_private, ip.is_link_local, ip.is_multicast, ip.is_reserved, ip.is_unspecified)
    # is_global also rules out 100.64.0.0/10, where some clouds keep their metadata service.
    return ip.is_global and not any(flags)


def _parse_ip(text: str) -> IPAddress:
    return ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")


def _is_ip_literal(host: str) -> bool:
    try:
        _parse_ip(host)
    except ValueError:
        return False
    return True


class _PeerCheckingBackend(httpcore.NetworkBackend):
    """Checks the address each new connection actually reached.

    The guard in ``Fetcher.check_url`` resolves the name itself, but httpx
    resolves it again when it connects; a DNS server answering differently the
    second time (DNS rebinding) would slip past a check on names alone.
    """

    def __init__(self, allowed: Callable[[IPAddress], bool]) -> None:
        self._inner = httpcore.SyncBackend()
        self._allowed = allowed

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        peer = stream.get_extra_info("server_addr")[0]
        if not self._allowed(_parse_ip(peer)):
            stream.close()  # before a single byte of the request is sent
            raise _BlockedPeer(peer)
        return stream

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise _BlockedPeer(f"unix socket {path}")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport with the peer check plugged into its connection pool."""

    def __init__(self, allowed: Callable[[IPAddress], bool]) -> None:
        super().__init__()
        # httpx offers no public way to pass a network backend; httpx is pinned, so replacing its pool is safe.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=_PeerCheckingBackend(allowed)
        )


# ----------------------------------------------------------------------------------------- errors


_RETRYABLE = (httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)


def _transport_error(url: str, exc: Exception) -> FetchError:
    """The FetchError for an exception raised by httpx while sending or reading."""
    if isinstance(exc, _BlockedPeer):
        return FetchError(url, "blocked-private-address", str(exc))
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return FetchError(url, "timeout", detail)
    if isinstance(exc, httpx.DecodingError):
        return FetchError(url, "decoding-error", detail)
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol)):
        return FetchError(url, "invalid-url", detail)
    return FetchError(url, "connection-error", detail)


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds asked for by a Retry-After header in its number form (the date form is rare)."""
    value = response.headers.get("retry-after", "").strip()
    return float(value) if value.isdigit() else None


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _without_fragment(url: httpx.URL) -> str:
    return str(url.copy_with(fragment=None))


# ----------------------------------------------------------------------------------------- fetcher


class Fetcher:
    """Fetches URLs one at a time (not thread-safe: use one Fetcher per thread).

    ``resolver`` replaces the system resolver for the SSRF guard, so tests can
    make any name "resolve" to a private address.
    """

    def __init__(self, settings: FetchSettings | None = None, *, resolver: Resolver | None = None) -> None:
        self.settings = settings or FetchSettings()
        self._resolver = resolver or resolve_host
        self._exempt = tuple(ipaddress.ip_network(net, strict=False) for net in self.settings.allow_networks)
        self._last_request: dict[str, float] = {}  # host -> time.monotonic() of its last request
        self._robots: dict[str, tuple[float, urllib.robotparser.RobotFileParser]] = {}  # origin -> (expiry, rules)
        self._client = self._make_client()

    def _make_client(self) -> httpx.Client:
        s = self.settings
        transport = httpx.HTTPTransport() if s.allow_private else _GuardedTransport(self.address_allowed)
        return httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            headers={"User-Agent": s.user_agent},
            follow_redirects=False,  # every hop must pass check_url and robots.txt
            trust_env=False,  # a proxy would hide the peer address the guard checks
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --------------------------------------------------------------------------------- public

    def fetch(self, url: str, *, require_html: bool = False, headers: dict[str, str] | None = None) -> FetchResult:
        """GET ``url``; raises FetchError. ``require_html`` refuses other content types before the body is read.

        ``headers`` go with the request: a conditional GET (If-None-Match, If-Modified-Since) that the
        server answers 304 Not Modified returns a result with status 304 and no body."""
        final, response = self._follow(url, check_robots=self.settings.respect_robots, headers=headers)
        with closing(response):
            status = response.status_code
            if status == 304 and headers:
                return FetchResult(url, str(final), 304, _media_type(response), b"", dict(response.headers.items()))
            if not 200 <= status < 300:
                raise FetchError(url, f"http-{status}", response.reason_phrase)
            content_type = _media_type(response)
            if require_html and content_type not in HTML_TYPES:
                raise FetchError(url, "not-html", content_type or "no Content-Type")
            body = self._read_body(url, response, self.settings.max_bytes)
            return FetchResult(url, str(final), status, content_type, body, dict(response.headers.items()))

    def address_allowed(self, ip: IPAddress) -> bool:
        """May we connect to ``ip``? Public addresses and those in ``allow_networks`` only."""
        return self.settings.allow_private or any(ip in net for net in self._exempt) or is_public_address(ip)

    def check_url(self, url: str, *, report_as: str | None = None) -> httpx.URL:
        """Parse ``url`` and refuse it (FetchError) unless it is http(s) and its host resolves to allowed addresses.

        ``report_as`` is the URL to name in the error (the one the caller asked for, when checking a redirect).
        """
        reported = report_as or url
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise FetchError(reported, "invalid-url", str(exc)) from exc
        if parsed.scheme not in ("http", "https"):
            raise FetchError(reported, "unsupported-scheme", parsed.scheme or "no scheme")
        if not parsed.host:
            raise FetchError(reported, "invalid-url", "no host")
        if not self.settings.allow_private:
            self._check_host(parsed, reported)
        return parsed

    # --------------------------------------------------------------------------------- guard

    def _check_host(self, url: httpx.URL, reported: str) -> None:
        host = url.raw_host.decode("ascii")  # IDNA-encoded, as httpx will connect to it
        port = url.port or (443 if url.scheme == "https" else 80)
        try:
            addresses = [host] if _is_ip_literal(host) else self._resolver(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchError(reported, "dns-error", f"{host}: {exc}") from exc
        if not addresses:
            raise FetchError(reported, "dns-error", f"{host}: no addresses")
        # All of them: the connection may use any, so one bad address makes the name bad.
        for address in addresses:
            if not self.address_allowed(_parse_ip(address)):
                raise FetchError(reported, "blocked-private-address", f"{host} -> {address}")

    # --------------------------------------------------------------------------------- redirects

    def _follow(
        self, url: str, *, check_robots: bool, headers: dict[str, str] | None = None
    ) -> tuple[httpx.URL, httpx.Response]:
        """The first non-redirect response for ``url`` (open: the caller closes it) and the URL it came from."""
        current = self.check_url(url)
        visited = {_without_fragment(current)}
        for _ in range(self.settings.max_redirects + 1):
            if check_robots and not self._robots_allow(url, current):
                raise FetchError(url, "robots-disallowed", str(current))
            response = self._send_with_retries(url, current, headers)
            if response.status_code not in REDIRECT_STATUSES:
                return current, response
            response.close()  # headers stay readable; the redirect's body is never wanted
            current = self._next_hop(url, current, response, visited)
        raise FetchError(url, "too-many-redirects", f"more than {self.settings.max_redirects}")

    def _next_hop(self, url: str, current: httpx.URL, response: httpx.Response, visited: set[str]) -> httpx.URL:
        location = response.headers.get("location")
        if not location:
            raise FetchError(url, f"http-{response.status_code}", "redirect without Location")
        try:
            target = current.join(location)
        except httpx.InvalidURL as exc:
            raise FetchError(url, "invalid-url", f"redirect to {location!r}: {exc}") from exc
        key = _without_fragment(target)
        if key in visited:
            raise FetchError(url, "redirect-loop", f"back to {key}")
        visited.add(key)
        return self.check_url(str(target), report_as=url)

    # --------------------------------------------------------------------------------- sending

    def _send_with_retries(self, url: str, target: httpx.URL, headers: dict[str, str] | None = None) -> httpx.Response:
        """The response to GET ``target`` after retrying connection errors, 5xx and 429 (open, body unread)."""
        for attempt in range(self.settings.retries + 1):
            last = attempt == self.settings.retries
            try:
                response = self._send(target, headers)
            except _RETRYABLE as exc:
                if last:
                    raise _transport_error(url, exc) from exc
                time.sleep(self._backoff(attempt))
                continue
            except (httpx.HTTPError, _BlockedPeer) as exc:
                raise _transport_error(url, exc) from exc
            wait = None if last else self._retry_wait(attempt, response)
            if wait is None:
                return response
            response.close()
            time.sleep(wait)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _send(self, target: httpx.URL, headers: dict[str, str] | None = None) -> httpx.Response:
        self._wait_turn(target.host)
        return self._client.send(self._client.build_request("GET", target, headers=headers), stream=True)

    def _wait_turn(self, host: str) -> None:
        """Sleep until ``host_delay`` has passed since the last request to ``host``."""
        last = self._last_request.get(host)
        if last is not None:
            wait = last + self.settings.host_delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self._last_request[host] = time.monotonic()

    def _backoff(self, attempt: int) -> float:
        return min(self.settings.backoff * 2**attempt, self.settings.max_backoff)

    def _retry_wait(self, attempt: int, response: httpx.Response) -> float | None:
        """Seconds to wait before retrying ``response``, or None when it is final."""
        if response.status_code != 429 and response.status_code < 500:
            return None
        asked = _retry_after(response)
        if asked is not None and asked > self.settings.max_backoff:
            return None  # the server wants a long rest: give up rather than knock early
        return max(self._backoff(attempt), asked or 0.0)

    def _read_body(self, url: str, response: httpx.Response, limit: int, *, truncate: bool = False) -> bytes:
        """At most ``limit`` bytes of the (decoded) body: more is too-large, or cut off with ``truncate``.

        Reading stops as soon as the limit is passed; closing the response then drops the connection.
        """
        declared = response.headers.get("content-length", "")
        if not truncate and declared.isdigit() and int(declared) > limit:
            raise FetchError(url, "too-large", f"Content-Length {declared} > {limit}")
        deadline = time.monotonic() + self.settings.max_read_time
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    if truncate:
                        return b"".join(chunks)[:limit]
                    raise FetchError(url, "too-large", f"more than {limit} bytes")
                if time.monotonic() > deadline:
                    raise FetchError(url, "timeout", f"body not read in {self.settings.max_read_time} s")
        except httpx.HTTPError as exc:
            raise _transport_error(url, exc) from exc
        return b"".join(chunks)

    # --------------------------------------------------------------------------------- robots.txt

    def _robots_allow(self, url: str, target: httpx.URL) -> bool:
        rules = self._robots_for(url, target)
        return rules.can_fetch(self.settings.user_agent, str(target))

    def _robots_for(self, url: str, target: httpx.URL) -> urllib.robotparser.RobotFileParser:
        origin = f"{target.scheme}://{target.netloc.decode('ascii')}"
        cached = self._robots.get(origin)
        if cached is not None and time.monotonic() < cached[0]:
            return cached[1]
        rules, ttl = self._load_robots(url, origin)
        self._robots[origin] = (time.monotonic() + ttl, rules)
        return rules

    def _load_robots(self, url: str, origin: str) -> tuple[urllib.robotparser.RobotFileParser, float]:
        """The rules of ``origin`` and how long to keep them.

        RFC 9309: 4xx means no rules, 5xx means disallow everything. A host that
        cannot be reached at all fails ``url`` with the same code (timeout,
        connection-error, dns-error) and nothing is cached; any other failure to
        load robots.txt (too large, redirect loop, ...) counts as no rules.
        """
        rules = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        try:
            _, response = self._follow(origin + "/robots.txt", check_robots=False)
            with closing(response):
                status = response.status_code
                body = self._read_body(url, response, ROBOTS_MAX_BYTES, truncate=True) if status < 300 else b""
        except FetchError as exc:
            if exc.code in UNREACHABLE_CODES:
                raise FetchError(url, exc.code, f"robots.txt: {exc.detail or exc.code}") from exc
            rules.allow_all = True  # type: ignore[attr-defined]  # RobotFileParser's own flags, not in its stubs
            return rules, ROBOTS_TTL
        # 429 is a 4xx, but it says "busy", not "no rules": treat it like 5xx, as Google does.
        if status >= 500 or status == 429:
            rules.disallow_all = True  # type: ignore[attr-defined]
            return rules, ROBOTS_ERROR_TTL
        if status >= 300:
            rules.allow_all = True  # type: ignore[attr-defined]
        else:
            rules.parse(body.decode("utf-8", errors="replace").splitlines())
        return rules, ROBOTS_TTL
