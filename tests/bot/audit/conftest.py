"""One real demo run shared by the audit tests of this folder."""

from __future__ import annotations

import pytest

from bot.audit.manifest import NAME


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory, shared_chromium):
    """One real demo run, produced once; each test tampers with its own copy."""
    import os
    import subprocess

    from tests.conftest import BIN

    root = tmp_path_factory.mktemp("run")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAMANCOM_")}
    env.update(
        DAMANCOM_STATE_DIR=str(root / "state"),
        DAMANCOM_RECORDINGS=str(root / "recordings"),
        DAMANCOM_BROWSER=shared_chromium,
    )
    result = subprocess.run(
        [str(BIN / "damancom-bot"), "demo"], cwd=root, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    return next((root / "recordings").rglob(NAME)).parent


@pytest.fixture(scope="session")
def tsa():
    from tests.support.tsa import LocalTSA

    with LocalTSA() as authority:
        yield authority


@pytest.fixture(scope="session")
def stamped_run(tmp_path_factory, tsa, shared_chromium):
    """A real demo run stamped by the local authority (DAMANCOM_TSA_URL set: the sandbox stamps only then)."""
    import os
    import subprocess

    from tests.conftest import BIN

    root = tmp_path_factory.mktemp("stamped")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAMANCOM_")}
    env.update(
        DAMANCOM_STATE_DIR=str(root / "state"),
        DAMANCOM_RECORDINGS=str(root / "recordings"),
        DAMANCOM_TSA_URL=tsa.url,
        DAMANCOM_BROWSER=shared_chromium,
    )
    result = subprocess.run(
        [str(BIN / "damancom-bot"), "demo"], cwd=root, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr
    return next((root / "recordings").rglob(NAME)).parent
