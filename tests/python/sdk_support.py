"""Helpers shared by the SDK tests: where the servers are, test audio, the simulator's control API."""

import io
import json
import math
import os
import struct
import urllib.request
import wave

GATEWAY = os.environ.get("SDK_TEST_GATEWAY_URL", "")
SIMULATOR = os.environ.get("SDK_TEST_SIMULATOR_URL", "")
LOCAL_TOKEN = os.environ.get("SDK_TEST_LOCAL_TOKEN", "")
API_KEY = os.environ.get("SDK_TEST_API_KEY", "")
FLASH_MODEL = "fun-asr-flash-2026-06-15"


def make_wav(seconds=1.0, rate=16000):
    """A mono 16-bit PCM WAV of a 440 Hz tone."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = int(seconds * rate)
        out.writeframes(b"".join(struct.pack("<h", int(6000 * math.sin(2 * math.pi * 440 * i / rate))) for i in range(frames)))
    return buffer.getvalue()


class Simulator:
    """The DashScope simulator's control API (a test double; never part of the gateway)."""

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(SIMULATOR + path, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def requests(self):
        """What DashScope (the simulator) received, oldest first."""
        return self._call("GET", "/simulator/requests")

    def requests_besides_following(self):
        """What DashScope received, leaving out the gateway's own follow-up of jobs it recorded earlier.

        The gateway polls every open job it recorded (and fetches its result documents) on its own clock, so a
        task query from an earlier test can arrive at any moment; a test that asserts a call reached DashScope
        not at all looks at everything else.
        """
        return [r for r in self.requests() if not (r["method"] == "GET" and r["path"].startswith(("/api/v1/tasks/", "/results/")))]

    def clear(self):
        self._call("DELETE", "/simulator/requests")
        self._call("DELETE", "/simulator/faults")

    def inject(self, **fault):
        self._call("POST", "/simulator/faults", fault)


def header(recorded, name):
    """The first value of a header in a recorded request, case-insensitively."""
    return next((value for key, value in recorded["headers"] if key.lower() == name.lower()), None)


def assert_no_local_token(recorded):
    """The local token never travels upstream, in any header or in the body."""
    assert all(LOCAL_TOKEN not in value for _, value in recorded["headers"])
    assert LOCAL_TOKEN not in recorded["body"]
