"""Fixtures for the SDK tests.

scripts/sdk-tests.sh starts both servers and sets the SDK_TEST_* variables; the tests use the official SDKs
unchanged except for the base URL, with the gateway's local token as the SDK's API key.
"""

import os

import pytest

from sdk_support import Simulator, make_wav

REQUIRED = ("SDK_TEST_GATEWAY_URL", "SDK_TEST_SIMULATOR_URL", "SDK_TEST_LOCAL_TOKEN", "SDK_TEST_API_KEY")


def pytest_configure(config):
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        pytest.exit(f"run these tests with scripts/sdk-tests.sh (missing {', '.join(missing)})", returncode=4)


@pytest.fixture(scope="session")
def wav_bytes():
    return make_wav()


@pytest.fixture
def wav_path(tmp_path, wav_bytes):
    path = tmp_path / "hello.wav"
    path.write_bytes(wav_bytes)
    return path


@pytest.fixture
def simulator():
    control = Simulator()
    control.clear()
    yield control
    control.clear()
