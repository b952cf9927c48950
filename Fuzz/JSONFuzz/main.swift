// libFuzzer target for the strict JSON parser that reads every generations (and JSON edits) body.
// Built by Fuzz/run-json-fuzz.sh together with Sources/ImagesMockCore/JSON/*.swift.
//
// Oracle: besides any trap and ASan finding, a document that parses must survive a round trip:
// rendering it (compact, ASCII-only) and parsing the result gives the same value, and the same
// bytes when rendered again.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONParser.parse(bytes) else { return 0 }
    let rendered = JSONWriter.render(value, layout: .compact)
    guard let reparsed = try? JSONParser.parse(rendered) else {
        fatalError("rendered JSON does not parse: \(String(decoding: rendered, as: UTF8.self))")
    }
    guard reparsed == value else { fatalError("round trip changed the value") }
    guard JSONWriter.render(reparsed, layout: .pretty) == JSONWriter.render(value, layout: .pretty) else {
        fatalError("pretty rendering is not stable")
    }
    return 0
}
