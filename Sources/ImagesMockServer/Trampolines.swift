import ImagesMockCore
internal import CMicroHTTPD

/// The C callbacks. They live here, never in `main.swift`: there they would be inferred
/// `@MainActor` and trap on libmicrohttpd's threads (notes, trap 1).
enum Trampolines {
    static let accessHandler: MHD_AccessHandlerCallback = { context, connection, url, method, _, uploadData, uploadDataSize, requestSlot in
        guard let context, let connection, let uploadDataSize, let requestSlot else { return .NO }
        let upload = uploadData.map { UnsafeRawBufferPointer(start: $0, count: uploadDataSize.pointee) }
        // The core outlives the daemon, so it is borrowed here without a retain (this runs once
        // per body chunk: 140 times for a 4 MB upload).
        return Unmanaged<ServerCore>.fromOpaque(context)._withUnsafeGuaranteedRef { core in
            core.handle(
                connection: connection,
                method: method,
                target: url,
                upload: upload,
                uploadSize: uploadDataSize,
                slot: requestSlot)
        }
    }

    static let requestCompleted: MHD_RequestCompletedCallback = { context, _, requestSlot, _ in
        guard let context else { return }
        Unmanaged<ServerCore>.fromOpaque(context).takeUnretainedValue().completed(slot: requestSlot)
    }

    static let pacedBodyReader: MHD_ContentReaderCallback = { context, position, buffer, maximum in
        guard let context, let buffer else { return -2 }
        let body = Unmanaged<PacedBody>.fromOpaque(context).takeUnretainedValue()
        return body.read(at: Int(position), into: UnsafeMutableRawBufferPointer(start: buffer, count: maximum))
    }

    static let pacedBodyFree: MHD_ContentReaderFreeCallback = { context in
        guard let context else { return }
        Unmanaged<PacedBody>.fromOpaque(context).release()
    }

    static let sharedBodyFree: MHD_ContentReaderFreeCallback = { context in
        guard let context else { return }
        Unmanaged<SharedBody>.fromOpaque(context).release()
    }

    static let headerIterator: MHD_KeyValueIterator = { context, _, key, value in
        guard let context, let key else { return .YES }
        let collector = Unmanaged<HeaderCollector>.fromOpaque(context).takeUnretainedValue()
        collector.headers.add(String(cString: key), value.map { String(cString: $0) } ?? "")
        return .YES
    }
}
