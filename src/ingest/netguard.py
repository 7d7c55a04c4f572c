"""URL safety checks before fetching pages a feed points at: scheme, domain, origin and address.

Article links come from third-party content, so they could point the pipeline at internal
services (SSRF). A URL passes only when its scheme is http(s), its host is inside the feed's
allowed domains, and every address the host resolves to is public; the address a connection
actually reached is checked again before a byte is sent (DNS rebinding).

A feed configured on a private or loopback host (an intranet, tests) reads pages only from its
own origin: the scheme, host and port of its URL, the host spelled as the URL spells it (as
browsers compare origins: http://127.0.0.1:8080 and http://localhost:8080 are two origins), and
its connections must reach one of the addresses the feed's host resolved to. Other services on
that host or network (another port, another name, a name rebound to another address) stay out
of reach.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from ingest.errors import BlockedURL

ALLOWED_SCHEMES = frozenset({"http", "https"})

DEFAULT_PORTS = {"http": 80, "https": 443}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], list[str]]
Origin = tuple[str, str, int]  # scheme, host, port


def resolve_host(host: str) -> list[str]:
    """Every address the system resolver gives for host (IPv4 and IPv6)."""
    answers = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(answer[4][0]) for answer in answers})


def parse_address(text: str) -> IPAddress | None:
    """An IP address from a literal (IPv6 zone ids dropped), or None when text is a name."""
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def is_public_address(address: IPAddress) -> bool:
    """False for private, loopback, link-local, multicast, reserved and unspecified addresses."""
    address = _unmapped(address)
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified
    )


def host_matches(host: str, allowed_domains: Sequence[str]) -> bool:
    """Suffix match on whole labels: "www.state.gov" is inside "state.gov", "evilstate.gov" not."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in allowed_domains)


def host_addresses(host: str, resolve: Resolver = resolve_host) -> frozenset[IPAddress]:
    """The addresses host is (an IP literal) or resolves to; empty when it does not resolve."""
    if not host:
        return frozenset()
    literal = parse_address(host)
    if literal is not None:
        return frozenset({_unmapped(literal)})
    try:
        answers = resolve(host)
    except (OSError, UnicodeError):
        return frozenset()
    return frozenset(_unmapped(a) for a in map(parse_address, answers) if a is not None)


def host_is_private(host: str, resolve: Resolver = resolve_host) -> bool:
    """True when host is (or resolves to) a non-public address; unresolvable hosts are not."""
    return any(not is_public_address(a) for a in host_addresses(host, resolve))


def url_origin(url: str) -> Origin | None:
    """(scheme, host, port) of an http(s) URL, the default port filled in; None if it has none.

    The host is lowercased without a trailing dot; an IP literal is written canonically
    ("[0:0::1]" and "[::1]" are one origin), a name is kept as spelled ("localhost" is not
    "127.0.0.1").
    """
    try:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").rstrip(".")
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:  # a port out of range or not a number, a broken IPv6 literal
        return None
    if scheme not in ALLOWED_SCHEMES or not host or port is None:
        return None
    literal = parse_address(host)
    return scheme, host if literal is None else str(literal), port


def origin_text(origin: Origin) -> str:
    """An origin as a URL prefix: http://127.0.0.1:8080, https://[::1]:443."""
    scheme, host, port = origin
    return f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}"


def check_url(
    url: str,
    allowed_domains: Sequence[str] = (),
    allow_private_hosts: bool = False,
    resolve: Resolver = resolve_host,
) -> None:
    """Raise BlockedURL (one line naming the URL and the reason) unless url may be fetched.

    An empty allowed_domains means any domain; the address check always runs unless
    allow_private_hosts is set.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedURL(f"blocked {url}: scheme '{scheme or 'none'}' is not http or https")
    try:
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        host = ""
    if not host:
        raise BlockedURL(f"blocked {url}: no host")
    if parts.username or parts.password:
        raise BlockedURL(f"blocked {url}: credentials in the URL")
    if allowed_domains and not host_matches(host, allowed_domains):
        raise BlockedURL(
            f"blocked {url}: host '{host}' is outside the allowed domains "
            f"({', '.join(allowed_domains)})"
        )
    if not allow_private_hosts:
        check_host_addresses(url, host, resolve)


def check_host_addresses(url: str, host: str, resolve: Resolver = resolve_host) -> None:
    """Raise BlockedURL when host is, or resolves to, any non-public address."""
    literal = parse_address(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = [a for a in map(parse_address, resolve(host)) if a is not None]
        except (OSError, UnicodeError) as error:
            raise BlockedURL(f"blocked {url}: host '{host}' does not resolve ({error})") from None
        if not addresses:
            raise BlockedURL(f"blocked {url}: host '{host}' has no addresses")
    for address in addresses:
        check_address(url, address)


def is_proxied(url: str) -> bool:
    """True when the environment sends url through an HTTP proxy (the peer is then the proxy)."""
    parts = urlsplit(url)
    return parts.scheme in urllib.request.getproxies() and not urllib.request.proxy_bypass(
        parts.hostname or ""
    )


@dataclass(frozen=True, slots=True)
class FeedGuard:
    """Where the fetches a feed leads to (its redirects, its article pages) may go.

    A feed on a public host: http(s) URLs inside allowed_domains (empty: any) whose addresses,
    resolved and connected to, are all public. A feed on a private host (origin set): the
    same scheme and domain rules, only its own origin, and connections only to the addresses
    its host resolved to when the guard was made.
    """

    allowed_domains: tuple[str, ...] = ()
    origin: Origin | None = None
    addresses: frozenset[IPAddress] = frozenset()

    def check_hop(self, url: str) -> None:
        """Raise BlockedURL unless url may be requested (every redirect hop is checked)."""
        check_url(url, self.allowed_domains, allow_private_hosts=self.origin is not None)
        if self.origin is not None and url_origin(url) != self.origin:
            raise BlockedURL(
                f"blocked {url}: not on {origin_text(self.origin)}, the origin of its feed "
                "(a feed on a private host reads pages only from its origin)"
            )

    def check_peer(self, url: str, peer: str) -> None:
        """Raise BlockedURL unless the address a connection for url reached is allowed."""
        if is_proxied(url):  # the peer is the proxy, which resolves and connects itself
            return
        if self.origin is None:
            check_address(url, peer)
            return
        address = parse_address(peer)
        if address is None or _unmapped(address) not in self.addresses:
            known = ", ".join(sorted(str(a) for a in self.addresses))
            raise BlockedURL(
                f"blocked {url}: connected to {peer}, not an address of the feed's host "
                f"'{self.origin[1]}' ({known})"
            )


def feed_guard(
    feed_url: str, allowed_domains: Sequence[str] = (), resolve: Resolver = resolve_host
) -> FeedGuard:
    """The guard of a feed at feed_url, made with one DNS lookup of its host, now.

    Private when the host is, or resolves to, any non-public address; a host that does not
    resolve gets the public rules.
    """
    origin = url_origin(feed_url)
    addresses = host_addresses(origin[1], resolve) if origin is not None else frozenset()
    if origin is None or all(is_public_address(a) for a in addresses):
        return FeedGuard(tuple(allowed_domains))
    return FeedGuard(tuple(allowed_domains), origin, addresses)


def check_address(url: str, address: IPAddress | str) -> None:
    """Raise BlockedURL when address (e.g. the peer a connection reached) is not public."""
    parsed = parse_address(address) if isinstance(address, str) else address
    if parsed is None:
        raise BlockedURL(f"blocked {url}: '{address}' is not an IP address")
    if not is_public_address(parsed):
        raise BlockedURL(f"blocked {url}: address {parsed} is not public ({_kind(parsed)})")


def _unmapped(address: IPAddress) -> IPAddress:
    """::ffff:127.0.0.1 as 127.0.0.1: a dual-stack socket may report either."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _kind(address: IPAddress) -> str:
    address = _unmapped(address)
    for name in ("loopback", "link_local", "multicast", "private", "reserved", "unspecified"):
        if getattr(address, f"is_{name}"):
            return name.replace("_", "-")
    return "not global"
