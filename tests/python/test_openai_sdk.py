"""The official openai SDK against the gateway's OpenAI-compatible API, only the base URL changed."""

import base64
import json
import os

import openai
import pytest

from sdk_support import API_KEY, FLASH_MODEL, GATEWAY, LOCAL_TOKEN, assert_no_local_token, header


@pytest.fixture
def client():
    return openai.OpenAI(base_url=GATEWAY + "/v1", api_key=LOCAL_TOKEN, max_retries=0, timeout=30)


def generation_requests(simulator):
    return [r for r in simulator.requests() if r["path"].endswith("/multimodal-generation/generation")]


def test_json_maps_to_flash_with_the_audio_inline(client, simulator, wav_bytes):
    result = client.audio.transcriptions.create(
        file=("hello.wav", wav_bytes, "audio/wav"), model="whisper-1", language="en", prompt="weekly meeting")
    assert result.text
    assert result.usage.type == "duration"
    assert result.usage.seconds > 0

    (recorded,) = generation_requests(simulator)
    assert header(recorded, "Authorization") == f"Bearer {API_KEY}"
    assert_no_local_token(recorded)
    body = json.loads(recorded["body"])
    assert body["model"] == FLASH_MODEL
    assert body["parameters"]["format"] == "wav"
    assert body["parameters"]["language_hints"] == ["en"]
    messages = body["input"]["messages"]
    assert messages[0]["content"][0] == {"type": "input_text", "text": "weekly meeting"}
    data_uri = messages[-1]["content"][0]["input_audio"]["data"]
    assert data_uri == "data:audio/wav;base64," + base64.b64encode(wav_bytes).decode()


def test_text(client, wav_bytes):
    text = client.audio.transcriptions.create(file=("hello.wav", wav_bytes), model="whisper-1", response_format="text")
    assert isinstance(text, str) and text.strip() and text.endswith("\n")


def test_srt(client, wav_bytes):
    srt = client.audio.transcriptions.create(file=("hello.wav", wav_bytes), model="whisper-1", response_format="srt")
    assert srt.startswith("1\n00:00:") and " --> " in srt


def test_vtt(client, wav_bytes):
    vtt = client.audio.transcriptions.create(file=("hello.wav", wav_bytes), model="whisper-1", response_format="vtt")
    assert vtt.startswith("WEBVTT\n\n00:00:") and " --> " in vtt


def test_verbose_json_with_word_and_segment_timestamps(client, wav_bytes):
    result = client.audio.transcriptions.create(
        file=("hello.wav", wav_bytes), model="gpt-4o-transcribe", response_format="verbose_json",
        timestamp_granularities=["word", "segment"], language="en")
    assert result.language == "english"
    assert result.duration == pytest.approx(1.0)
    assert result.text
    assert result.segments and result.words
    first = result.segments[0]
    assert first.id == 0 and first.start < first.end and first.text and first.tokens == []
    assert all(word.word and word.start <= word.end for word in result.words)
    assert "".join(segment.text for segment in result.segments) == result.text


def test_verbose_json_words_only(client, wav_bytes):
    result = client.audio.transcriptions.create(
        file=("hello.wav", wav_bytes), model="whisper-1", response_format="verbose_json", timestamp_granularities=["word"])
    assert result.words and result.segments is None


def test_streaming_deltas_add_up_to_the_done_text(client, wav_bytes):
    stream = client.audio.transcriptions.create(
        file=("hello.wav", wav_bytes), model="gpt-4o-mini-transcribe", stream=True)
    events = list(stream)
    types = [event.type for event in events]
    assert types[-1] == "transcript.text.done"
    assert set(types[:-1]) == {"transcript.text.delta"}
    assert "".join(event.delta for event in events[:-1]) == events[-1].text
    assert events[-1].usage.type == "duration"


def test_a_failure_mid_stream_raises_the_sdks_api_error(client, simulator, wav_bytes):
    simulator.inject(fault="error_frame_after", events=3, endpoint="generation")
    stream = client.audio.transcriptions.create(file=("hello.wav", wav_bytes), model="whisper-1", stream=True)
    with pytest.raises(openai.APIError) as raised:
        for _ in stream:
            pass
    assert raised.value.code == "InternalError"


def test_an_unknown_response_format_is_a_bad_request(client, wav_bytes):
    with pytest.raises(openai.BadRequestError) as raised:
        client.audio.transcriptions.create(file=("hello.wav", wav_bytes), model="whisper-1", response_format="docx")
    assert raised.value.param == "response_format"


def test_a_file_without_a_recognisable_format_is_a_bad_request(client, wav_bytes):
    with pytest.raises(openai.BadRequestError) as raised:
        client.audio.transcriptions.create(file=("recording", wav_bytes, "application/octet-stream"), model="whisper-1")
    assert raised.value.param == "file"


def test_a_wrong_token_is_an_authentication_error(wav_bytes, simulator):
    stranger = openai.OpenAI(base_url=GATEWAY + "/v1", api_key="not-the-local-token", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        stranger.audio.transcriptions.create(file=("hello.wav", wav_bytes), model="whisper-1")
    assert simulator.requests_besides_following() == []


def test_an_unknown_model_is_dashscopes_bad_request_on_the_model(client, wav_bytes):
    with pytest.raises(openai.BadRequestError) as raised:
        client.audio.transcriptions.create(file=("hello.wav", wav_bytes), model="fun-asr-no-such-model")
    assert raised.value.param == "model"
    assert "Model not exist" in raised.value.message


def test_throttling_is_a_rate_limit_error(client, simulator, wav_bytes):
    simulator.inject(fault="throttled", retry_after=2, endpoint="generation")
    with pytest.raises(openai.RateLimitError) as raised:
        client.audio.transcriptions.create(file=("hello.wav", wav_bytes), model="whisper-1")
    assert raised.value.response.headers.get("retry-after") == "2"


def test_streaming_a_file_over_the_flash_limit_is_a_clear_400(client, simulator):
    # Past Flash's 10 MB a file is transcribed as a job, which has no partial results to stream.
    big = b"RIFF" + b"\0" * (10 * 1024 * 1024)
    with pytest.raises(openai.BadRequestError) as raised:
        client.audio.transcriptions.create(file=("big.wav", big), model="whisper-1", stream=True)
    assert raised.value.status_code == 400
    assert raised.value.body["param"] == "stream"
    assert "10 MB" in raised.value.message
    assert generation_requests(simulator) == []


def test_models_lists_the_flash_model_and_the_aliases(client):
    ids = [model.id for model in client.models.list()]
    assert FLASH_MODEL in ids
    assert {"whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe"} <= set(ids)
    assert client.models.retrieve("whisper-1").owned_by == "funasr-gateway"


def test_a_30_mb_file_is_transcribed_as_a_job(client, tmp_path):
    # Past Flash's 10 MB the gateway spools the file, uploads it to DashScope's temporary storage and answers once the
    # fun-asr job ends (OpenAIJobFallbackTests checks what reached the simulator).
    path = tmp_path / "long.wav"
    path.write_bytes(b"RIFF" + os.urandom(30_000_000))
    with path.open("rb") as audio:
        srt = client.with_options(timeout=120).audio.transcriptions.create(
            file=audio, model="whisper-1", response_format="srt", language="en")
    assert srt.startswith("1\n00:00:") and " --> " in srt
