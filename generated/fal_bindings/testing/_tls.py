# Copied from templates/package/fal_bindings/testing/_tls.py by falgen. Edit the source, then run make generate.
"""A throwaway CA and a server certificate for 127.0.0.1 and localhost, as PEM files."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import trustme


@dataclass
class Certificates:
    """The CA clients must trust, and the server's key + certificate chain (one PEM file).

    Both live in a private temporary directory, removed by `cleanup`.
    """

    ca_path: Path
    server_pem: Path
    _directory: tempfile.TemporaryDirectory[str]

    def cleanup(self) -> None:
        self._directory.cleanup()


def make_certificates() -> Certificates:
    ca = trustme.CA(organization_name="fal emulator")
    certificate = ca.issue_cert("127.0.0.1", "localhost")
    directory = tempfile.TemporaryDirectory(prefix="fal-emulator-")
    ca_path = Path(directory.name) / "ca.pem"
    server_pem = Path(directory.name) / "server.pem"
    ca.cert_pem.write_to_path(ca_path)
    certificate.private_key_and_cert_chain_pem.write_to_path(server_pem)
    return Certificates(ca_path=ca_path, server_pem=server_pem, _directory=directory)
