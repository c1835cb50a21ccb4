import ArgumentParser
import FoundationEssentials
import Gateway

/// `funasr-gateway transcribe FILE...`: uploads local audio files to a running gateway, waits for the jobs and writes
/// their transcripts (for people who never write code, and for batch jobs).
struct Transcribe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Transcribe local audio files through a running gateway and write the transcripts.",
        discussion: """
            Every file is uploaded (streamed, never read whole) to the gateway's POST /v1/transcriptions, which puts \
            it in DashScope's temporary storage and submits it; the jobs then run side by side and each transcript is \
            written as it is ready: to --out DIR as NAME.txt/.srt/.vtt/.json, or to standard output. Progress goes \
            to standard error: a bar on a terminal, one line per step otherwise. Exit status 0 when every file was \
            transcribed, 1 when any failed (the others are still written).
            """)

    @Argument(help: "Audio files (wav, mp3, m4a, flac, ogg, opus, aac, amr, webm, mp4, …; up to the upload limit, 100 MB).")
    var files: [String]

    @Option(help: "The gateway's base URL (default: http://127.0.0.1:<port of FUNASR_GATEWAY_LISTEN, else 8080>) [env: FUNASR_GATEWAY_URL].")
    var gateway: String?

    @Option(help: "A local token of the gateway, when it requires one [env: FUNASR_GATEWAY_TOKEN].")
    var token: String?

    @Option(help: "Transcript format: text, srt, vtt or json (the result document).")
    var format: TranscriptOutputFormat = .text

    @Option(help: "Directory for the transcripts (created if missing); without it they go to standard output.")
    var out: String?

    @Option(help: "The model (default: the gateway's, fun-asr).")
    var model: String?

    @Option(help: "Language hints, comma-separated (e.g. zh,en).")
    var languageHints: String?

    @Flag(help: "Tell speakers apart (diarization).")
    var diarization = false

    @Option(help: "A vocabulary (hotword list) id.")
    var vocabularyId: String?

    @Option(help: "How long to wait for all jobs, in seconds.")
    var timeout: Int = 3600

    @Option(help: "Progress display: auto (a bar on a terminal), always, never.")
    var progress: ProgressMode = .auto

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one audio file") }
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let base = TranscribeTarget.baseURL(
            flag: gateway, url: environment["FUNASR_GATEWAY_URL"], listen: environment["FUNASR_GATEWAY_LISTEN"])
        let options = TranscribeOptions(
            model: model, languageHints: languageHints, diarization: diarization, vocabularyID: vocabularyId)
        let reporter = ProgressReporter(mode: progress)
        let api = GatewayAPI(baseURL: base, token: token ?? environment["FUNASR_GATEWAY_TOKEN"])
        let batch = TranscribeBatch(api: api, reporter: reporter, format: format, outputDirectory: out, timeout: .seconds(timeout))
        let failures = await batch.run(files: files, options: options)
        await api.shutdown()
        if failures > 0 { throw ExitCode(1) }
    }
}

/// The transcript formats the command writes.
enum TranscriptOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, srt, vtt, json

    /// The file name extension for `--out`.
    var fileExtension: String { self == .text ? "txt" : rawValue }
}

/// When to draw a progress bar.
enum ProgressMode: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

/// Where the command finds the gateway.
enum TranscribeTarget {
    /// The flag, else `FUNASR_GATEWAY_URL`, else the loopback address of `FUNASR_GATEWAY_LISTEN`'s port; no trailing `/`.
    static func baseURL(flag: String?, url: String?, listen: String?) -> String {
        let chosen = [flag, url].compactMap { $0 }.first { !$0.isEmpty }
            ?? String(HealthCheck.defaultURL(listen: listen).dropLast("/healthz".count))
        return chosen.hasSuffix("/") ? String(chosen.dropLast()) : chosen
    }
}
