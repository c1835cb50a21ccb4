/// The sentences synthetic transcripts are drawn from.
///
/// English lines are split on spaces (later words get a leading space, as DashScope writes Latin
/// script); Chinese lines list their words separated by `|`. A trailing mark becomes `punctuation`.
enum TranscriptCorpus {
    static let english = [
        "Hello world, this is the speech lab.",
        "Welcome to the weekly product meeting.",
        "Please remember to submit your reports by Friday.",
        "The new release fixes the audio upload bug.",
        "Can everyone hear me clearly?",
        "Let us start with a quick review of last quarter.",
        "The weather in Hangzhou is sunny today.",
        "Thank you all for joining this call.",
        "Our next step is to test the gateway under load.",
        "I will send the summary after the meeting.",
        "Customer feedback has been very positive.",
        "Let me share my screen for a moment.",
    ]

    static let chinese = [
        "这里是|阿里巴巴|语音|实验室。",
        "欢迎|使用|阿里云。",
        "今天|我们|讨论|一下|新|产品|的|发布|计划。",
        "请|大家|在|周五|之前|提交|报告。",
        "杭州|今天|天气|晴朗，|适合|出门|散步。",
        "这个|版本|修复了|音频|上传|的|问题。",
        "我|先|简单|介绍|一下|项目|背景。",
        "感谢|各位|参加|今天|的|会议。",
        "下一步|我们|要|做|压力|测试。",
        "客户|的|反馈|非常|积极。",
        "Hello| World，|这里是|阿里巴巴|语音|实验室。",
        "会议|结束|后|我|会|发送|纪要。",
    ]

    /// Marks that end a word and go into its `punctuation` field.
    static let marks: Set<Character> = [",", ".", "?", "!", ";", ":", "，", "。", "？", "！", "、", "；", "："]

    /// The (text, punctuation) words of a corpus line.
    static func words(of line: String) -> [(text: String, punctuation: String)] {
        let explicit = line.contains("|")
        let tokens = explicit ? line.split(separator: "|").map(String.init) : line.split(separator: " ").map(String.init)
        return tokens.enumerated().map { index, token in
            var text = token
            var punctuation = ""
            if let last = text.last, marks.contains(last) {
                punctuation = String(last)
                text.removeLast()
            }
            if !explicit, index > 0 { text = " " + text }
            return (text, punctuation)
        }
    }
}
