// swift-tools-version: 6.2
import Foundation
import PackageDescription

// A path dependency's identity is its directory's name, which depends on where the repository was
// cloned (`images-mock`, `main`, ...): derive it rather than hard-coding it.
let rootPackage = URL(fileURLWithPath: Context.packageDirectory)
    .deletingLastPathComponent().deletingLastPathComponent().standardizedFileURL.lastPathComponent.lowercased()

// In-process benchmarks of ImagesMockCore, each against a reference measured in the same run:
// CoreBench (multipart parser, rule matching) and PlaceholderBench (placeholders cold and cached).
// One package, so the product is built once for both; kept apart from the product's package so
// the product stays benchmark-free (`swift build -c release` here).
let package = Package(
    name: "InProcess",
    platforms: [.macOS(.v26)],
    dependencies: [
        .package(path: "../.."),
    ],
    targets: [
        .target(name: "BenchSupport"),
        .executableTarget(
            name: "CoreBench",
            dependencies: ["BenchSupport", .product(name: "ImagesMockCore", package: rootPackage)]
        ),
        .executableTarget(
            name: "PlaceholderBench",
            dependencies: ["BenchSupport", .product(name: "ImagesMockCore", package: rootPackage)]
        ),
    ]
)
