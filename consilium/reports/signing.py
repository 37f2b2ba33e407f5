"""Signing report PDFs with the deployment's certificate (pyHanko), and checking a signature.

A deployment sets CONSILIUM_SIGNING_CERT_FILE and CONSILIUM_SIGNING_KEY_FILE (PEM). Without
them the embedded deployment makes a self-signed certificate in var/signing/ the first time it
signs: the report is still tamper-evident, but PDF readers will not trust the signer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from django.conf import settings

T = TypeVar("T")
FIELD_NAME = "ConsiliumSignature"
_lock = threading.Lock()


@dataclass(frozen=True)
class SigningFiles:
    cert: Path
    key: Path
    passphrase: bytes | None


def signing_files() -> SigningFiles:
    """The configured certificate and key, or the embedded self-signed pair (made once)."""
    passphrase = settings.SIGNING_KEY_PASSPHRASE.encode() or None
    if settings.SIGNING_CERT_FILE and settings.SIGNING_KEY_FILE:
        return SigningFiles(Path(settings.SIGNING_CERT_FILE), Path(settings.SIGNING_KEY_FILE),
                            passphrase)
    folder = Path(settings.SIGNING_DIR)
    cert, key = folder / "certificate.pem", folder / "key.pem"
    with _lock:
        if not (cert.exists() and key.exists()):
            self_signed_create(cert=cert, key=key, common_name=f"{settings.SITE_NAME} reports")
    return SigningFiles(cert, key, None)


def self_signed_create(*, cert: Path, key: Path, common_name: str) -> None:
    """A 3072-bit RSA key and a ten-year self-signed certificate allowed to sign documents."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    private = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, settings.REPORT_ORGANISATION),
    ])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .sign(private, hashes.SHA256())
    )
    cert.parent.mkdir(parents=True, exist_ok=True)
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key.chmod(0o600)
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


@lru_cache(maxsize=4)
def _signer(cert: str, key: str, passphrase: bytes | None) -> object:
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load(key, cert, key_passphrase=passphrase)
    if signer is None:
        raise RuntimeError("the signing key or certificate could not be loaded")
    return signer


def _outside_event_loop(call: Callable[[], T]) -> T:
    """pyHanko's synchronous calls run `asyncio.run`, which refuses to start inside a running
    event loop (an ASGI request, or Playwright's loop in the browser tests' thread); there the
    call runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def pdf_sign(*, pdf: bytes, reason: str, location: str) -> tuple[bytes, str]:
    """Signs the PDF (an invisible PAdES-style signature over the whole file). Returns the signed
    bytes and the signer's subject as printed."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    files = signing_files()
    signer = _signer(str(files.cert), str(files.key), files.passphrase)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, reason=reason, location=location, md_algorithm="sha256"
    )
    out = _outside_event_loop(
        lambda: signers.sign_pdf(writer, metadata, signer=signer)  # type: ignore[arg-type]
    )
    subject = signer.signing_cert.subject.human_friendly  # type: ignore[attr-defined]
    return out.getvalue(), str(subject)


@dataclass(frozen=True)
class SignatureCheck:
    intact: bool
    trusted: bool
    covers_whole_file: bool
    signer: str

    @property
    def valid(self) -> bool:
        return self.intact and self.trusted and self.covers_whole_file


def pdf_verify(*, pdf: bytes, trust_cert: Path | None = None) -> SignatureCheck:
    """Checks the report's signature against the deployment's certificate: the signed bytes are
    unchanged, the signer is trusted, and nothing was added after signing."""
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    root = load_cert_from_pemder(str(trust_cert or signing_files().cert))
    context = ValidationContext(trust_roots=[root])
    try:
        reader = PdfFileReader(io.BytesIO(pdf))
        signatures = reader.embedded_signatures
    except Exception:  # a damaged file is simply not validly signed
        return SignatureCheck(intact=False, trusted=False, covers_whole_file=False, signer="")
    if not signatures:
        return SignatureCheck(intact=False, trusted=False, covers_whole_file=False, signer="")
    try:
        status = _outside_event_loop(lambda: validate_pdf_signature(signatures[0], context))
    except Exception:
        return SignatureCheck(intact=False, trusted=False, covers_whole_file=False, signer="")
    return SignatureCheck(
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=str(status.signing_cert.subject.human_friendly),
    )
