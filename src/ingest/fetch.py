"""Fetch feeds over HTTP (or from disk) within timeouts, a size cap and a redirect cap.

One GET per feed and run, conditional on the stored ETag / Last-Modified; retries with
exponential backoff and jitter inside a run, and `next_check_at` (ingest.state) across runs.
A failed fetch is data (a FetchResult with a one-line error), never an exception.
"""

from __future__ import annotations

import dataclasses
import functools
import ipaddress
import random
import socket
import ssl
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal, TypeVar
from urllib.parse import unquote, urljoin, urlsplit

import httpcore
import httpx

from ingest.config import Feed, Settings
from ingest.errors import BlockedURL, BodyTooLarge, FetchError, FetchTimeout, HTTPStatusError
from ingest.netguard import FeedGuard, feed_guard
from ingest.state import FeedState, state_after_failure, state_after_success

FetchStatus = Literal["ok", "not_modified", "failed", "skipped"]
T = TypeVar("T")

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# transient answers worth another try in the same run (unless the server says when)
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
# statuses whose Retry-After sets the next check (RFC 9110 section 10.2.3)
RETRY_AFTER_STATUSES = frozenset({429, 503})
ACCEPT_FEED = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.5"
)
HopCheck = Callable[[str], None]
PeerCheck = Callable[[str, str], None]


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch of one feed gave: bytes and headers, or why there are none."""

    feed_id: str
    status: FetchStatus
    url: str
    final_url: str | None = None
    http_status: int | None = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    elapsed_s: float = 0.0
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True, slots=True)
class Response:
    """A fully read, size-capped response after redirects."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes
    redirects: int = 0


def open_client(settings: Settings) -> httpx.Client:
    """An httpx client with our timeouts and User-Agent; redirects are followed by get_limited.

    Its connections check the address they reached before a byte is sent (see get_limited's
    check_peer), which defeats DNS rebinding between our address check and the connect.
    """
    client = httpx.Client(
        timeout=_timeout(settings, settings.total_timeout),
        follow_redirects=False,
        headers={"User-Agent": settings.user_agent},
        limits=httpx.Limits(
            max_connections=max(1, settings.max_concurrency) * 2,
            max_keepalive_connections=max(1, settings.max_concurrency),
        ),
    )
    install_peer_checks(client)
    return client


# the peer check of the request this thread is making, read by _CheckedBackend on connect
_PEER_CHECK: ContextVar[Callable[[str], None] | None] = ContextVar("peer_check", default=None)


# the total deadline (time.monotonic()) of the request this thread is making, read by
# _DeadlineStream on every socket read and write. httpx's timeouts are per socket operation
# only: a server trickling its status line and headers within the read timeout would otherwise
# hold a fetch far past total_timeout (reliability finding F11).
_DEADLINE: ContextVar[float | None] = ContextVar("deadline", default=None)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose reads and writes never wait past the current request's deadline.

    It also runs the current request's peer check before the first byte of each request is
    written: a pooled keep-alive connection opened for a trusted request (the configured feed
    URL, which has no check) is otherwise reused unchecked for article pages and redirects on
    the same origin (reliability finding F9).
    """

    def __init__(self, inner: httpcore.NetworkStream, checked: object | None = None) -> None:
        self._inner = inner
        self._checked = checked  # the peer check this connection last passed

    def _bounded(self, timeout: float | None) -> float | None:
        deadline = _DEADLINE.get()
        if deadline is None:
            return timeout
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise httpcore.ReadTimeout("total deadline passed")
        return remaining if timeout is None else min(timeout, remaining)

    def check_peer(self, check: Callable[[str], None] | None) -> None:
        """Run check on the address this connection reached (once per check, i.e. per request)."""
        if check is None or check is self._checked:
            return
        try:
            address = self._inner.get_extra_info("server_addr")
        except OSError as error:  # the peer already hung up
            raise httpcore.ConnectError(str(error)) from None
        if not (isinstance(address, tuple) and address):
            raise httpcore.ConnectError("no peer address for this connection")
        check(str(address[0]))
        self._checked = check

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        # a refused peer raises BlockedURL here, before any byte: never httpcore's WriteError,
        # which httpcore swallows to go on reading a response
        self.check_peer(_PEER_CHECK.get())
        self._inner.write(buffer, self._bounded(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._bounded(timeout))
        return _DeadlineStream(inner, self._checked)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


# getaddrinfo cannot be interrupted and httpx's connect timeout only starts after it: names are
# resolved on this pool so a hanging resolver costs a fetch its deadline, not the run (F12)
_RESOLVER = ThreadPoolExecutor(max_workers=8, thread_name_prefix="resolve")


def _connect_resolved(
    backend: httpcore.NetworkBackend,
    host: str,
    port: int,
    timeout: float | None,
    local_address: str | None,
    socket_options: Iterable[httpcore.SOCKET_OPTION] | None,
) -> httpcore.NetworkStream:
    """connect_tcp to host's addresses in turn, resolving within the request's deadline."""
    deadline = _DEADLINE.get()
    if deadline is None or _is_ip_literal(host):
        return backend.connect_tcp(host, port, timeout, local_address, socket_options)
    lookup = _RESOLVER.submit(socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM)
    try:
        answers = lookup.result(timeout=max(0.0, deadline - time.monotonic()))
    except FutureTimeout:
        raise httpcore.ConnectTimeout(f"resolving {host} outlasted the total deadline") from None
    except OSError as error:
        raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from None
    addresses = list(dict.fromkeys(str(answer[4][0]) for answer in answers))
    if not addresses:
        raise httpcore.ConnectError(f"{host} has no addresses")
    failure: Exception | None = None
    for address in addresses:  # as socket.create_connection does: the first that connects
        try:
            return backend.connect_tcp(address, port, timeout, local_address, socket_options)
        except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
            failure = error
    assert failure is not None
    raise failure


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


class _CheckedBackend(httpcore.NetworkBackend):
    """Runs the current request's peer check on each new connection, before it is used.

    Its streams run the check again for each later request they carry (see _DeadlineStream).
    """

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        stream = _DeadlineStream(
            _connect_resolved(self._inner, host, port, timeout, local_address, socket_options)
        )
        try:  # before TLS too: a ClientHello is already traffic to the peer
            stream.check_peer(_PEER_CHECK.get())
        except BaseException:
            stream.close()
            raise
        return stream

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        return self._inner.connect_unix_socket(path, timeout, socket_options)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def install_peer_checks(client: httpx.Client) -> bool:
    """Wrap the client's connection backend so peer checks run at connect time.

    httpx has no public hook between connect and send; its default transport keeps an
    httpcore pool whose backend we wrap. False (checks then run after the response headers
    only) when the client was built otherwise, e.g. behind a proxy.
    """
    pool = getattr(getattr(client, "_transport", None), "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if not isinstance(pool, httpcore.ConnectionPool) or backend is None:
        return False
    if not isinstance(backend, _CheckedBackend):
        pool._network_backend = _CheckedBackend(backend)
    return True


def _timeout(settings: Settings, remaining: float) -> httpx.Timeout:
    # no single socket wait may outlast what is left of the total deadline
    remaining = max(0.001, remaining)
    return httpx.Timeout(
        connect=min(settings.connect_timeout, remaining),
        read=min(settings.read_timeout, remaining),
        write=min(settings.read_timeout, remaining),
        pool=min(settings.connect_timeout, remaining),
    )


def get_limited(
    client: httpx.Client,
    url: str,
    settings: Settings,
    *,
    headers: Mapping[str, str] | None = None,
    check_hop: HopCheck | None = None,
    check_peer: PeerCheck | None = None,
) -> Response:
    """GET url following at most max_redirects redirects, each hop checked and counted.

    The body is streamed and cut at max_body_bytes (BodyTooLarge) and at the total deadline
    (FetchTimeout). Raises FetchError subclasses only; HTTP statuses are returned, not raised.
    """
    deadline = time.monotonic() + settings.total_timeout
    current = url
    for hop in range(settings.max_redirects + 1):
        if check_hop is not None:
            check_hop(current)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchTimeout(f"total timeout after {settings.total_timeout} s fetching {url}")
        token = _PEER_CHECK.set(
            functools.partial(check_peer, current) if check_peer is not None else None
        )
        deadline_token = _DEADLINE.set(deadline)
        try:
            with client.stream(
                "GET", current, headers=dict(headers or {}), timeout=_timeout(settings, remaining)
            ) as response:
                if check_peer is not None:
                    peer = _peer_address(response)
                    if peer is not None:
                        check_peer(current, peer)
                location = response.headers.get("location")
                if response.status_code in REDIRECT_STATUSES and location:
                    current = urljoin(current, location.strip())
                    continue
                body = _read_capped(response, current, settings, deadline)
                return Response(
                    url=url,
                    final_url=current,
                    status=response.status_code,
                    headers=dict(response.headers.items()),
                    body=body,
                    redirects=hop,
                )
        except httpx.TimeoutException as error:
            if time.monotonic() >= deadline:  # cut by _DeadlineStream, e.g. while reading headers
                message = f"total timeout after {settings.total_timeout} s reading {current}"
                raise FetchTimeout(message) from None
            raise FetchTimeout(_timeout_message(error, current, settings, remaining)) from None
        except httpx.InvalidURL as error:
            raise FetchError(f"invalid URL {current}: {error}") from None
        except httpx.HTTPError as error:
            raise FetchError(f"{type(error).__name__} fetching {current}: {error}") from None
        finally:
            _PEER_CHECK.reset(token)
            _DEADLINE.reset(deadline_token)
    raise HTTPStatusError(
        f"more than {settings.max_redirects} redirects from {url} (last {current})", 310
    )


def _peer_address(response: httpx.Response) -> str | None:
    stream = response.extensions.get("network_stream")
    if stream is None:
        return None
    try:
        address = stream.get_extra_info("server_addr")
    except OSError:  # the server already closed: the connect-time check has run
        return None
    if isinstance(address, tuple) and address:
        return str(address[0])
    return None


def _timeout_message(
    error: httpx.TimeoutException, url: str, settings: Settings, remaining: float
) -> str:
    connecting = isinstance(error, httpx.ConnectTimeout | httpx.PoolTimeout)
    limit = settings.connect_timeout if connecting else settings.read_timeout
    if remaining < limit:  # the socket wait was cut short by the total deadline
        return f"total timeout after {settings.total_timeout} s fetching {url}"
    if connecting:
        return f"connect timeout after {settings.connect_timeout} s to {url}"
    return f"timeout after {settings.read_timeout} s reading {url}"


# bodies up to this size stay in memory (nearly every feed and page); larger ones are spooled
SPOOL_BYTES = 2_000_000


def _read_capped(response: httpx.Response, url: str, settings: Settings, deadline: float) -> bytes:
    cap = settings.max_body_bytes
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise BodyTooLarge(f"body of {url} is {int(declared)} bytes, over the {cap}-byte cap")
    size = 0
    # a body past SPOOL_BYTES goes on to a temporary file: the runs' large bodies (the ones the
    # cap refuses above all) then wait on disk, not in memory, however many arrive at once
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as body:
        # iter_bytes yields decoded bytes, so the cap also bounds a gzip bomb's expansion
        for chunk in response.iter_bytes():  # as they arrive: a chunk_size would buffer
            size += len(chunk)
            if size > cap:
                raise BodyTooLarge(f"body of {url} exceeds the {cap}-byte cap")
            if time.monotonic() > deadline:
                raise FetchTimeout(f"total timeout after {settings.total_timeout} s reading {url}")
            body.write(chunk)
            del chunk
        body.seek(0)
        return body.read()


def fetch_feed(
    feed: Feed,
    state: FeedState | None,
    settings: Settings,
    client: httpx.Client,
    now: datetime,
    *,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> tuple[FetchResult, FeedState]:
    """Fetch one feed (HTTP with retries, or a local file) and the feed's next state."""
    state = state or FeedState(feed_id=feed.id)
    started = time.monotonic()
    if feed.is_local:
        return _fetch_file(feed, state, settings, now, started)
    conditional = _conditional_headers(state)
    response: Response | None = None
    error: FetchError | None = None
    for attempt in range(settings.retries + 1):
        if attempt:
            sleep(backoff_seconds(settings.backoff_base_seconds, attempt, rng))
        response, error = _attempt(feed, settings, client, conditional)
        if error is not None and isinstance(error, BodyTooLarge | BlockedURL | HTTPStatusError):
            break
        if response is not None and not _worth_retrying(response):
            break
    return _outcome(feed, state, settings, now, started, response, error, rng)


def _attempt(
    feed: Feed, settings: Settings, client: httpx.Client, headers: dict[str, str]
) -> tuple[Response | None, FetchError | None]:
    check_hop, check_peer = redirect_guards(feed)
    try:
        response = get_limited(
            client, feed.url, settings, headers=headers, check_hop=check_hop, check_peer=check_peer
        )
    except FetchError as error:
        return None, error
    return response, None


def redirect_guards(feed: Feed) -> tuple[HopCheck, PeerCheck]:
    """Checks for the hops of a feed fetch: the configured URL is trusted, redirects are not.

    A redirect must stay on http(s) and, unless the feed itself is on a private host, must not
    lead to (or connect to) a private, loopback or link-local address; a feed on a private
    host may redirect only within its own origin, to its host's own addresses (FeedGuard).
    """
    guards: list[FeedGuard] = []  # made once, on the first redirect (a DNS lookup)

    def guard() -> FeedGuard:
        if not guards:
            guards.append(feed_guard(feed.url))
        return guards[0]

    def check_hop(url: str) -> None:
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            raise BlockedURL(f"blocked redirect to {url}: scheme '{scheme}' is not http or https")
        if url != feed.url:
            guard().check_hop(url)

    def check_peer(url: str, peer: str) -> None:
        if url != feed.url:
            guard().check_peer(url, peer)

    return check_hop, check_peer


def _worth_retrying(response: Response) -> bool:
    if response.status not in RETRY_STATUSES:
        return False
    # a server that says when to come back gets its wish through next_check_at, not a hammer
    return not (response.status in RETRY_AFTER_STATUSES and "retry-after" in response.headers)


def backoff_seconds(base: float, attempt: int, rng: random.Random | None = None) -> float:
    """Seconds before retry number attempt: base/2 plus uniform jitter up to base*2**(attempt-1)."""
    ceiling = base * 2 ** max(0, attempt - 1)
    return base / 2 + (rng or random).uniform(0, ceiling)


def _conditional_headers(state: FeedState) -> dict[str, str]:
    headers = {"Accept": ACCEPT_FEED}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def _outcome(
    feed: Feed,
    state: FeedState,
    settings: Settings,
    now: datetime,
    started: float,
    response: Response | None,
    error: FetchError | None,
    rng: random.Random | None,
) -> tuple[FetchResult, FeedState]:
    elapsed = time.monotonic() - started
    if response is None:
        message = str(error) if error else f"no response from {feed.url}"
        result = FetchResult(feed.id, "failed", feed.url, error=message, elapsed_s=elapsed)
        return result, state_after_failure(state, now, message, settings, rng=rng)
    base = FetchResult(
        feed.id,
        "failed",
        feed.url,
        final_url=response.final_url,
        http_status=response.status,
        headers=response.headers,
        elapsed_s=elapsed,
    )
    if response.status == 304 or 200 <= response.status < 300:
        status: FetchStatus = "not_modified" if response.status == 304 else "ok"
        body = response.body if status == "ok" else None
        result = _replace(base, status=status, body=body)
        next_state = state_after_success(
            state,
            now,
            status=status,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            next_check_at=_cache_until(response.headers, now, settings),
        )
        return result, next_state
    message = f"HTTP {response.status} from {response.final_url}"
    retry_at = None
    if response.status in RETRY_AFTER_STATUSES:
        retry_at = retry_after(response.headers.get("retry-after"), now)
        if retry_at is not None:
            message += f" (retry after {retry_at.isoformat()})"
    result = _replace(base, error=message)
    return result, state_after_failure(state, now, message, settings, retry_at=retry_at, rng=rng)


def _replace(
    result: FetchResult,
    *,
    status: FetchStatus = "failed",
    body: bytes | None = None,
    error: str | None = None,
) -> FetchResult:
    return dataclasses.replace(
        result, status=status, body=body, error=error, fetched_at=datetime.now(UTC)
    )


def retry_after(value: str | None, now: datetime) -> datetime | None:
    """Retry-After as a time: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return now + timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(when, now)


def cache_max_age(headers: Mapping[str, str]) -> int | None:
    """Seconds from Cache-Control max-age (s-maxage is for shared caches, not us)."""
    for directive in headers.get("cache-control", "").split(","):
        name, _, value = directive.strip().partition("=")
        if name.lower() == "max-age" and value.strip().strip('"').isdigit():
            return int(value.strip().strip('"'))
    return None


def _cache_until(headers: Mapping[str, str], now: datetime, settings: Settings) -> datetime | None:
    max_age = cache_max_age(headers)
    if not max_age:
        return None
    return now + timedelta(seconds=min(max_age, settings.max_check_interval_seconds))


def local_path(url: str) -> Path:
    """The file a file:// URL or plain path names."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return Path(urllib.request.url2pathname(unquote(parts.path)))
    return Path(url)


def _fetch_file(
    feed: Feed, state: FeedState, settings: Settings, now: datetime, started: float
) -> tuple[FetchResult, FeedState]:
    path = local_path(feed.url)
    try:
        size = path.stat().st_size
        modified = formatdate(path.stat().st_mtime, usegmt=True)
        if state.last_modified == modified and state.last_status in ("ok", "not_modified"):
            result = FetchResult(
                feed.id,
                "not_modified",
                feed.url,
                final_url=feed.url,
                headers={"last-modified": modified},
                elapsed_s=time.monotonic() - started,
            )
            return result, state_after_success(
                state,
                now,
                status="not_modified",
                etag=None,
                last_modified=modified,
                next_check_at=None,
            )
        if size > settings.max_body_bytes:
            raise BodyTooLarge(
                f"{path} is {size} bytes, over the {settings.max_body_bytes}-byte cap"
            )
        with path.open("rb") as handle:
            body = handle.read(settings.max_body_bytes + 1)
        if len(body) > settings.max_body_bytes:
            raise BodyTooLarge(f"{path} exceeds the {settings.max_body_bytes}-byte cap")
    except OSError as error:
        message = f"cannot read {path}: {error.strerror or error}"
        result = FetchResult(feed.id, "failed", feed.url, error=message)
        return result, state_after_failure(state, now, message, settings)
    except BodyTooLarge as error:
        result = FetchResult(feed.id, "failed", feed.url, error=str(error))
        return result, state_after_failure(state, now, str(error), settings)
    headers = {"last-modified": modified, "content-location": feed.url}
    result = FetchResult(
        feed.id,
        "ok",
        feed.url,
        final_url=feed.url,
        body=body,
        headers=headers,
        elapsed_s=time.monotonic() - started,
    )
    next_state = state_after_success(
        state, now, status="ok", etag=None, last_modified=modified, next_check_at=None
    )
    return result, next_state


def fetch_feeds(
    feeds: Iterable[Feed],
    states: Mapping[str, FeedState],
    settings: Settings,
    client: httpx.Client,
    now: datetime,
    force: bool = False,
) -> list[tuple[FetchResult, FeedState]]:
    """Fetch due feeds concurrently (max_concurrency overall, per_host_concurrency per host).

    Feeds whose next_check_at is still ahead are 'skipped' (unless force); results keep the
    order of feeds.
    """
    return fetch_each(feeds, states, settings, client, now, _as_fetched, force)


def _as_fetched(feed: Feed, result: FetchResult, state: FeedState) -> tuple[FetchResult, FeedState]:
    return result, state


def fetch_each(
    feeds: Iterable[Feed],
    states: Mapping[str, FeedState],
    settings: Settings,
    client: httpx.Client,
    now: datetime,
    then: Callable[[Feed, FetchResult, FeedState], T],
    force: bool = False,
) -> list[T]:
    """`fetch_feeds`, handing each feed's fetch to `then` in the worker that fetched it.

    `then` runs as soon as its feed is fetched (e.g. to parse the body and drop it), so a
    group holds at most max_concurrency bodies at a time, not one per feed.
    """
    feed_list = list(feeds)
    per_host = max(1, settings.per_host_concurrency)
    host_slots = {f.host: threading.BoundedSemaphore(per_host) for f in feed_list}

    def run(feed: Feed) -> T:
        state = states.get(feed.id) or FeedState(feed_id=feed.id)
        if not force and not state.is_due(now):
            due = state.next_check_at.isoformat() if state.next_check_at else "now"
            result = FetchResult(feed.id, "skipped", feed.url, error=f"next check at {due}")
            return then(feed, result, state)
        with host_slots[feed.host]:
            result, state = fetch_feed(feed, state, settings, client, now)
        return then(feed, result, state)  # after the host's slot is given back

    if not feed_list:
        return []
    workers = max(1, min(settings.max_concurrency, len(feed_list)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
        return list(pool.map(run, feed_list))
