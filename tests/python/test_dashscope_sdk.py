"""The official dashscope SDK against the gateway's DashScope-native passthrough, only the base URL changed."""

import json

import dashscope
import pytest
import requests
from dashscope import MultiModalConversation
from dashscope.audio.asr import Transcription, VocabularyService, VocabularyServiceException
from dashscope.utils.oss_utils import OssUtils

from sdk_support import API_KEY, FLASH_MODEL, GATEWAY, LOCAL_TOKEN, assert_no_local_token, header

AUDIO_URL = "https://example.com/audio/hello.wav"


@pytest.fixture(autouse=True)
def sdk():
    dashscope.base_http_api_url = GATEWAY + "/api/v1"
    dashscope.api_key = LOCAL_TOKEN
    yield
    dashscope.api_key = LOCAL_TOKEN


def upstream(simulator, path_suffix):
    return [r for r in simulator.requests() if r["path"].endswith(path_suffix)]


def test_async_call_wait_fetch_with_the_local_token_and_the_real_key_upstream(simulator):
    submitted = Transcription.async_call(model="fun-asr", file_urls=[AUDIO_URL], language_hints=["en"])
    assert submitted.status_code == 200, submitted
    task_id = submitted.output.task_id
    assert submitted.output.task_status == "PENDING"

    done = Transcription.wait(task=submitted)
    assert done.status_code == 200
    assert done.output.task_status == "SUCCEEDED"
    assert done.output["results"][0]["subtask_status"] == "SUCCEEDED"

    fetched = Transcription.fetch(task=task_id)
    assert fetched.status_code == 200
    assert fetched.output.task_id == task_id
    assert fetched.output.task_status == "SUCCEEDED"

    submit = upstream(simulator, "/services/audio/asr/transcription")[0]
    assert header(submit, "Authorization") == f"Bearer {API_KEY}"
    assert header(submit, "X-DashScope-Async") == "enable"
    assert header(submit, "x-dashscope-sdk-client").startswith("python-sdk/")
    assert header(submit, "user-agent").startswith("dashscope/")
    body = json.loads(submit["body"])
    assert body["parameters"]["language_hints"] == ["en"]
    assert body["input"]["file_urls"] == [AUDIO_URL]
    queries = upstream(simulator, f"/tasks/{task_id}")
    assert queries and all(header(q, "Authorization") == f"Bearer {API_KEY}" for q in queries)
    for recorded in simulator.requests():
        assert_no_local_token(recorded)


def test_a_body_without_parameters_gets_them_and_the_task_succeeds(simulator):
    raw = b'{"model": "fun-asr",\n "input": {"file_urls": ["' + AUDIO_URL.encode() + b'"]}}'
    answer = requests.post(
        GATEWAY + "/api/v1/services/audio/asr/transcription", data=raw, timeout=10,
        headers={"Authorization": f"Bearer {LOCAL_TOKEN}", "Content-Type": "application/json", "X-DashScope-Async": "enable"})
    assert answer.status_code == 200, answer.text
    submit = upstream(simulator, "/services/audio/asr/transcription")[0]
    assert submit["body"].encode() == b'{"parameters":{},' + raw[1:]
    # The simulator fails a task submitted without parameters, as DashScope's new domains do.
    done = Transcription.wait(task=answer.json()["output"]["task_id"])
    assert done.output.task_status == "SUCCEEDED"


def test_list_shows_submitted_tasks(simulator):
    submitted = Transcription.async_call(model="fun-asr", file_urls=[AUDIO_URL])
    listed = Transcription.list(page_size=50)
    assert listed.status_code == 200
    assert submitted.output.task_id in [task["task_id"] for task in listed.output["data"]]
    assert listed.output["page_size"] == 50
    recorded = upstream(simulator, "/api/v1/tasks")[0]
    assert "page_size" in [name for name, _ in recorded["query"]]
    assert header(recorded, "Authorization") == f"Bearer {API_KEY}"


def test_cancel_a_pending_task_then_dashscope_refuses_a_second_cancel(simulator):
    submitted = Transcription.async_call(model="fun-asr", file_urls=[AUDIO_URL])
    cancelled = Transcription.cancel(submitted.output.task_id)
    assert cancelled.status_code == 200, cancelled
    assert Transcription.fetch(task=submitted.output.task_id).output.task_status == "CANCELED"
    again = Transcription.cancel(submitted.output.task_id)
    assert again.status_code == 400
    assert again.code == "UnsupportedOperation"


def test_a_wrong_local_token_is_refused_before_dashscope(simulator):
    dashscope.api_key = "not-the-local-token"
    answer = Transcription.async_call(model="fun-asr", file_urls=[AUDIO_URL])
    assert answer.status_code == 401
    assert answer.code == "unauthorized"
    assert simulator.requests_besides_following() == []


def test_dashscope_errors_reach_the_sdk_unchanged(simulator):
    simulator.inject(fault="http_error", status=400, code="InvalidParameter", message="Model not exist.", endpoint="submit")
    answer = Transcription.async_call(model="fun-asr", file_urls=[AUDIO_URL])
    assert answer.status_code == 400
    assert (answer.code, answer.message) == ("InvalidParameter", "Model not exist.")


def flash_messages(url):
    return [{"role": "user", "content": [{"type": "input_audio", "input_audio": {"data": url}}]}]


def test_upload_policy_then_flash_stream_parsed_by_the_sdk(simulator, wav_path):
    oss_url, _ = OssUtils.upload(model=FLASH_MODEL, file_path=str(wav_path), api_key=LOCAL_TOKEN)
    assert oss_url.startswith("oss://") and oss_url.endswith("/hello.wav")
    policy = upstream(simulator, "/api/v1/uploads")[0]
    assert header(policy, "Authorization") == f"Bearer {API_KEY}"

    events = list(MultiModalConversation.call(
        model=FLASH_MODEL, messages=flash_messages(oss_url), stream=True, format="wav",
        headers={"X-DashScope-OssResourceResolve": "enable"}))
    assert len(events) > 2
    assert all(event.status_code == 200 for event in events)
    last = events[-1]
    assert last.output["sentence"]["sentence_end"] is True
    assert last.output["text"]
    assert last.usage["duration"] > 0

    generation = upstream(simulator, "/multimodal-generation/generation")[0]
    assert header(generation, "X-DashScope-SSE") == "enable"
    assert header(generation, "X-DashScope-OssResourceResolve") == "enable"
    assert header(generation, "Authorization") == f"Bearer {API_KEY}"
    assert json.loads(generation["body"])["parameters"] == {"format": "wav"}


def test_flash_without_streaming(simulator):
    answer = MultiModalConversation.call(model=FLASH_MODEL, messages=flash_messages(AUDIO_URL), format="wav")
    assert answer.status_code == 200
    assert answer.output["text"]
    assert answer.output["sentence"]["sentence_end"] is True


def test_a_stream_cut_by_dashscope_ends_with_an_error_event_the_sdk_reads(simulator):
    simulator.inject(fault="drop_after", events=2, endpoint="generation")
    events = list(MultiModalConversation.call(model=FLASH_MODEL, messages=flash_messages(AUDIO_URL), stream=True, format="wav"))
    assert [event.status_code for event in events[:2]] == [200, 200]
    assert events[-1].status_code != 200
    assert events[-1].code == "upstream_disconnected"


def test_a_dashscope_error_frame_is_relayed(simulator):
    simulator.inject(fault="error_frame_after", events=1, endpoint="generation")
    events = list(MultiModalConversation.call(model=FLASH_MODEL, messages=flash_messages(AUDIO_URL), stream=True, format="wav"))
    assert events[0].status_code == 200
    assert events[-1].code == "InternalError"


HOT_WORDS = [{"text": "赛德克巴莱", "weight": 4, "lang": "zh"}, {"text": "Seediq Bale", "weight": 4, "lang": "en"}]


def test_vocabulary_service_create_list_query_update_delete(simulator):
    service = VocabularyService()
    vocabulary_id = service.create_vocabulary(target_model="fun-asr", prefix="sdktest", vocabulary=HOT_WORDS)
    assert vocabulary_id.startswith("vocab-sdktest-")
    assert vocabulary_id in [item["vocabulary_id"] for item in service.list_vocabularies(prefix="sdktest", page_size=100)]

    detail = service.query_vocabulary(vocabulary_id)
    assert (detail["target_model"], detail["status"], detail["vocabulary"]) == ("fun-asr", "OK", HOT_WORDS)
    assert detail["gmt_create"] and detail["gmt_modified"]

    service.update_vocabulary(vocabulary_id, [{"text": "阙里人家", "weight": 5}])
    assert service.query_vocabulary(vocabulary_id)["vocabulary"] == [{"text": "阙里人家", "weight": 5}]
    service.delete_vocabulary(vocabulary_id)
    with pytest.raises(VocabularyServiceException, match="InvalidParameter"):
        service.query_vocabulary(vocabulary_id)

    recorded = upstream(simulator, "/api/v1/services/audio/asr/customization")
    sent = [json.loads(r["body"]) for r in recorded]
    assert [body["input"]["action"] for body in sent] == [
        "create_vocabulary", "list_vocabulary", "query_vocabulary", "update_vocabulary", "query_vocabulary",
        "delete_vocabulary", "query_vocabulary"]
    assert all(body["model"] == "speech-biasing" for body in sent)
    assert sent[0]["input"] == {"action": "create_vocabulary", "target_model": "fun-asr", "prefix": "sdktest", "vocabulary": HOT_WORDS}
    assert sent[1]["input"] == {"action": "list_vocabulary", "prefix": "sdktest", "page_index": 0, "page_size": 100}
    for r in recorded:
        assert r["method"] == "POST"
        assert header(r, "Authorization") == f"Bearer {API_KEY}"
        assert_no_local_token(r)


def test_vocabulary_errors_reach_the_sdk_unchanged(simulator):
    with pytest.raises(VocabularyServiceException) as refused:
        VocabularyService().create_vocabulary(target_model="fun-asr", prefix="Not-Valid", vocabulary=HOT_WORDS)
    assert "Status Code: 400" in str(refused.value) and "InvalidParameter" in str(refused.value)
    assert len(upstream(simulator, "/api/v1/services/audio/asr/customization")) == 1
