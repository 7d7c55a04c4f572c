"""URL safety checks before fetching pages a feed points at: scheme, domain and resolved address.

Article links come from third-party content, so they could point the pipeline at internal
services (SSRF). A URL passes only when its scheme is http(s), its host is inside the feed's
allowed domains, and every address the host resolves to is public. Feeds configured on a
private or loopback host (tests, intranets) may fetch pages from such addresses.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.request
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from ingest.errors import BlockedURL

ALLOWED_SCHEMES = frozenset({"http", "https"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], list[str]]


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
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified
    )


def host_matches(host: str, allowed_domains: Sequence[str]) -> bool:
    """Suffix match on whole labels: "www.state.gov" is inside "state.gov", "evilstate.gov" not."""
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in allowed_domains)


def host_is_private(host: str, resolve: Resolver = resolve_host) -> bool:
    """True when host is (or resolves to) a non-public address; unresolvable hosts are not."""
    if not host:
        return False
    literal = parse_address(host)
    if literal is not None:
        return not is_public_address(literal)
    try:
        addresses = resolve(host)
    except (OSError, UnicodeError):
        return False
    return any(not is_public_address(a) for a in map(parse_address, addresses) if a is not None)


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


def check_address(url: str, address: IPAddress | str) -> None:
    """Raise BlockedURL when address (e.g. the peer a connection reached) is not public."""
    parsed = parse_address(address) if isinstance(address, str) else address
    if parsed is None:
        raise BlockedURL(f"blocked {url}: '{address}' is not an IP address")
    if not is_public_address(parsed):
        raise BlockedURL(f"blocked {url}: address {parsed} is not public ({_kind(parsed)})")


def _kind(address: IPAddress) -> str:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for name in ("loopback", "link_local", "multicast", "private", "reserved", "unspecified"):
        if getattr(address, f"is_{name}"):
            return name.replace("_", "-")
    return "not global"
