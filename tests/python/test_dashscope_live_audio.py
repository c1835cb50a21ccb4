"""The official dashscope SDK's live recognition (`Recognition`, a duplex WebSocket) through the gateway.

The SDK's WebSocket URL is `DASHSCOPE_WEBSOCKET_BASE_URL` (scripts/sdk-tests.sh points it at the gateway's
`/api-ws/v1/inference`), used verbatim; its API key is the gateway's local token, and the simulator behind the
gateway accepts only the gateway's real key, so a session that reached it with the local token would fail.
"""

import os
import threading

import dashscope
from dashscope.audio.asr import Recognition, RecognitionCallback, RecognitionResult

from sdk_support import API_KEY, GATEWAY, LOCAL_TOKEN, header, make_wav

LIVE_URL = GATEWAY.replace("http://", "ws://", 1) + "/api-ws/v1/inference"
FRAME = 3200  # 100 ms of 16 kHz 16-bit mono PCM


class Collector(RecognitionCallback):
    def __init__(self):
        self.sentences = []
        self.partials = 0
        self.errors = []
        self.failed = threading.Event()
        self.completed = threading.Event()
        self.closed = threading.Event()

    def on_event(self, result: RecognitionResult) -> None:
        sentence = result.get_sentence()
        if isinstance(sentence, dict) and sentence.get("text"):
            if RecognitionResult.is_sentence_end(sentence):
                self.sentences.append(sentence["text"])
            else:
                self.partials += 1

    def on_complete(self) -> None:
        self.completed.set()

    def on_error(self, result: RecognitionResult) -> None:
        self.errors.append(result)
        self.failed.set()

    def on_close(self) -> None:
        self.closed.set()


def test_recognition_streams_a_wav_in_100ms_frames_and_gets_sentences(simulator):
    assert os.environ.get("DASHSCOPE_WEBSOCKET_BASE_URL") == LIVE_URL
    dashscope.base_websocket_api_url = LIVE_URL
    dashscope.api_key = LOCAL_TOKEN
    wav = make_wav(seconds=6.0)
    pcm = wav[44:]
    callback = Collector()
    recognition = Recognition(
        model="fun-asr-realtime", format="pcm", sample_rate=16000, callback=callback, language_hints=["en"])
    recognition.start()
    for offset in range(0, len(pcm), FRAME):
        recognition.send_audio_frame(pcm[offset:offset + FRAME])
    recognition.stop()

    assert callback.errors == []
    assert callback.completed.is_set()
    assert callback.sentences, "no final sentence came back"
    handshake = [r for r in simulator.requests() if r["path"].startswith("/api-ws/v1/inference")]
    assert len(handshake) == 1
    assert header(handshake[0], "Authorization") == f"Bearer {API_KEY}"
    assert LOCAL_TOKEN not in str(handshake[0])


def test_recognition_with_a_wrong_local_token_fails_at_the_handshake(simulator):
    dashscope.base_websocket_api_url = LIVE_URL
    dashscope.api_key = "not-the-local-token"
    callback = Collector()
    recognition = Recognition(model="fun-asr-realtime", format="pcm", sample_rate=16000, callback=callback)
    try:
        recognition.start()  # the refused handshake is reported on the SDK's worker thread, through on_error
        assert callback.failed.wait(10), "the SDK reported no error"
    finally:
        dashscope.api_key = LOCAL_TOKEN
        timer = getattr(recognition, "_silence_timer", None)  # the SDK's 23 s timer would hold the process
        if timer is not None:
            timer.cancel()
    assert not [r for r in simulator.requests() if r["path"].startswith("/api-ws/v1/inference")]
