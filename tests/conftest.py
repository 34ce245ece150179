"""Shared fixtures: the real data folder, and no network for any test."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("PROVENANCE_SHARED_DATA", REPO.parent / "shared" / "data"))


def shared_path(*parts: str) -> Path:
    """Path under ../shared/data; skips the test when absent (fails instead when CI=true)."""
    p = SHARED_DATA.joinpath(*parts)
    if not p.exists():
        msg = f"needs {p} (the shared real-data folder beside the repository)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(msg + "; CI=true, so this is a failure, not a skip")
        pytest.skip(msg)
    return p


@pytest.fixture
def shared_data() -> Path:
    """The ../shared/data folder (skip without it; fail under CI=true)."""
    return shared_path()


@pytest.fixture(autouse=True)
def _packaged_actor_registry() -> object:
    """Aliases a test adds (load_aliases, ``actors --actors FILE``) must not leak into later tests."""
    yield
    from provenance.extract.actors import reset_registry

    reset_registry()


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Block outbound connections except to loopback (the Dask and browser tests use it)."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith(("127.", "/")) or host in ("localhost", "::1")
        ) and self.family != socket.AF_UNIX:
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)
