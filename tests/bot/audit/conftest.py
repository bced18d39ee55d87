"""Two real demo runs shared by the audit tests of this folder, made once for the whole run (every
xdist worker reads the same folders; each test tampers with its own copy)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.audit.manifest import NAME
from tests.support.once import once_per_run


def demo_run(root: Path, chromium: str, **settings: str) -> str:
    """One real `damancom-bot demo` under `root` (its state and recordings there): the run's folder."""
    import os
    import subprocess

    from tests.conftest import BIN

    env = {k: v for k, v in os.environ.items() if not k.startswith("DAMANCOM_")}
    env.update(
        DAMANCOM_STATE_DIR=str(root / "state"),
        DAMANCOM_RECORDINGS=str(root / "recordings"),
        DAMANCOM_BROWSER=chromium,
        **settings,
    )
    result = subprocess.run(
        [str(BIN / "damancom-bot"), "demo"], cwd=root, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    return str(next((root / "recordings").rglob(NAME)).parent)


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory, shared_chromium) -> Path:
    """One real demo run, produced once."""
    with once_per_run(tmp_path_factory, "demo-run", lambda root: demo_run(root, shared_chromium)) as folder:
        yield Path(folder)


@pytest.fixture(scope="session")
def tsa():
    from tests.support.tsa import LocalTSA

    with LocalTSA() as authority:
        yield authority


@pytest.fixture(scope="session")
def stamped(tmp_path_factory, shared_chromium) -> dict:
    """A real demo run stamped by a local authority (DAMANCOM_TSA_URL set: the sandbox stamps only
    then), with that authority's address and certificate: it answered only while the run was made."""

    def make(root: Path) -> dict:
        from tests.support.tsa import LocalTSA

        with LocalTSA() as authority:
            folder = demo_run(root, shared_chromium, DAMANCOM_TSA_URL=authority.url)
            return {"folder": folder, "url": authority.url, "pem": authority.pem().decode("ascii")}

    with once_per_run(tmp_path_factory, "stamped-run", make) as made:
        yield made


@pytest.fixture(scope="session")
def stamped_run(stamped) -> Path:
    return Path(stamped["folder"])


@pytest.fixture(scope="session")
def stamping_tsa(stamped):
    """The authority that stamped `stamped_run`: its `url` (in the run's manifest) and `cert` (to trust)."""
    from cryptography import x509

    return SimpleNamespace(url=stamped["url"], cert=x509.load_pem_x509_certificate(stamped["pem"].encode("ascii")))
