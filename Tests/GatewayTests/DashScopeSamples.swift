import JSON
import DashScope

/// The exact example payloads of dashscope-api.md §11, shared by the tests.
enum DashScopeSamples {
    static let running = #"""
    {"request_id":"3c829d37-1751-4acf-8d3e-444837d96534","output":{"task_id":"68ca5d10-7c49-4abe-9550-4763105f8316","task_status":"RUNNING","submit_time":"2025-09-25 01:37:36.380","scheduled_time":"2025-09-25 01:37:36.509"}}
    """#

    static let succeeded = #"""
    {"request_id":"3c829d37-1751-4acf-8d3e-444837d96534","output":{"task_id":"68ca5d10-7c49-4abe-9550-4763105f8316","task_status":"SUCCEEDED","submit_time":"2025-09-25 01:37:36.380","scheduled_time":"2025-09-25 01:37:36.509","end_time":"2025-09-25 01:37:38.450","results":[{"file_url":"http://…/dbd1f65f.wav?Expires=…","transcription_url":"https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/prod/paraformer-v2/20250925/01%3A37/b0b273dc-6860-4b83-96f6-b179e267fe85-1.json?Expires=1758821858&OSSAccessKeyId=…&Signature=…","subtask_status":"SUCCEEDED"}],"task_metrics":{"TOTAL":1,"SUCCEEDED":1,"FAILED":0}},"usage":{"duration":6}}
    """#

    static let failed = #"""
    {"request_id":"…","output":{"task_id":"ad567f6e-5b5b-4715-8ccb-21b4fba1ae46","task_status":"FAILED","submit_time":"2025-05-12 23:38:33.868","scheduled_time":"2025-05-12 23:38:33.890","end_time":"2025-05-12 23:38:35.417","code":"InvalidFile.DownloadFailed","message":"The audio file cannot be downloaded.","results":[{"file_url":"https://…/a.m4a","code":"InvalidFile.DownloadFailed","message":"The audio file cannot be downloaded.","subtask_status":"FAILED"}],"task_metrics":{"TOTAL":1,"SUCCEEDED":0,"FAILED":1}}}
    """#

    /// Built from the §11 description: one SUCCEEDED file and one FAILED file, task SUCCEEDED.
    static let partial = #"""
    {"request_id":"7d1c3f0e-0000-4000-8000-000000000001","output":{"task_id":"9b2e1a77-0000-4000-8000-000000000002","task_status":"SUCCEEDED","submit_time":"2025-09-25 23:59:59.999","scheduled_time":"2025-09-26 00:00:00.100","end_time":"2025-09-26 00:00:05.000","results":[{"file_url":"https://example.com/a.wav","transcription_url":"https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com/a.json","subtask_status":"SUCCEEDED"},{"file_url":"https://example.com/b.wav","code":"InvalidFile.DownloadFailed","message":"The audio file cannot be downloaded.","subtask_status":"FAILED"}],"task_metrics":{"TOTAL":2,"SUCCEEDED":1,"FAILED":1}},"usage":{"duration":6}}
    """#

    static let unknown = #"""
    {"request_id":"…","output":{"task_id":"no-such-task","task_status":"UNKNOWN"}}
    """#

    static let submitResponse = #"""
    {"request_id":"548e2a04-0a9f-485a-a513-54b07bb8604c","output":{"task_id":"68ca5d10-7c49-4abe-9550-4763105f8316","task_status":"PENDING"}}
    """#

    static let list = #"""
    {"total":1,"data":[{"api_key_id":"15xxxx","caller_parent_id":"xxxxxxxxx","caller_uid":"xxxxxxxxx","end_time":1745568302481,"gmt_create":1745568293253,"model_name":"fun-asr","region":"cn-beijing","request_id":"f6bf34d9-bf87-9e8b-9ed4-xxxxxx","start_time":1745568293273,"status":"SUCCEEDED","task_id":"3c777dbc-8cc6-4d80-aa90-xxxxxx","user_api_unique_key":"apikey:v1:audio:asr:transcription:fun-asr"}],"total_page":1,"page_no":1,"request_id":"f6756b7e-d0bb-9b74-813a-xxxxxx","page_size":10}
    """#

    static let resultFile = #"""
    {"file_url":"https://dashscope.oss-cn-beijing.aliyuncs.com/samples/audio/paraformer/hello_world_female2.wav","properties":{"audio_format":"pcm_s16le","channels":[0],"original_sampling_rate":16000,"original_duration_in_milliseconds":3834},"transcripts":[{"channel_id":0,"content_duration_in_milliseconds":3720,"text":"Hello world, 这里是阿里巴巴语音实验室。","sentences":[{"begin_time":100,"end_time":3820,"text":"Hello world, 这里是阿里巴巴语音实验室。","sentence_id":1,"speaker_id":0,"words":[{"begin_time":100,"end_time":596,"text":"Hello ","punctuation":""},{"begin_time":596,"end_time":844,"text":"world","punctuation":", "}]}]}]}
    """#

    static let flashResponse = #"""
    {"output":{"sentence":{"begin_time":760,"channel_id":0,"end_time":3800,"sentence_end":true,"sentence_id":1,"text":"Hello World，这里是阿里巴巴语音实验室。","words":[{"begin_time":760,"end_time":1040,"fixed":true,"punctuation":"","text":"Hello"},{"begin_time":1040,"end_time":1240,"fixed":true,"punctuation":"，","text":" World"},{"begin_time":1360,"end_time":1880,"fixed":true,"punctuation":"","text":"这里是"},{"begin_time":1880,"end_time":2520,"fixed":true,"punctuation":"","text":"阿里巴巴"},{"begin_time":2520,"end_time":2840,"fixed":true,"punctuation":"","text":"语音"},{"begin_time":2840,"end_time":3800,"fixed":true,"punctuation":"。","text":"实验室"}]},"text":"Hello World，这里是阿里巴巴语音实验室。"},"usage":{"duration":4},"request_id":"40e0734d-096f-9ae3-86c1-a8c013287561"}
    """#

    /// The first event of the §12 Realtime stream: an opening sentence with no end time and no words.
    static let realtimeOpeningSentence = #"""
    {"sentence_id":1,"sentence_end":false,"sentence_begin":true,"words":[],"begin_time":0,"text":"","channel_id":0}
    """#

    /// Parses a sample; fails the test when it is not JSON.
    static func json(_ text: String) throws -> JSONValue {
        guard let value = JSONValue.parse(Array(text.utf8)) else { throw NotJSON() }
        return value
    }

    /// Reads a sample into a model through its `init(json:)`.
    static func read<T: ReadableFromJSON>(_ type: T.Type, _ text: String) throws -> T {
        try T(json: json(text))
    }

    /// A sample that does not parse.
    struct NotJSON: Error {}

    /// Serializes a JSON value as sorted, compact text.
    static func text(_ value: JSONValue) -> String {
        String(decoding: value.serialized(), as: UTF8.self)
    }
}

/// The DashScope models the samples are read into: each has one reader, `init(json:)`.
protocol ReadableFromJSON {
    init(json: JSONValue) throws(JSONShapeError)
}

extension TaskQueryResponse: ReadableFromJSON {}
extension TaskListResponse: ReadableFromJSON {}
extension TaskListItem: ReadableFromJSON {}
extension TranscriptionResultDocument: ReadableFromJSON {}
extension AudioProperties: ReadableFromJSON {}
extension ChannelTranscript: ReadableFromJSON {}
extension RecognizedSentence: ReadableFromJSON {}
extension RecognizedWord: ReadableFromJSON {}
