// libFuzzer entry point for ImageInspector.inspect. Built by Fuzz/run-image-inspector-fuzz.sh
// together with the inspector's own source files only (no package, no C libraries).
//
// A trap (bounds, overflow, precondition) or an AddressSanitizer report is a finding. Besides
// "never traps", every input checks the promises the rest of the mock relies on, and that
// inspecting only the bytes ImageStructureSieve keeps (what a server parsing uploads with
// `FileContentRetention.imageStructure` holds) gives exactly the whole file's result.

/// The input as the multipart parser keeps it, pushed in two pieces split at `cut`.
func sieved(_ bytes: [UInt8], cut: Int) -> ImageBytes {
    var sieve = ImageStructureSieve()
    var kept: [UInt8] = []
    var omitted: [Range<Int>] = []
    for piece in [0..<cut, cut..<bytes.count] where !piece.isEmpty {
        let chunk = Array(bytes[piece])
        var index = 0
        while index < chunk.count {
            let run = sieve.next(chunk.span, from: index, to: chunk.count)
            precondition(run.count > 0 && run.count <= chunk.count - index, "sieve run \(run) at \(index) of \(chunk.count)")
            let start = piece.lowerBound + index
            if run.keep {
                kept += chunk[index..<index + run.count]
            } else if let last = omitted.last, last.upperBound == start {
                omitted[omitted.count - 1] = last.lowerBound..<start + run.count
            } else {
                omitted.append(start..<start + run.count)
            }
            index += run.count
        }
    }
    return ImageBytes(kept: kept, omitted: omitted)
}

enum Outcome: Equatable {
    case info(ImageInfo)
    case error(ImageInspectionError)
    init(_ bytes: ImageBytes) {
        do { self = .info(try ImageInspector.inspect(bytes)) } catch { self = .error(error) }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func imageInspectorFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let sparse = sieved(bytes, cut: bytes.isEmpty ? 0 : Int(bytes[bytes.count - 1]) * 7 % (bytes.count + 1))
    precondition(sparse.count == bytes.count, "sieved length \(sparse.count) != \(bytes.count)")
    let whole = Outcome(ImageBytes(bytes))
    precondition(Outcome(sparse) == whole, "sieved inspection \(Outcome(sparse)) != whole \(whole)")
    do {
        let info = try ImageInspector.inspect(bytes)
        precondition(info.width > 0 && info.height > 0, "empty size reported: \(info)")
        precondition(info.width <= 0x7FFF_FFFF && info.height <= 0x7FFF_FFFF, "size beyond 2^31 - 1: \(info)")
        precondition(ImageInspector.sniff(bytes) == info.format, "format differs from the signature: \(info)")
        switch info.format {
        case .png:
            precondition(["1", "L", "I;16", "RGB", "P", "LA", "RGBA"].contains(info.mode), "PNG mode \(info.mode)")
        case .jpeg:
            precondition(!info.hasAlpha && ["L", "RGB", "CMYK"].contains(info.mode), "JPEG \(info)")
        case .webp:
            precondition(info.mode == (info.hasAlpha ? "RGBA" : "RGB"), "WebP \(info)")
        }
    } catch {
        precondition(!error.reason.isEmpty, "empty reason")
        if let offset = error.offset {
            precondition(offset >= 0 && offset <= bytes.count, "offset \(offset) outside 0...\(bytes.count): \(error)")
        }
    }
    return 0
}
