// libFuzzer entry point for ImageInspector.inspect. Built by Fuzz/run-image-inspector-fuzz.sh
// together with the inspector's own source files only (no package, no C libraries).
//
// A trap (bounds, overflow, precondition) or an AddressSanitizer report is a finding. Besides
// "never traps", every input checks the promises the rest of the mock relies on.

@_cdecl("LLVMFuzzerTestOneInput")
public func imageInspectorFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
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
