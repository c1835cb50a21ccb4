// The libFuzzer entry point shared by every fuzz target: scripts/fuzz.sh compiles one target file with this one
// and the sources it exercises, with `-sanitize=fuzzer,address`. Each target defines `fuzzOne(_:)`, which must not
// crash and checks its own invariants with `precondition`.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    fuzzOne(bytes)
    return 0
}
