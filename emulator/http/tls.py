"""HTTPS for the local emulator, as production has it: a private certificate authority and a
server certificate for the loopback names, generated once into the data dir and reused.

    files = ensure_certificates(data_dir / "tls", hosts=["127.0.0.1", "localhost"])
    files.cert, files.key         # what uvicorn serves
    files.ca                      # the authority alone (give it to a client to trust)
    files.trust                   # the system's usual authorities + ours: point
                                  # REQUESTS_CA_BUNDLE / SSL_CERT_FILE at this one

The authority's private key is never written: once the server certificate is signed it
is dropped, so nothing on disk can mint another certificate this bundle trusts. The files
are regenerated when one is missing, when the server certificate expires within a day, or
when it does not cover a requested host name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import os
import pathlib

VALIDITY_DAYS = 397  # the longest a public CA may issue for; renewed a day before the end
RENEW_BEFORE = dt.timedelta(days=1)
DEFAULT_HOSTS = ("127.0.0.1", "localhost")


@dataclasses.dataclass(frozen=True)
class TLSFiles:
    cert: pathlib.Path  # server certificate followed by the authority (the chain uvicorn sends)
    key: pathlib.Path  # the server certificate's private key (0600)
    ca: pathlib.Path  # the emulator's authority alone
    trust: pathlib.Path  # the usual public authorities plus the emulator's

    def env(self) -> dict[str, str]:
        """The standard variables that make `requests`, `httpx`, `urllib` and OpenSSL
        trust the emulator (and still every public site)."""
        return {"REQUESTS_CA_BUNDLE": str(self.trust), "SSL_CERT_FILE": str(self.trust)}


def files_in(folder: str | os.PathLike) -> TLSFiles:
    folder = pathlib.Path(folder)
    return TLSFiles(
        folder / "server.pem", folder / "server-key.pem", folder / "ca.pem", folder / "trust.pem"
    )


def ensure_certificates(
    folder: str | os.PathLike, hosts: tuple[str, ...] | list[str] = DEFAULT_HOSTS
) -> TLSFiles:
    """The certificate files in `folder`, generated if missing, expiring or not covering
    `hosts` (IP addresses and DNS names); existing valid ones are reused across restarts."""
    files = files_in(folder)
    wanted = sorted(set(DEFAULT_HOSTS) | {h for h in hosts if h and h not in ("0.0.0.0", "::")})
    if _usable(files, wanted):
        return files
    files.cert.parent.mkdir(parents=True, exist_ok=True)
    _generate(files, wanted)
    return files


def _usable(files: TLSFiles, hosts: list[str]) -> bool:
    if not all(p.exists() for p in (files.cert, files.key, files.ca, files.trust)):
        return False
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(files.cert.read_bytes())
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, x509.ExtensionNotFound):
        return False
    covered = {str(ip) for ip in names.get_values_for_type(x509.IPAddress)}
    covered |= set(names.get_values_for_type(x509.DNSName))
    fresh = cert.not_valid_after_utc - dt.datetime.now(dt.UTC) > RENEW_BEFORE
    return fresh and set(hosts) <= covered


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Appwrite emulator"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _generate(files: TLSFiles, hosts: list[str]) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID

    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)  # tolerate a little clock skew
    until = now + dt.timedelta(days=VALIDITY_DAYS)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Appwrite emulator local CA")
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    alt_names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            alt_names.append(x509.DNSName(host))
    server = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    ca_pem = ca.public_bytes(pem)
    key_pem = key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write(files.key, key_pem, 0o600)
    _write(files.cert, server.public_bytes(pem) + ca_pem, 0o644)
    _write(files.ca, ca_pem, 0o644)
    _write(files.trust, _public_authorities() + b"\n" + ca_pem, 0o644)


def _public_authorities() -> bytes:
    """The authorities a client trusts by default (certifi's bundle, which `requests` and
    `httpx` use), so pointing REQUESTS_CA_BUNDLE at the trust file breaks no public site."""
    try:
        import certifi
    except ImportError:
        return b""
    return pathlib.Path(certifi.where()).read_bytes()


def _write(path: pathlib.Path, data: bytes, mode: int) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(tmp, mode)
    tmp.replace(path)
