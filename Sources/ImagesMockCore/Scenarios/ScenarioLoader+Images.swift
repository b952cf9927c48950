import Foundation
import ImagesMockCodecs
import Yams

extension ScenarioReader {
    /// The largest canned image the loader reads (the API's own upload limit for edits, 50 MiB).
    static let maximumImageBytes = 50 * 1024 * 1024

    /// The scenario file's folder, made absolute and free of `.` and `..`.
    var scenarioFolder: URL {
        URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL
    }

    /// Reads and inspects a canned image once. Paths are relative to the scenario's
    /// folder and may not leave it, neither with `..` nor through a symbolic link.
    mutating func cannedImage(_ written: String, at node: Node) -> CannedImage? {
        guard !written.hasPrefix("/") else {
            log.report("image path '\(written)' is absolute; image paths are relative to the scenario's folder", at: node)
            return nil
        }
        let folder = scenarioFolder
        let lexical = folder.appendingPathComponent(written).standardizedFileURL
        guard Self.isInside(lexical.path, folder: folder.path) else {
            log.report("image path '\(written)' escapes the scenario folder", at: node)
            return nil
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: lexical.path, isDirectory: &isDirectory) else {
            log.report("image file '\(written)' not found (looked for \(lexical.path))", at: node)
            return nil
        }
        let resolved = lexical.resolvingSymlinksInPath()
        guard Self.isInside(resolved.path, folder: folder.resolvingSymlinksInPath().path) else {
            log.report("image path '\(written)' escapes the scenario folder through a symbolic link", at: node)
            return nil
        }
        guard !isDirectory.boolValue else {
            log.report("image path '\(written)' is a folder, not an image file", at: node)
            return nil
        }
        if var cached = imageCache[resolved.path] {
            cached.path = written
            return cached
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: resolved.path)[.size] as? Int) ?? 0
        guard size <= Self.maximumImageBytes else {
            log.report("image file '\(written)' is \(size) bytes; canned images may have at most \(Self.maximumImageBytes) bytes (50 MiB)", at: node)
            return nil
        }
        guard let data = FileManager.default.contents(atPath: resolved.path) else {
            log.report("cannot read image file '\(written)' (permission denied?)", at: node)
            return nil
        }
        let bytes = [UInt8](data)
        let info: ImageInfo
        do {
            info = try ImageInspector.inspect(bytes)
        } catch {
            log.report("image file '\(written)' cannot be served: \(error.description)", at: node)
            return nil
        }
        // Answers may need the file fitted to another size or format, so its pixels must decode,
        // not only its header: better refused here than a 500 on the first request.
        do {
            _ = try ImageDecoder.decode(bytes)
        } catch {
            log.report("image file '\(written)' cannot be decoded: \(error.message)", at: node)
            return nil
        }
        let canned = CannedImage(
            path: written, image: EncodedImage(bytes: bytes, format: info.format, width: info.width, height: info.height), info: info)
        imageCache[resolved.path] = canned
        return canned
    }

    static func isInside(_ path: String, folder: String) -> Bool {
        folder == "/" ? path.hasPrefix("/") : path.hasPrefix(folder + "/")
    }
}
