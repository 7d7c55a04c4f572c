"""SSRF guard: schemes, allowed domains and resolved addresses (no traffic is sent)."""

from __future__ import annotations

import pytest

from ingest.errors import BlockedURL
from ingest.netguard import check_address, check_url, host_is_private, host_matches


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
