"""SSRF guard: schemes, allowed domains and resolved addresses (no traffic is sent)."""

from __future__ import annotations

import re

import pytest

from ingest.errors import BlockedURL
from ingest.netguard import (
    check_address,
    check_url,
    feed_guard,
    host_is_private,
    host_matches,
    url_origin,
)


def public_resolver(host: str) -> list[str]:
    return ["93.184.216.34"]


def rebinding_resolver(host: str) -> list[str]:
    # a public answer and a private one: every answer must be public
    return ["93.184.216.34", "10.1.2.3"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://localhost/admin", "is not public (loopback)"),
        ("http://127.0.0.1:8080/", "address 127.0.0.1 is not public (loopback)"),
        ("http://[::1]/", "address ::1 is not public (loopback)"),
        (
            "http://169.254.169.254/latest/meta-data/",
            "address 169.254.169.254 is not public (link-local)",
        ),
        ("http://10.0.0.1/", "address 10.0.0.1 is not public (private)"),
        ("http://192.168.1.1/", "address 192.168.1.1 is not public (private)"),
        ("http://[::ffff:127.0.0.1]/", "is not public (loopback)"),
        ("http://0.0.0.0/", "address 0.0.0.0 is not public"),
        ("http://224.0.0.1/", "address 224.0.0.1 is not public"),
        ("http://2130706433/", "is not public (loopback)"),  # 127.0.0.1 as one number
        ("file:///etc/passwd", "scheme 'file' is not http or https"),
        ("gopher://127.0.0.1:70/_stats", "scheme 'gopher' is not http or https"),
        ("ftp://ftp.state.gov/x", "scheme 'ftp' is not http or https"),
        ("//state.gov/x", "scheme 'none' is not http or https"),
        ("http://user:pw@www.state.gov/", "credentials in the URL"),
        ("http:///nohost", "no host"),
    ],
)
def test_blocked(url: str, reason: str) -> None:
    with pytest.raises(BlockedURL) as caught:
        check_url(url)
    message = str(caught.value)
    assert message.startswith(f"blocked {url}: ") and reason in message
    assert "\n" not in message


def test_allowed_domains_suffix_match() -> None:
    check_url("https://www.state.gov/x/", ("state.gov",), resolve=public_resolver)
    check_url("https://state.gov/x/", ("state.gov",), resolve=public_resolver)
    with pytest.raises(BlockedURL, match="outside the allowed domains"):
        check_url("https://evilstate.gov/x/", ("state.gov",), resolve=public_resolver)
    with pytest.raises(BlockedURL, match="outside the allowed domains"):
        check_url("https://state.gov.evil.example/x/", ("state.gov",), resolve=public_resolver)
    assert host_matches("WWW.STATE.GOV.", ("state.gov",))


def test_every_dns_answer_is_checked() -> None:
    with pytest.raises(BlockedURL, match=r"address 10\.1\.2\.3 is not public \(private\)"):
        check_url("https://www.state.gov/", ("state.gov",), resolve=rebinding_resolver)


def test_unresolvable_host_is_blocked() -> None:
    def fails(host: str) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(BlockedURL, match="does not resolve"):
        check_url("https://nowhere.invalid/", resolve=fails)


def test_private_hosts_allowed_when_the_feed_is_private() -> None:
    check_url("http://127.0.0.1:8080/a.html", ("127.0.0.1",), allow_private_hosts=True)
    with pytest.raises(BlockedURL, match="scheme"):
        check_url("file:///etc/passwd", allow_private_hosts=True)
    with pytest.raises(BlockedURL, match="outside the allowed domains"):
        check_url("http://10.0.0.1/", ("127.0.0.1",), allow_private_hosts=True)


def test_host_is_private() -> None:
    assert host_is_private("127.0.0.1") and host_is_private("localhost")
    assert host_is_private("::1") and host_is_private("10.0.0.1")
    assert not host_is_private("93.184.216.34")
    assert not host_is_private("www.state.gov", resolve=public_resolver)
    assert not host_is_private("")


def test_peer_address_check() -> None:
    check_address("https://www.state.gov/", "93.184.216.34")
    with pytest.raises(BlockedURL, match="not public"):
        check_address("https://www.state.gov/", "127.0.0.1")


def test_url_origin() -> None:
    assert url_origin("http://127.0.0.1/a") == ("http", "127.0.0.1", 80)
    assert url_origin("HTTPS://News.Example.:8443/a?b") == ("https", "news.example", 8443)
    assert (
        url_origin("http://[0:0::1]:81/") == url_origin("http://[::1]:81/") == ("http", "::1", 81)
    )
    assert url_origin("http://localhost:81/") == ("http", "localhost", 81)  # a name stays a name
    for broken in ("file:///etc/passwd", "http:///x", "http://h:99999/", "http://[::1/", "x"):
        assert url_origin(broken) is None


def test_a_private_feed_keeps_to_its_origin_and_its_addresses() -> None:
    guard = feed_guard("http://127.0.0.1:8080/feed.xml")
    guard.check_hop("http://127.0.0.1:8080/pages/a.html")
    guard.check_peer("http://127.0.0.1:8080/pages/a.html", "127.0.0.1")
    guard.check_peer("http://127.0.0.1:8080/pages/a.html", "::ffff:127.0.0.1")
    for other in (
        "http://127.0.0.1:8081/secret",  # another service on the same host
        "http://127.0.0.1/secret",  # port 80
        "https://127.0.0.1:8080/",  # another scheme
        "http://localhost:8080/",  # another spelling of the host
        "http://10.0.0.1:8080/",
    ):
        with pytest.raises(BlockedURL, match=re.escape("not on http://127.0.0.1:8080, the")):
            guard.check_hop(other)
    with pytest.raises(BlockedURL, match="scheme 'file'"):
        guard.check_hop("file:///etc/passwd")
    with pytest.raises(BlockedURL, match=r"connected to 127\.0\.0\.2, not an address of"):
        guard.check_peer("http://127.0.0.1:8080/a", "127.0.0.2")


def test_a_private_feed_by_name_connects_only_to_its_hosts_addresses() -> None:
    guard = feed_guard("http://intranet.example/feed", resolve=lambda host: ["10.1.1.1"])
    guard.check_hop("http://intranet.example/page")
    guard.check_peer("http://intranet.example/page", "10.1.1.1")
    with pytest.raises(BlockedURL) as caught:
        guard.check_peer("http://intranet.example/page", "10.1.1.2")  # rebound
    assert str(caught.value) == (
        "blocked http://intranet.example/page: connected to 10.1.1.2, not an address of the "
        "feed's host 'intranet.example' (10.1.1.1)"
    )
    mixed = feed_guard("http://mixed.example/feed", resolve=lambda host: ["8.8.8.8", "10.0.0.2"])
    assert mixed.origin == ("http", "mixed.example", 80)  # one private answer makes it private


def test_a_public_feed_keeps_the_public_rules() -> None:
    guard = feed_guard("https://93.184.216.34/feed", ("93.184.216.34", "8.8.8.8"))
    assert guard.origin is None
    guard.check_hop("https://8.8.8.8:8443/other-port")  # any port of an allowed public host
    guard.check_peer("https://8.8.8.8:8443/other-port", "8.8.8.8")
    with pytest.raises(BlockedURL, match="outside the allowed domains"):
        guard.check_hop("https://1.1.1.1/")
    with pytest.raises(BlockedURL, match="not public"):
        guard.check_peer("https://8.8.8.8/", "127.0.0.1")
    # a feed host that does not resolve is not trusted as private
    assert feed_guard("http://nowhere.invalid/", resolve=_unresolvable).origin is None


def _unresolvable(host: str) -> list[str]:
    raise OSError("Name or service not known")
