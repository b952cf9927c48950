@testable import ImagesMockCore
import Testing

@Suite("ImageSize parsing")
struct ImageSizeTests {
    @Test(arguments: [
        ("1024x1024", 1024, 1024), ("1x1", 1, 1), ("1536x1024", 1536, 1024), ("123456x654321", 123_456, 654_321),
        ("010x0020", 10, 20),
    ])
    func accepts(_ text: String, _ width: Int, _ height: Int) {
        #expect(ImageSize(parsing: text) == ImageSize(width: width, height: height))
    }

    @Test(arguments: [
        "", "x", "1024", "1024x", "x1024", "0x10", "10x0", "1x2x3", "1234567x1", "1x1234567", "10X10", " 10x10", "10x10 ",
        "1a0x10", "-1x10", "+1x10", "１０x10", "10x1\u{0301}", "10×10", "10xx10",
    ])
    func refuses(_ text: String) {
        #expect(ImageSize(parsing: text) == nil)
    }
}
