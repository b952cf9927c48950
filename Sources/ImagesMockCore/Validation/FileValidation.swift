import Foundation
import ImagesMockCodecs

/// Uploaded files and image references (contract §3.2, §3.5, rows 17a, 21–25f).
extension RequestValidator {
    /// The real wording of the dall-e-2 layer for any non-PNG or too large image (row 21).
    static let dallePNGMessage = "Uploaded image must be a PNG and less than 4 MB."

    /// What a JSON edit must carry, said wherever one arrives without it.
    static let jsonEditInputsHint =
        "A JSON edit lists its input images as \"images\": [{\"image_url\": \"https://...\" or \"data:image/png;base64,...\"}] or [{\"file_id\": \"file-...\"}]; to upload the files themselves, send multipart/form-data with 'image' parts."

    func missingParameter(_ name: String, form: BodyForm, endpoint: Endpoint) -> APIError {
        var error = messages.missingParameter(name)
        if endpoint == .edits && form == .json && name == "images" { error.diagnosis = Self.jsonEditInputsHint }
        return error
    }

    func unknownParameter(_ name: String, value: ParameterValue, form: BodyForm, endpoint: Endpoint, specs: [String: ParameterSpec]) -> APIError {
        if context.errorStyle == .current, endpoint == .edits {
            // Rows 17a and 25f: the two classic mix-ups of the edits body forms, with the real hints.
            if form == .multipart && name == "images" {
                var error = APIError(status: 400, message: "Unknown parameter: 'images'. For multipart/form-data use 'image' or 'image[]'.", param: "images", code: "invalid_value")
                error.diagnosis = "Multipart edits take the files as parts named 'image' (one file) or 'image[]' (each of several files); 'images' is the JSON body's field."
                return error
            }
            if form == .json && (name == "image" || name == "image[]") {
                var error = APIError(status: 400, message: "Unknown parameter: '\(name)'. For application/json on /v1/images/edits, use 'images' (array).", param: name, code: "invalid_value")
                error.diagnosis = "A JSON edit names its inputs as \"images\": [{\"image_url\": \"https://... or data:image/png;base64,...\"}] or [{\"file_id\": \"file-...\"}]; to upload the file itself, send multipart/form-data."
                return error
            }
        }
        var error = messages.unknownParameter(name)
        if form == .multipart, let open = name.firstIndex(of: "["), specs[String(name[..<open])] == nil {
            error.diagnosis = "'\(name)' looks like a bracketed field of '\(name[..<open])', which this model does not take."
        } else if form == .multipart && specs.isEmpty == false
            && (["json", "data", "body", "payload", "request"].contains(name.lowercased()) || Self.holdsJSONObject(value))
        {
            error.diagnosis = "The API never reads a JSON document inside a form field: send each parameter as its own form part (prompt, model, n, ...) and the image as a file part."
        } else if endpoint == .variations && name == "prompt" {
            error.diagnosis = "Variations take no prompt: they vary the uploaded image as it is. To change an image as a prompt says, send it to /v1/images/edits."
        } else if endpoint == .edits && form == .json && ["image_url", "file_id", "url", "image_urls"].contains(name) {
            error.diagnosis = Self.jsonEditInputsHint
        }
        return error
    }

    /// A form field whose text is a JSON object: a whole request serialised into one part.
    private static func holdsJSONObject(_ value: ParameterValue) -> Bool {
        guard case .formText(let text) = value else { return false }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("{"), trimmed.hasSuffix("}"), trimmed.utf8.count <= 1 << 20 else { return false }
        return (try? JSONParser.parse(Array(trimmed.utf8)))?.objectValue != nil
    }

    // MARK: - Multipart files

    func validateFiles(_ value: ParameterValue, named name: String, spec: ParameterSpec, sent: RequestParameters) throws(APIError) -> [AcceptedImage] {
        guard case .files(let files) = value, !files.isEmpty else {
            let expected = spec.array == true ? "one of an array of files or file" : "a file"
            var error = messages.invalidType(name, expected: expected, schemaType: "file", gotDescription: value.typeDescription)
            error.diagnosis = "'\(name)' arrived as a text field. Send it as a file part: Content-Disposition: form-data; name=\"\(name)\"; filename=\"image.png\" with Content-Type: image/png (curl: -F '\(name)=@image.png')."
            throw error
        }
        let isArray = files.count > 1 || files.contains(where: \.isArrayField)
        if isArray && spec.array != true {
            var error = messages.invalidType(name, expected: "a file", schemaType: "file", gotDescription: "an array")
            error.diagnosis = files.contains(where: \.isArrayField)
                ? "This model takes exactly one file in a part named '\(name)', not '\(name)[]'."
                : "This model takes exactly one '\(name)' file; \(files.count) were sent."
            throw error
        }
        if let maximum = spec.maxFiles, files.count > maximum {
            throw arrayTooLong(name, maximum: maximum, count: files.count)
        }
        var accepted: [AcceptedImage] = []
        for (index, file) in files.enumerated() {
            let label = isArray ? "\(name)[\(index)]" : name
            accepted.append(try checkFile(file, label: label, position: index + 1, spec: spec, sent: sent))
        }
        return accepted
    }

    private func checkFile(_ file: UploadedFile, label: String, position: Int, spec: ParameterSpec, sent: RequestParameters) throws(APIError) -> AcceptedImage {
        let dalleRules = spec.formats != nil && spec.mimeTypes?.count == 1
        if let mimeTypes = spec.mimeTypes {
            guard let declared = file.contentType, let mediaType = MediaType(declared) else {
                var error = APIError(
                    status: 400, message: "Invalid file '\(label)': failed to determine mimetype. Ensure you are providing the file's mimetype as part of the 'Content-Type' header.",
                    param: label, code: "missing_file_mimetype")
                let others = mimeTypes.filter { $0 != "image/png" }.map { $0.replacingOccurrences(of: "image/", with: "") }
                error.diagnosis = "The file part '\(file.fieldName)' has no Content-Type header. Add 'Content-Type: image/png'\(others.isEmpty ? "" : " (or \(others.joined(separator: "/")))") to the part; with curl use -F '\(file.fieldName)=@file.png;type=image/png'."
                // The legacy era had no mimetype errors: its dall-e-2 rejection covers this too,
                // as it does a declared type that is not PNG.
                if dalleRules && context.errorStyle == .legacy { throw dalleFormatError(diagnosis: error.diagnosis) }
                throw legacy(error)
            }
            if !mimeTypes.contains(mediaType.essence) {
                let supported = EnglishList.joined(mimeTypes.map { "'\($0)'" }, conjunction: "and")
                var error = APIError(
                    status: 400, message: "Invalid file '\(label)': unsupported mimetype ('\(mediaType.essence)'). Supported file formats are \(supported).",
                    param: label, code: "unsupported_file_mimetype")
                let sniffed = ImageInspector.sniff(file.content)
                let extensions = mimeTypes.map { ".\($0.replacingOccurrences(of: "image/", with: "").replacingOccurrences(of: "jpeg", with: "jpg"))" }.joined(separator: "/")
                if file.byteCount == 0 {
                    error.diagnosis = "The file part '\(file.fieldName)' is empty (0 bytes\(file.filename == "" ? ", file name \"\"" : "")): no file was chosen or the file was read before it was sent. A browser sends an empty file input this way."
                } else if mediaType.essence == "application/octet-stream" {
                    error.diagnosis = "The part's declared Content-Type decides, not its bytes\(sniffed.map { " (they are \($0.mimeType))" } ?? ""). Clients send application/octet-stream for raw bytes without a known file name: give the part its type (Python: a (name, bytes, \"image/png\") tuple or a file name ending in \(extensions); JavaScript: new Blob([bytes], {type: \"image/png\"}); curl: -F 'image=@a.png;type=image/png')."
                } else {
                    error.diagnosis = "The part declares \(mediaType.essence)\(sniffed.map { "; its bytes are \($0.mimeType)" } ?? ""). Declare one of \(mimeTypes.joined(separator: ", "))."
                }
                if dalleRules && context.errorStyle == .legacy { throw dalleFormatError(diagnosis: error.diagnosis) }
                throw legacy(error)
            }
        }
        if let maximum = spec.maxBytes, file.byteCount >= maximum {
            if spec.formats != nil && maximum <= 4 * 1024 * 1024 {
                throw dalleFormatError(diagnosis: "The file is \(file.byteCount) bytes; it must be under \(maximum) bytes (4 MB).")
            }
            throw fileTooLarge(label: label, size: "\(file.byteCount) bytes", maximum: maximum)
        }
        let info: ImageInfo
        do {
            info = try ImageInspector.inspect(file.content)
        } catch {
            if spec.formats != nil { throw dalleFormatError(diagnosis: "The bytes are not a valid PNG: \(error.reason).") }
            var rejection = APIError(
                status: 400, message: "Invalid image file or mode for image \(position), please check your image file.",
                type: "image_generation_user_error", param: label)
            rejection.diagnosis = "'\(label)' (\(file.filename ?? "no file name"), \(file.byteCount) bytes) is not a readable image: \(error.reason)."
            throw legacy(rejection)
        }
        try checkPixelCount(info, label: label, position: position, dalleRules: spec.formats != nil)
        if let formats = spec.formats, !formats.contains(info.format.rawValue) {
            throw dalleFormatError(diagnosis: "The bytes are \(info.format.mimeType); this model takes \(formats.joined(separator: "/")) only, whatever the declared type.")
        }
        if spec.requireSquare == true && info.width != info.height {
            throw APIError(
                status: 400, message: "Invalid input image - expected an image with equal width and height, got \(info.width)x\(info.height) instead.",
                diagnosis: "'\(label)' is \(info.width)x\(info.height) pixels; this model takes square images only: crop or pad it to a square first.")
        }
        if let modes = spec.modes, !modes.contains(info.mode), !(spec.modesWaivedBy.map { sent[$0] != nil } ?? false) {
            let list = modes.map { "'\($0)'" }.joined(separator: ", ")
            var error = APIError(status: 400, message: "Invalid input image - format must be in [\(list)], got \(info.mode).")
            error.diagnosis = spec.modesWaivedBy != nil
                ? "Without a mask, the image's transparent pixels mark the area to edit, so it needs an alpha channel; add one or send a mask."
                : "'\(label)' is a PNG in mode \(info.mode) (\(Self.modeDescription(info.mode))); this model takes \(modes.joined(separator: " or ")): convert it first (Pillow: image.convert('RGBA'))."
            throw error
        }
        if spec.requiresAlpha == true && !info.hasAlpha { throw missingAlpha(label: label, info: info) }
        return AcceptedImage(file: file, info: info)
    }

    /// Pillow's image modes in words.
    static func modeDescription(_ mode: String) -> String {
        switch mode {
        case "L": "grayscale"
        case "LA": "grayscale with alpha"
        case "P": "palette colours"
        case "RGB": "colour without alpha"
        case "RGBA": "colour with alpha"
        default: mode
        }
    }

    /// A mask (or markup) without an alpha channel, uploaded or in a data URL.
    private func missingAlpha(label: String, info: ImageInfo) -> APIError {
        var error = APIError(status: 400, message: "Invalid mask image format - mask image missing alpha channel", type: "image_generation_user_error", param: label, code: "invalid_mask_image_format")
        error.diagnosis = label == "markup"
            ? "The markup is \(info.mode); it is drawn over the first image, which shows through its transparent pixels, so it must be a PNG with an alpha channel (RGBA or LA). The real API's wording for markup is not documented; this is the mask's."
            : "The \(label) is \(info.mode); its fully transparent pixels mark where to edit, so it must be a PNG with an alpha channel (RGBA or LA)."
        return legacy(error)
    }

    /// Pillow, which reads the real API's uploads, refuses to open an image of more than
    /// 178,956,970 pixels (twice its `MAX_IMAGE_PIXELS`, a decompression-bomb guard), whatever
    /// its file size: a 100000×100000 header in a small file is refused before any pixel is read.
    static let maximumPixelCount = 178_956_970

    private func checkPixelCount(_ info: ImageInfo, label: String, position: Int, dalleRules: Bool) throws(APIError) {
        let pixels = info.width.multipliedReportingOverflow(by: info.height)
        guard pixels.overflow || pixels.partialValue > Self.maximumPixelCount else { return }
        let diagnosis = "'\(label)' declares \(info.width)x\(info.height) pixels; images over \(Self.maximumPixelCount) pixels are refused unread (Pillow's decompression-bomb limit)."
        if dalleRules { throw dalleFormatError(diagnosis: diagnosis) }
        var rejection = APIError(
            status: 400, message: "Invalid image file or mode for image \(position), please check your image file.",
            type: "image_generation_user_error", param: label)
        rejection.diagnosis = diagnosis
        throw legacy(rejection)
    }

    private func fileTooLarge(label: String, size: String, maximum: Int) -> APIError {
        legacy(APIError(
            status: 400, message: "Invalid file '\(label)': the file is \(size); it must be under \(maximum) bytes (\(maximum / (1024 * 1024)) MB).",
            param: label, code: "file_too_large"))
    }

    /// A file part the multipart parser stopped reading at its cap (the largest file any model
    /// takes): the answer the checks above give a file just as large, as far as the parts read
    /// before it tell (the model, the file's place among its field's files).
    public func fileOverStreamingCap(field: String, earlierFiles: Int, cap: Int, parameters: RequestParameters, endpoint: Endpoint) -> APIError? {
        // A model field after the file was never read: the parser's own words then, not a guess.
        guard endpoint == .variations || parameters["model"] != nil,
            let model = try? resolveModel(parameters, endpoint: endpoint), let rules = model.rules[endpoint]
        else { return nil }
        let name = field.hasSuffix("[]") ? String(field.dropLast(2)) : field
        guard let spec = rules.specs[name], spec.kind == .file else { return nil }
        if spec.formats != nil, let maximum = spec.maxBytes, maximum <= 4 * 1024 * 1024 {
            return dalleFormatError(diagnosis: "The file is over \(cap) bytes; it must be under \(maximum) bytes (4 MB).")
        }
        let isArray = field.hasSuffix("[]") || earlierFiles > 0
        let label = isArray && spec.array == true ? "\(name)[\(earlierFiles)]" : name
        var error = fileTooLarge(label: label, size: "over \(cap) bytes", maximum: min(spec.maxBytes ?? cap, cap))
        error.diagnosis = "The upload was stopped at byte \(cap) of this file; nothing after it was read."
        return error
    }

    private func dalleFormatError(diagnosis: String?) -> APIError {
        var error = APIError(status: 400, message: Self.dallePNGMessage, code: context.errorStyle == .current ? "invalid_image_format" : nil)
        error.diagnosis = diagnosis
        return error
    }

    private func arrayTooLong(_ name: String, maximum: Int, count: Int) -> APIError {
        legacy(APIError(
            status: 400, message: "Invalid '\(name)': array too long. Expected an array with maximum length \(maximum), but got an array with length \(count) instead.",
            param: name, code: "array_above_max_length",
            diagnosis: "\(count) images were sent as '\(name)'; one edit takes at most \(maximum). Send fewer, or combine them into one image first."))
    }

    /// Era A had neither `param` nor `code`.
    private func legacy(_ error: APIError) -> APIError {
        guard context.errorStyle == .legacy else { return error }
        var stripped = error
        stripped.subject = error.param.map { String($0.prefix { $0 != "[" }) }
        stripped.param = nil
        stripped.code = nil
        return stripped
    }

    /// Same dimensions as the reference image, and parameters that exclude each other.
    func checkFileRelations(_ relations: [ParameterRule], values: [String: ValidatedValue], provided: Set<String>) throws(APIError) {
        for relation in relations where provided.contains(relation.name) {
            let name = relation.name
            let spec = relation.spec
            for other in spec.excludes ?? [] where provided.contains(other) {
                throw legacy(APIError(
                    status: 400, message: "Invalid '\(name)': '\(name)' cannot be combined with '\(other)'.", param: name, code: "invalid_value",
                    diagnosis: "Send either '\(other)' or '\(name)', not both: each marks the area to change in its own way."))
            }
            guard let references = spec.sameSizeAs,
                case .images(let own)? = values[name], let mine = own.first?.info,
                let reference = references.first(where: { provided.contains($0) }),
                case .images(let theirs)? = values[reference], let target = theirs.first?.info
            else { continue }
            if mine.width != target.width || mine.height != target.height {
                var error = APIError(
                    status: 400, message: "Invalid \(name) image - \(name) and image must have the same dimensions, got \(mine.width)x\(mine.height) and \(target.width)x\(target.height).",
                    param: name)
                error.diagnosis = "The \(name) must match the (first) image pixel for pixel."
                throw legacy(error)
            }
        }
    }

    // MARK: - JSON image references (edits, 2026-08)

    func validateReferences(_ value: ParameterValue, named name: String, spec: ParameterSpec) throws(APIError) -> ValidatedValue {
        guard case .json(let json) = value else {
            throw messages.invalidType(name, expected: "an array", schemaType: "array", gotDescription: value.typeDescription)
        }
        guard case .array(let items) = json else {
            throw messages.invalidType(name, expected: "an array", schemaType: "array", got: json)
        }
        if items.isEmpty {
            throw legacy(APIError(status: 400, message: "Invalid '\(name)': empty array. Expected an array with minimum length 1, but got an empty array instead.", param: name, code: "empty_array"))
        }
        if let maximum = spec.maxFiles, items.count > maximum { throw arrayTooLong(name, maximum: maximum, count: items.count) }
        var images: [AcceptedImage] = []
        var external = 0
        for (index, item) in items.enumerated() {
            if let image = try reference(item, label: "\(name)[\(index)]", position: index + 1, spec: nil) {
                images.append(image)
            } else {
                external += 1
            }
        }
        return images.isEmpty ? .references(external) : .images(images)
    }

    func validateReference(_ value: ParameterValue, named name: String, spec: ParameterSpec) throws(APIError) -> ValidatedValue? {
        guard case .json(let json) = value else { return nil }
        guard let image = try reference(json, label: name, position: 1, spec: spec) else { return .references(1) }
        return .images([image])
    }

    /// `{"image_url": "https://..." | "data:image/png;base64,..."}` or `{"file_id": "file-..."}`.
    /// Data URLs are decoded and inspected like uploads; URLs and file ids cannot be fetched offline
    /// and are accepted as they are. A data URL for a file parameter (`mask`) meets that
    /// parameter's rules as an upload would: format, size and alpha.
    private func reference(_ item: JSONValue, label: String, position: Int, spec: ParameterSpec?) throws(APIError) -> AcceptedImage? {
        guard case .object(let object) = item else {
            var error = messages.invalidType(label, expected: "an object", schemaType: "object", got: item)
            if label.hasPrefix("images") { error.diagnosis = Self.jsonEditInputsHint }
            throw error
        }
        for key in object.keys where key != "image_url" && key != "file_id" {
            throw messages.unknownParameter("\(label).\(key)")
        }
        let url = object["image_url"], fileID = object["file_id"]
        if (url == nil) == (fileID == nil) {
            throw legacy(APIError(status: 400, message: "Invalid '\(label)': expected an object with exactly one of 'image_url' or 'file_id'.", param: label, code: "invalid_value"))
        }
        if let fileID {
            guard case .string = fileID else { throw messages.invalidType("\(label).file_id", expected: "a string", schemaType: "string", got: fileID) }
            return nil
        }
        guard case .string(let text)? = url else {
            throw messages.invalidType("\(label).image_url", expected: "a string", schemaType: "string", got: url ?? .null)
        }
        let maximum = 20_971_520
        if text.unicodeScalars.count > maximum {
            throw messages.stringTooLong("\(label).image_url", value: text, maximum: maximum, length: text.unicodeScalars.count, legacyTemplate: nil)
        }
        if text.lowercased().hasPrefix("https://") { return nil }
        guard text.lowercased().hasPrefix("data:"), let comma = text.firstIndex(of: ",") else {
            var error = APIError(status: 400, message: "Invalid '\(label).image_url': expected an https URL or a data URL.", param: "\(label).image_url", code: "invalid_value")
            error.diagnosis = "Use https://... (the mock does not fetch it) or data:image/png;base64,<bytes>."
            throw legacy(error)
        }
        let header = text[text.index(text.startIndex, offsetBy: 5)..<comma].lowercased()
        let mimeType = header.split(separator: ";").first.map(String.init) ?? ""
        guard ["image/png", "image/jpeg", "image/webp"].contains(mimeType) else {
            throw legacy(APIError(
                status: 400, message: "Invalid file '\(label)': unsupported mimetype ('\(mimeType)'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.",
                param: label, code: "unsupported_file_mimetype",
                diagnosis: "The data URL of \(label) declares \(mimeType.isEmpty ? "no media type" : mimeType); it must be data:image/png, data:image/jpeg or data:image/webp (convert the image first)."))
        }
        guard header.hasSuffix(";base64"), let data = Data(base64Encoded: String(text[text.index(after: comma)...])) else {
            throw legacy(APIError(status: 400, message: "Invalid '\(label).image_url': the data URL is not valid base64.", param: "\(label).image_url", code: "invalid_value"))
        }
        let file = UploadedFile(fieldName: label, filename: nil, contentType: mimeType, bytes: Array(data))
        if let maximum = spec?.maxBytes, file.byteCount >= maximum {
            if spec?.formats != nil && maximum <= 4 * 1024 * 1024 {
                throw dalleFormatError(diagnosis: "The data URL of \(label) holds \(file.byteCount) bytes; they must be under \(maximum) bytes (4 MB).")
            }
            throw fileTooLarge(label: label, size: "\(file.byteCount) bytes", maximum: maximum)
        }
        let info: ImageInfo
        do {
            info = try ImageInspector.inspect(file.content)
        } catch {
            if spec?.formats != nil { throw dalleFormatError(diagnosis: "The data URL of \(label) does not hold a valid PNG: \(error.reason).") }
            var rejection = APIError(status: 400, message: "Invalid image file or mode for image \(position), please check your image file.", type: "image_generation_user_error", param: label)
            rejection.diagnosis = "The data URL of \(label) does not hold a readable image: \(error.reason)."
            throw legacy(rejection)
        }
        try checkPixelCount(info, label: label, position: position, dalleRules: spec?.formats != nil)
        if let formats = spec?.formats, !formats.contains(info.format.rawValue) {
            throw dalleFormatError(diagnosis: "The data URL of \(label) holds \(info.format.mimeType); '\(label)' takes \(formats.joined(separator: "/")) only.")
        }
        if spec?.requiresAlpha == true && !info.hasAlpha { throw missingAlpha(label: label, info: info) }
        return AcceptedImage(file: file, info: info)
    }
}
