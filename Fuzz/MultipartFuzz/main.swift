// libFuzzer target for the multipart parser. Built by Fuzz/run-multipart-fuzz.sh together with
// Sources/ImagesMockCore/Multipart/*.swift into one module (the parser needs nothing else).
//
// Input layout:
//   byte 0  control: bits 0-2 pick a Content-Type from `contentTypes`; bits 3-4 pick how the
//           body is split (0: one push, 1: byte by byte, 2: fixed chunks of byte 1's size,
//           3: varying chunk sizes derived from byte 1); bit 5 uses small limits; bit 6 reads
//           the Content-Type from the input instead (bytes 2... up to the first LF).
//   byte 1  chunk parameter.
//   rest    the body (after the Content-Type line when bit 6 is set).
//
// Oracle: besides any trap (bounds, overflow, precondition) and ASan findings, the outcome of a
// split parse must equal the outcome of a single push, and every returned part must be the
// exact bytes at its recorded offset in the body. Parsed with `FileContentRetention.imageStructure`,
// the outcome must be the same except that file parts may leave runs out: their length, and every
// byte they keep, must match the whole parse.

let contentTypes = [
    "multipart/form-data; boundary=abc123",
    "multipart/form-data; boundary=\"abc123\"",
    "multipart/form-data; boundary=0f9c8a7b6e5d4c3b2a1908f7e6d5c4b3",
    "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
    "Multipart/Form-Data; charset=utf-8; BOUNDARY = \"a b:c\"",
    "multipart/form-data; boundary=x",
    "multipart/form-data; boundary=-",
    "multipart/form-data; boundary=abc123; boundary=x",
]

struct Outcome: Equatable {
    var parts: [MultipartPart] = []
    var error: MultipartError?
}

func parse(
    _ body: ArraySlice<UInt8>, contentType: String, limits: MultipartLimits, retention: FileContentRetention = .whole,
    chunks: (Int) -> Int
) -> Outcome {
    var outcome = Outcome()
    var parser: MultipartParser
    do {
        parser = try MultipartParser(contentType: contentType, limits: limits)
    } catch {
        outcome.error = error
        return outcome
    }
    parser.fileRetention = retention
    do throws(MultipartError) {
        var start = body.startIndex
        var step = 0
        while start < body.endIndex {
            let end = min(body.endIndex, start + max(0, chunks(step)))
            try parser.push(body[start..<end])
            while let part = parser.nextPart() { outcome.parts.append(part) }
            start = end
            step += 1
        }
        try parser.finish()
    } catch {
        outcome.error = error
    }
    while let part = parser.nextPart() { outcome.parts.append(part) }
    return outcome
}

@_cdecl("LLVMFuzzerTestOneInput")
public func multipartFuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size >= 2 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let control = input[0]
    let parameter = Int(input[1])
    var contentType = contentTypes[Int(control & 0x07)]
    var body = input[2...]
    if control & 0x40 != 0 {
        let newline = body.firstIndex(of: 0x0A) ?? body.endIndex
        contentType = String(decoding: body[..<newline], as: UTF8.self)
        body = body[min(body.endIndex, newline + 1)...]
    }
    let limits = control & 0x20 != 0
        ? MultipartLimits(maxParts: 3, maxHeaderBytesPerPart: 64, maxFileBytes: 40, maxTextFieldBytes: 8,
                          maxTotalBytes: 300)
        : .default
    let chunks: (Int) -> Int
    switch (control >> 3) & 0x03 {
    case 0: chunks = { _ in Int.max / 4 }
    case 1: chunks = { _ in 1 }
    case 2: chunks = { _ in parameter + 1 }
    default: chunks = { step in (step &* 7 &+ parameter) % 23 }  // includes empty pushes
    }

    let whole = parse(body, contentType: contentType, limits: limits, chunks: { _ in Int.max / 4 })
    let split = parse(body, contentType: contentType, limits: limits, chunks: chunks)
    precondition(whole == split, "split parse differs from a single push")

    let sieved = parse(body, contentType: contentType, limits: limits, retention: .imageStructure, chunks: chunks)
    precondition(sieved.error == whole.error && sieved.parts.count == whole.parts.count, "sieved parse differs in outcome")
    for (kept, full) in zip(sieved.parts, whole.parts) {
        precondition(kept.name == full.name && kept.filename == full.filename && kept.headers == full.headers
            && kept.byteOffset == full.byteOffset && kept.bodyOffset == full.bodyOffset, "sieved part head differs")
        precondition(kept.contentLength == full.body.count, "sieved length \(kept.contentLength) != \(full.body.count)")
        precondition(kept.isFile || kept.omitted.isEmpty, "a text field left bytes out")
        var keptIndex = 0
        var gaps = kept.omitted[...]
        var offset = 0
        while offset < full.body.count {
            if let gap = gaps.first, gap.lowerBound == offset {
                precondition(!gap.isEmpty && gap.upperBound <= full.body.count, "bad omitted range \(gap)")
                offset = gap.upperBound
                gaps = gaps.dropFirst()
                continue
            }
            precondition(kept.body[keptIndex] == full.body[offset], "sieved byte differs at \(offset)")
            keptIndex += 1
            offset += 1
        }
        precondition(gaps.isEmpty && keptIndex == kept.body.count, "sieved ranges do not tile the content")
    }

    let offsetBase = body.startIndex
    var previous = -1
    for part in whole.parts {
        precondition(part.byteOffset > previous && part.bodyOffset > part.byteOffset)
        let start = offsetBase + part.bodyOffset
        precondition(start + part.body.count <= body.endIndex)
        precondition(body[start..<start + part.body.count].elementsEqual(part.body), "part bytes differ from the body")
        precondition(!part.name.isEmpty)
        previous = part.bodyOffset + part.body.count
    }
    if let error = whole.error, let offset = error.byteOffset {
        precondition(offset >= 0 && offset <= body.count, "error offset outside the body")
        precondition(!error.message.isEmpty)
    }
    return 0
}
