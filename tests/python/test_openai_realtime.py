"""The official openai SDK's Realtime client (a WebSocket, through the `websockets` package) transcribing a WAV
through the gateway's `GET /v1/realtime?intent=transcription`, served by Fun-ASR's live-audio protocol.

The SDK's API key is the gateway's local token; the simulator behind the gateway accepts only the gateway's real
key, so a session that reached it with the local token would fail.
"""

import base64
import signal
import wave
import io

import openai
import pytest

from sdk_support import API_KEY, GATEWAY, LOCAL_TOKEN, header, make_wav

CHUNK = 4800  # 100 ms of 24 kHz 16-bit mono PCM


@pytest.fixture
def bounded():
    """Fails a test that still waits for an event after 60 s (the sync client's recv has no timeout of its own)."""
    def expire(signum, frame):
        raise TimeoutError("no more events from the gateway within 60 s")
    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def pcm_24k(seconds):
    with wave.open(io.BytesIO(make_wav(seconds=seconds, rate=24000))) as wav:
        return wav.readframes(wav.getnframes())


def test_a_transcription_session_transcribes_a_wav(simulator, bounded):
    client = openai.OpenAI(api_key=LOCAL_TOKEN, base_url=GATEWAY + "/v1")
    pcm = pcm_24k(6.0)
    with client.realtime.connect(extra_query={"intent": "transcription"}) as connection:
        created = connection.recv()
        assert created.type == "session.created"
        connection.session.update(session={
            "type": "transcription",
            "audio": {"input": {
                "format": {"type": "audio/pcm", "rate": 24000},
                "transcription": {"model": "gpt-4o-transcribe", "language": "en"},
                "turn_detection": None,
            }},
        })
        updated = connection.recv()
        assert updated.type == "session.updated", updated
        for offset in range(0, len(pcm), CHUNK):
            connection.input_audio_buffer.append(audio=base64.b64encode(pcm[offset:offset + CHUNK]).decode())
        connection.input_audio_buffer.commit()
        deltas, transcripts = {}, []
        while not transcripts:
            event = connection.recv()
            assert event.type != "error", event
            if event.type == "conversation.item.input_audio_transcription.delta":
                deltas[event.item_id] = deltas.get(event.item_id, "") + event.delta
            elif event.type == "conversation.item.input_audio_transcription.completed":
                transcripts.append(event.transcript)
                assert deltas.get(event.item_id) == event.transcript
        assert transcripts[0]

    handshake = [r for r in simulator.requests() if r["path"].startswith("/api-ws/v1/inference")]
    assert len(handshake) == 1
    assert header(handshake[0], "Authorization") == f"Bearer {API_KEY}"
    assert LOCAL_TOKEN not in str(handshake[0])


def test_a_wrong_local_token_is_refused_at_the_handshake(simulator):
    client = openai.OpenAI(api_key="not-the-local-token", base_url=GATEWAY + "/v1")
    with pytest.raises(Exception) as refused:
        with client.realtime.connect(extra_query={"intent": "transcription"}) as connection:
            connection.recv()
    assert "401" in str(refused.value)
    assert not [r for r in simulator.requests() if r["path"].startswith("/api-ws/v1/inference")]
