/// The passthrough's textual `parameters` insertion: the output is the input unless the input is a JSON object
/// without `parameters`; then it is that object plus `"parameters": {}` and nothing else changed.
func fuzzOne(_ input: [UInt8]) {
    let output = ParametersInsertion.apply(to: input)
    guard let object = JSONValue.parse(input)?.objectValue, object["parameters"] == nil else {
        precondition(output == input, "a body that needs no insertion was changed")
        return
    }
    guard let inserted = JSONValue.parse(output)?.objectValue else { preconditionFailure("the insertion broke the JSON") }
    precondition(inserted["parameters"] == .object([:]), "parameters is not {}")
    precondition(inserted.filter { $0.key != "parameters" } == object, "another member changed")
}
