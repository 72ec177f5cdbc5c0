"""A throwaway CA and a server certificate for 127.0.0.1 and localhost."""

from __future__ import annotations

import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

import trustme


@dataclass
class Certificates:
    """The server's TLS context, and the CA certificate clients must trust (a PEM file on disk)."""

    server_context: ssl.SSLContext
    ca_path: Path
    _directory: tempfile.TemporaryDirectory[str]

    def cleanup(self) -> None:
        self._directory.cleanup()


def make_certificates() -> Certificates:
    ca = trustme.CA(organization_name="fal emulator")
    certificate = ca.issue_cert("127.0.0.1", "localhost")
    directory = tempfile.TemporaryDirectory(prefix="fal-emulator-")
    ca_path = Path(directory.name) / "ca.pem"
    ca.cert_pem.write_to_path(ca_path)
    # Only the CA goes to disk: the server key stays in memory.
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    return Certificates(server_context=context, ca_path=ca_path, _directory=directory)
