/// Language names as OpenAI's verbose_json spells them (lowercase English names).
enum OpenAILanguage {
    /// The codes Fun-ASR documents, by name.
    static let names: [String: String] = [
        "zh": "chinese", "en": "english", "ja": "japanese", "ko": "korean", "vi": "vietnamese", "th": "thai",
        "id": "indonesian", "ms": "malay", "tl": "tagalog", "hi": "hindi", "ar": "arabic", "fr": "french",
        "de": "german", "es": "spanish", "pt": "portuguese", "ru": "russian", "it": "italian", "nl": "dutch",
        "sv": "swedish", "da": "danish", "fi": "finnish", "no": "norwegian", "el": "greek", "pl": "polish",
        "cs": "czech", "hu": "hungarian", "ro": "romanian", "bg": "bulgarian", "hr": "croatian", "sk": "slovak",
        "et": "estonian", "ga": "irish", "lv": "latvian", "lt": "lithuanian", "mt": "maltese", "sl": "slovenian",
        "yue": "cantonese",
    ]

    /// The name of the client's code; without one, a guess from the script most letters of `text` are in.
    static func name(code: String?, text: String) -> String {
        if let code { return names[code] ?? code }
        return guess(text)
    }

    /// Kana → japanese, Hangul → korean, Han → chinese, Thai, Arabic, Cyrillic, Devanagari, Greek; else english.
    static func guess(_ text: String) -> String {
        var counts: [String: Int] = [:]
        for scalar in text.unicodeScalars {
            guard let script = script(of: scalar.value) else { continue }
            counts[script, default: 0] += 1
        }
        if counts["japanese", default: 0] > 0 { return "japanese" }
        return counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key ?? "english"
    }

    private static func script(of value: UInt32) -> String? {
        switch value {
        case 0x3040...0x30FF: "japanese"
        case 0xAC00...0xD7AF, 0x1100...0x11FF: "korean"
        case 0x4E00...0x9FFF, 0x3400...0x4DBF: "chinese"
        case 0x0E00...0x0E7F: "thai"
        case 0x0600...0x06FF: "arabic"
        case 0x0400...0x04FF: "russian"
        case 0x0900...0x097F: "hindi"
        case 0x0370...0x03FF: "greek"
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F: "english"
        default: nil
        }
    }
}
