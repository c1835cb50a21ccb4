/// The JSON reader and writer: any bytes either fail to parse or parse to a value whose written text parses back
/// to the same value; nothing crashes (deep nesting included).
func fuzzOne(_ input: [UInt8]) {
    guard let value = JSONValue.parse(input) else { return }
    let written = value.serialized()
    guard let again = JSONValue.parse(written) else { preconditionFailure("the writer's output did not parse") }
    precondition(again.serialized() == written, "writing what was read changed the text")
}
