import ImagesMockCore
import Testing

@Suite("Multipart: well-formed bodies")
struct MultipartValidBodyTests {
    /// The official Python SDK (httpx): 32 lowercase hex, unquoted; text fields first without a
    /// Content-Type; files last with filename and Content-Type: image/png; `image[]` repeated.
    @Test func pythonSDKEdit() {
        let boundary = "0f9c8a7b6e5d4c3b2a1908f7e6d5c4b3"
        let file = Multipart.trickyFile
        var body: [UInt8] = Array("""
            --\(boundary)\r
            Content-Disposition: form-data; name="model"\r
            \r
            gpt-image-2\r
            --\(boundary)\r
            Content-Disposition: form-data; name="prompt"\r
            \r
            A sea otter wearing a tiny hat\r
            --\(boundary)\r
            Content-Disposition: form-data; name="n"\r
            \r
            2\r
            --\(boundary)\r
            Content-Disposition: form-data; name="image[]"; filename="a.png"\r
            Content-Type: image/png\r
            \r

            """.utf8)
        body += file
        body += Array("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"image[]\"; filename=\"b.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        body += file.reversed()
        body += Array("\r\n--\(boundary)--\r\n".utf8)

        let outcome = Multipart.parseAllWays(body, contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(outcome.error == nil)
        #expect(outcome.parts.map(\.summary) == [
            "model 11B", "prompt 30B", "n 1B",
            "image[] file=a.png type=image/png \(file.count)B", "image[] file=b.png type=image/png \(file.count)B",
        ])
        #expect(outcome.parts.map(\.text) == ["gpt-image-2", "A sea otter wearing a tiny hat", "2", nil, nil])
        #expect(outcome.parts[3].body == file)
        #expect(outcome.parts[4].body == Array(file.reversed()))
        #expect(outcome.parts[0].byteOffset == 36)
        #expect(outcome.parts[0].bodyOffset == 36 + 48)
        #expect(outcome.parts[0].contentType == nil)
        #expect(outcome.parts[3].isFile && !outcome.parts[0].isFile)
        #expect(outcome.parts[3].headers == [
            MultipartHeaderField(name: "Content-Disposition", value: "form-data; name=\"image[]\"; filename=\"a.png\""),
            MultipartHeaderField(name: "Content-Type", value: "image/png"),
        ])
        #expect(outcome.parts[3].header("content-type") == "image/png")
    }

    /// The SDK with raw bytes: filename "upload", application/octet-stream (the API rejects it
    /// later; the parser must deliver it as sent).
    @Test func pythonSDKRawBytes() {
        let boundary = "d41d8cd98f00b204e9800998ecf8427e"
        let body = """
            --\(boundary)\r
            Content-Disposition: form-data; name="prompt"\r
            \r
            otter\r
            --\(boundary)\r
            Content-Disposition: form-data; name="image"; filename="upload"\r
            Content-Type: application/octet-stream\r
            \r
            \u{1}\u{2}\u{3}\r
            --\(boundary)--\r

            """
        let outcome = Multipart.parseAllWays(body, contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(outcome.error == nil)
        #expect(outcome.parts.map(\.summary) == ["prompt 5B", "image file=upload type=application/octet-stream 3B"])
    }

    /// curl -F: a dashed boundary, `image[]=@a.png` parts.
    @Test func curl() {
        let boundary = "------------------------5d2e1d6f0a0f4b3c"
        let body = """
            --\(boundary)\r
            Content-Disposition: form-data; name="image[]"; filename="a.png"\r
            Content-Type: image/png\r
            \r
            PNG--data\r
            --\(boundary)\r
            Content-Disposition: form-data; name="prompt"\r
            \r
            two lines\r
            of prompt\r
            --\(boundary)--\r

            """
        let outcome = Multipart.parseAllWays(body, contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(outcome.error == nil)
        #expect(outcome.parts.map(\.summary) == ["image[] file=a.png type=image/png 9B", "prompt 20B"])
        #expect(outcome.parts[1].text == "two lines\r\nof prompt")
    }

    /// Chrome/Safari FormData, and a file input left empty (`filename=""`).
    @Test func browserWebKit() {
        let boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
        let body = """
            --\(boundary)\r
            Content-Disposition: form-data; name="prompt"\r
            \r
            naïve café ☕\r
            --\(boundary)\r
            Content-Disposition: form-data; name="image"; filename="photo été.png"\r
            Content-Type: image/png\r
            \r
            ----WebKitFormBoundary7MA4YWxkTrZu0g\r
            --\(boundary)\r
            Content-Disposition: form-data; name="mask"; filename=""\r
            Content-Type: application/octet-stream\r
            \r
            \r
            --\(boundary)--\r

            """
        let outcome = Multipart.parseAllWays(body, contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(outcome.error == nil)
        #expect(outcome.parts.map(\.summary) == [
            "prompt 16B", "image file=photo été.png type=image/png 36B", "mask file= type=application/octet-stream 0B",
        ])
        #expect(outcome.parts[0].text == "naïve café ☕")
        #expect(outcome.parts[2].isFile && outcome.parts[2].body.isEmpty)
    }

    /// Node's fetch (undici) FormData.
    @Test func nodeUndici() {
        let boundary = "----formdata-undici-052393493461"
        let body = """
            --\(boundary)\r
            Content-Disposition: form-data; name="model"\r
            \r
            gpt-image-1\r
            --\(boundary)\r
            Content-Disposition: form-data; name="image"; filename="otter.webp"\r
            Content-Type: image/webp\r
            \r
            RIFF....WEBP\r
            --\(boundary)--
            """
        let outcome = Multipart.parseAllWays(body, contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(outcome.error == nil)
        #expect(outcome.parts.map(\.summary) == ["model 11B", "image file=otter.webp type=image/webp 12B"])
    }

    /// .NET HttpClient: quoted boundary, text parts with a charset Content-Type, unquoted
    /// names, and both filename and filename* (filename* wins).
    @Test func dotNet() {
        let boundary = "7c3d4c0e-8a3e-4b8e-9f39-2f1e4c7b9a10"
        let body = """
            --\(boundary)\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Disposition: form-data; name=prompt\r
            \r
            otter\r
            --\(boundary)\r
            Content-Type: image/png\r
            Content-Disposition: form-data; name=image; filename=otter.png; filename*=utf-8''na%C3%AFve%20otter.png\r
            \r
            png\r
            --\(boundary)--\r

            """
        let outcome = Multipart.parseAllWays(body, contentType: "multipart/form-data; boundary=\"\(boundary)\"")
        #expect(outcome.error == nil)
        #expect(outcome.parts.map(\.summary) == [
            "prompt type=text/plain; charset=utf-8 5B", "image file=naïve otter.png type=image/png 3B",
        ])
    }

    @Test func preambleEpiloguePaddingAndHeaderVariants() {
        let body = """
            This is a preamble; it is ignored.\r
            --abc123 \t\r
            content-disposition: FORM-DATA ; Name = "weird \\"quoted\\" name" ; FILENAME="C:\\\\dir\\\\a.png"\r
            CONTENT-TYPE:image/png\r
            X-Folded: first\r
              second\r
            \r
            --abc123-- not a boundary\r
            \r
            --abc123--  \r
            This is the epilogue.\r
            --abc123\r
            garbage that is ignored
            """
        let outcome = Multipart.parseAllWays(body, contentType: "multipart/form-data; boundary=abc123")
        #expect(outcome.error == nil)
        #expect(outcome.parts.count == 1)
        let part = outcome.parts[0]
        #expect(part.name == "weird \"quoted\" name")
        #expect(part.filename == "C:\\dir\\a.png")
        #expect(part.contentType == "image/png")
        #expect(part.header("x-folded") == "first  second")
        #expect(part.text == nil)
        #expect(part.body == Array("--abc123-- not a boundary\r\n".utf8))
    }

    @Test func emptyFormAndEmptyParts() {
        #expect(Multipart.parseAllWays("--abc123--", contentType: "multipart/form-data; boundary=abc123")
            == MultipartOutcome(parts: [], error: nil))
        #expect(Multipart.parseAllWays("--abc123--\r\n", contentType: "multipart/form-data; boundary=abc123")
            == MultipartOutcome(parts: [], error: nil))
        let body = "--abc123\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\r\n--abc123\r\n"
            + "Content-Disposition: form-data; name=\"b\"\r\n\r\n\r\n\r\n--abc123--"
        let outcome = Multipart.parseAllWays(body, contentType: "multipart/form-data; boundary=abc123")
        #expect(outcome.error == nil)
        #expect(outcome.parts.map(\.text) == ["", "\r\n"])
    }

    /// Content that is almost a delimiter: "--" sequences, CR/LF, the boundary without its
    /// line break, or followed by something else than CRLF/"--" after a CR only.
    @Test func contentThatIsNotADelimiter() {
        let tricky = "--abc123 at start\r\n-- abc123\r\n--abc12\r\n\r--abc123\n-\r\n--\r\n--ABC123\r\n"
        let body = "--abc123\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n\r\n"
            + tricky + "\r\n--abc123--\r\n"
        let outcome = Multipart.parseAllWays(body, contentType: "multipart/form-data; boundary=abc123")
        #expect(outcome.error == nil)
        #expect(outcome.parts.first?.body == Array(tricky.utf8))
    }

    /// Repeated file parts are legitimate (image, image[]); so is a file and a text field
    /// sharing a name.
    @Test func repeatedFilePartsAreAccepted() {
        var body = ""
        for index in 0..<3 {
            body += "--abc123\r\nContent-Disposition: form-data; name=\"image\"; filename=\"\(index).png\"\r\n\r\nx\r\n"
        }
        body += "--abc123\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\ntext\r\n--abc123--\r\n"
        let outcome = Multipart.parseAllWays(body, contentType: "multipart/form-data; boundary=abc123")
        #expect(outcome.error == nil)
        #expect(outcome.parts.map(\.summary) == ["image file=0.png 1B", "image file=1.png 1B", "image file=2.png 1B", "image 4B"])
    }

    @Test func filenameStarEncodings() {
        func filename(_ disposition: String) -> String? {
            let body = "--b\r\nContent-Disposition: \(disposition)\r\n\r\nx\r\n--b--"
            let outcome = Multipart.parseAllWays(body, contentType: "multipart/form-data; boundary=b")
            #expect(outcome.error == nil)
            return outcome.parts.first?.filename
        }
        #expect(filename("form-data; name=\"image\"; filename*=UTF-8''na%C3%AFve.png") == "naïve.png")
        #expect(filename("form-data; name=\"image\"; filename*=UTF-8''na%C3%AFve.png; filename=\"naive.png\"") == "naïve.png")
        #expect(filename("form-data; name=\"image\"; filename*=iso-8859-1'en'caf%E9.png") == "café.png")
        #expect(filename("form-data; name=\"image\"; filename*=\"utf-8''quoted%20too.png\"") == "quoted too.png")
        #expect(filename("form-data; name=image; filename=plain.png") == "plain.png")
        // Browsers send backslashes raw; only a backslash before a tspecial is an escape.
        #expect(filename(#"form-data; name="image"; filename="C:\fakepath\a.png""#) == #"C:\fakepath\a.png"#)
        #expect(filename(#"form-data; name="image"; filename="say \"hi\" \\ bye.png""#) == #"say "hi" \ bye.png"#)
    }

    /// The boundary may occur split across two pushes at any position, including right before
    /// and inside the CR LF -- of the delimiter and the closing "--".
    @Test func everySplitPositionOfTheDelimiter() {
        let body = Array("--abc123\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\r\n--abc123\r\nContent-Disposition: form-data; name=\"b\"; filename=\"b\"\r\n\r\n\r\n--abc12\r\n--abc123--\r\n".utf8)
        let contentType = "multipart/form-data; boundary=abc123"
        let reference = Multipart.parse(body, contentType: contentType, chunks: [body.count])
        #expect(reference.error == nil)
        #expect(reference.parts.map(\.body) == [Array("x\r".utf8), Array("\r\n--abc12".utf8)])
        for first in 0...body.count {
            #expect(Multipart.parse(body, contentType: contentType, chunks: [first]) == reference, "split at \(first)")
            for second in first...min(body.count, first + 12) {
                #expect(Multipart.parse(body, contentType: contentType, chunks: [first, second - first]) == reference,
                        "split at \(first) and \(second)")
            }
        }
    }

    @Test func contentTypeVariants() throws {
        let accepted: [(String, String)] = [
            ("multipart/form-data; boundary=abc123", "abc123"),
            ("Multipart/Form-Data; BOUNDARY=abc123", "abc123"),
            ("multipart/form-data;boundary=abc123", "abc123"),
            ("multipart/form-data; charset=utf-8; boundary=abc123", "abc123"),
            ("multipart/form-data; boundary=abc123; charset=utf-8", "abc123"),
            ("  multipart/form-data ; boundary = abc123 ;", "abc123"),
            ("multipart/form-data;\tboundary=\t\"abc123\"", "abc123"),
            ("multipart/form-data; boundary=\"a b:c/d?e=f(g)h,i+j\"", "a b:c/d?e=f(g)h,i+j"),
            ("multipart/form-data; boundary=\"ab\\:c\\=d\"; x=\"y;z\"", "ab:c=d"),
            ("multipart/form-data; boundary=" + String(repeating: "x", count: 70), String(repeating: "x", count: 70)),
            ("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW", "----WebKitFormBoundary7MA4YWxkTrZu0gW"),
        ]
        for (contentType, boundary) in accepted {
            #expect(try MultipartParser(contentType: contentType).boundary == boundary, "\(contentType)")
        }
    }

    /// A boundary with a space and characters that need quoting works end to end.
    @Test func quotedBoundaryWithSpecialCharacters() {
        let boundary = "a b:c/d?e=f(g)h,i+j"
        let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n1\r\n--\(boundary)--\r\n"
        let outcome = Multipart.parseAllWays(body, contentType: "multipart/form-data; boundary=\"\(boundary)\"")
        #expect(outcome == MultipartOutcome(parts: [MultipartPart(
            name: "n", filename: nil, contentType: nil,
            headers: [MultipartHeaderField(name: "Content-Disposition", value: "form-data; name=\"n\"")],
            body: [0x31], byteOffset: 23, bodyOffset: 67)], error: nil))
    }

    @Test func partsArePulledAsTheyComplete() throws {
        var parser = try MultipartParser(contentType: "multipart/form-data; boundary=abc123")
        try parser.push(Array("--abc123\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\none".utf8))
        #expect(parser.nextPart() == nil)
        try parser.push(Array("\r\n--abc".utf8))
        #expect(parser.nextPart() == nil)  // "\r\n--abc" could still be content
        try parser.push(Array("123".utf8))
        #expect(parser.nextPart()?.text == "one")
        #expect(parser.nextPart() == nil)
        try parser.push(Array("--\r\n".utf8))
        try parser.finish()
        try parser.finish()
        #expect(parser.nextPart() == nil)
    }
}
