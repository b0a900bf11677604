"""Where SONS agrees to send a webhook: a public address, never its own network.

A subscription's URL is checked when it is made (refused with a French message naming the field) and again
before each attempt, on the addresses the host resolves to at that moment: every address must be public, and
the connection is then made to one of those very addresses (`Target.addresses`), so a name that resolved to a
public address at subscription time and to 10.0.0.1 now (DNS rebinding) is refused, and so is one that
answers differently between the check and the connection.

Refused: a scheme other than https (http too in development and tests, `SONS_WEBHOOK_HTTPS_ONLY`), user
information in the URL, a loopback address (allowed in the tests only, `SONS_WEBHOOK_ALLOW_LOOPBACK`), a
private, link-local (cloud metadata 169.254.169.254), shared, multicast, reserved or unspecified address,
an address of the platform's own networks (`SONS_WEBHOOK_BLOCKED_NETWORKS`), and the platform's own host
names (ALLOWED_HOSTS).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from sons.errors import Invalid

MAX_URL_LENGTH = 500


class UnsafeTarget(Invalid):
    """A webhook URL SONS refuses to call (HTTP 422 when it is given)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with its query string
    addresses: tuple[str, ...]  # every address the host resolved to, all checked


def parse(url: str, field: str = "url") -> tuple[str, str, int, str]:
    url = (url or "").strip()
    if not url:
        raise UnsafeTarget(f"{field} : adresse du point de réception obligatoire.", field)
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeTarget(f"{field} : adresse trop longue ({MAX_URL_LENGTH} caractères au plus).", field)
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise UnsafeTarget(f"{field} : l'adresse ne doit contenir ni espace ni caractère de contrôle.", field)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeTarget(
            f"{field} : adresse illisible (attendu : https://hote.exemple.fr/chemin).", field
        ) from None
    scheme = parts.scheme.lower()
    allowed = ("https",) if settings.SONS_WEBHOOK_HTTPS_ONLY else ("https", "http")
    if scheme not in allowed:
        raise UnsafeTarget(
            f"{field} : seules les adresses https:// sont admises"
            + (" en production." if scheme == "http" else f" (reçu « {parts.scheme or 'sans schéma'} »)."),
            field,
        )
    if parts.username is not None or parts.password is not None:
        raise UnsafeTarget(
            f"{field} : l'adresse ne doit pas contenir d'identifiant ni de mot de passe.", field
        )
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeTarget(
            f"{field} : nom d'hôte manquant (attendu : https://hote.exemple.fr/chemin).", field
        )
    if parts.fragment:
        raise UnsafeTarget(f"{field} : l'adresse ne doit pas contenir de fragment (#…).", field)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port or (443 if scheme == "https" else 80), path


def platform_host(host: str) -> bool:
    for allowed in settings.ALLOWED_HOSTS:
        allowed = allowed.lower().rstrip(".")
        if allowed in ("*", ""):
            continue
        if host == allowed or (allowed.startswith(".") and (host.endswith(allowed) or host == allowed[1:])):
            return True
    return False


def refusal(address: str) -> str | None:
    """Why SONS will not connect to `address`, or None when it may."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None if settings.SONS_WEBHOOK_ALLOW_LOOPBACK else "adresse de bouclage (la machine elle-même)"
    for network in settings.SONS_WEBHOOK_BLOCKED_NETWORKS:
        if ip in ipaddress.ip_network(network, strict=False):
            return "adresse du réseau de la plateforme"
    if ip.is_unspecified:
        return "adresse non spécifiée"
    if ip.is_link_local:
        return "adresse lien-local (métadonnées d'hébergement)"
    if ip.is_private:
        return "adresse privée"
    if ip.is_multicast or ip.is_reserved or not ip.is_global:
        return "adresse non publique"
    return None


def resolve(host: str, port: int) -> tuple[str, ...]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return ()
    return tuple(dict.fromkeys(info[4][0] for info in found))


def check(url: str, field: str = "url") -> Target:
    """The URL's target with every address it resolves to now; refused (UnsafeTarget, naming `field`) when any
    of them is not public, or the host is the platform's own."""
    scheme, host, port, path = parse(url, field)
    addresses = resolve(host, port)
    if not addresses:
        raise UnsafeTarget(f"{field} : nom d'hôte « {host} » introuvable (DNS).", field)
    for address in addresses:
        why = refusal(address)
        if why:
            shown = host if host == address else f"{host} ({address})"
            raise UnsafeTarget(
                f"{field} : adresse refusée : {shown} est une {why} ; seule une adresse publique est admise.",
                field,
                address=address,
            )
    if not settings.SONS_WEBHOOK_ALLOW_LOOPBACK and platform_host(host.lower()):
        raise UnsafeTarget(f"{field} : adresse refusée : « {host} » est la plateforme SONS elle-même.", field)
    return Target(scheme, host, port, path, addresses)
