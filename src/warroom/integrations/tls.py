"""Whom outgoing HTTPS trusts: the system's certificate authorities, and those of a bundle
the operator adds (`WARROOM_CA_BUNDLE`: a TLS-inspecting proxy's, say)."""

import ssl
from pathlib import Path


def trusting(bundle: Path | None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if bundle is not None:
        context.load_verify_locations(cafile=bundle)
    return context
