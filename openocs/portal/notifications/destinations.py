"""Where a webhook may deliver: public addresses only, checked once and then connected to.

A webhook URL is user input that makes the portal open a connection, so unless
``OCS_WEBHOOK_ALLOW_PRIVATE_NETWORKS`` is on it must not reach the observatory's own network:
every address its host resolves to must be public — not loopback, private, link-local, shared
(CGNAT), multicast, reserved or unspecified, including those addresses written another way
(``2130706433``, ``0x7f.1``, ``[::ffff:127.0.0.1]``) or embedded in an IPv6 address (IPv4-mapped
and -compatible, 6to4, Teredo, NAT64). The check runs when a webhook is created or changed, and
again at each delivery, which then connects to the very address it checked (the URL's host is
kept in the ``Host`` header and for TLS), so a name that resolves differently the second time
(DNS rebinding) cannot redirect it.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = [ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48")]
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Destination:
    """A webhook URL resolved once: ``address`` is what to connect to, ``refused`` why not."""

    url: str
    host: str = ""
    port: int = 0
    address: str = ""
    refused: str = ""
    addresses: tuple[str, ...] = field(default=())
    unresolved: bool = False  # the lookup failed: may succeed later, unlike a refusal

    def connection(self) -> tuple[str, dict[str, str], dict[str, str]]:
        """(URL naming the checked address, headers, httpx request extensions) of a request
        that reaches ``address`` while presenting the original host name (``Host``, SNI)."""
        parts = urlsplit(self.url)
        literal = f"[{self.address}]" if ":" in self.address else self.address
        netloc = literal if parts.port is None else f"{literal}:{parts.port}"
        pinned = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
        host_header = self.host if parts.port is None else f"{self.host}:{parts.port}"
        if ":" in self.host:  # an IPv6 literal in the URL
            host_header = f"[{self.host}]" if parts.port is None else f"[{self.host}]:{parts.port}"
        extensions = {"sni_hostname": self.host} if parts.scheme == "https" else {}
        return pinned, {"Host": host_header}, extensions


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    embedded: list[ipaddress.IPv4Address] = []
    if address.ipv4_mapped is not None:
        embedded.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        embedded.append(address.sixtofour)
    if address.teredo is not None:
        embedded.extend(address.teredo)
    packed = int(address)
    if packed >> 32 == 0 and packed > 1:  # IPv4-compatible ::a.b.c.d (deprecated)
        embedded.append(ipaddress.IPv4Address(packed & 0xFFFFFFFF))
    if any(address in network for network in _NAT64):
        embedded.append(ipaddress.IPv4Address(packed & 0xFFFFFFFF))
    return embedded


def non_public_reason(address: IPAddress) -> str:
    """Why ``address`` is not a public unicast address ("" when it is)."""
    if address.is_multicast:
        return "multicast"
    if not address.is_global:
        return "non-public"
    if isinstance(address, ipaddress.IPv6Address):
        for inner in _embedded_ipv4(address):
            if not inner.is_global or inner.is_multicast:
                return f"non-public (it embeds {inner})"
    return ""


def destination_resolve(url: str, *, allow_private: bool) -> Destination:
    """Resolve ``url``'s host once and check every address it resolves to."""
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".")
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not host:
        return Destination(
            url=url, host=host, refused="the URL must be http:// or https:// with a host"
        )
    try:
        port = parts.port or _DEFAULT_PORTS[scheme]
    except ValueError:
        return Destination(url=url, host=host, refused="the URL's port is not a number in 1-65535")
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as error:
        return Destination(
            url=url,
            host=host,
            port=port,
            refused=f"cannot resolve {host}: {error}",
            unresolved=True,
        )
    addresses: list[str] = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone index
        if text not in addresses:
            addresses.append(text)
    if not allow_private:
        for text in addresses:
            reason = non_public_reason(ipaddress.ip_address(text))
            if reason:
                return Destination(
                    url=url,
                    host=host,
                    port=port,
                    addresses=tuple(addresses),
                    refused=f"{host} resolves to the {reason} address {text}",
                )
    return Destination(
        url=url, host=host, port=port, address=addresses[0], addresses=tuple(addresses)
    )
