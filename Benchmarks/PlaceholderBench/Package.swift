// swift-tools-version: 6.2
import Foundation
import PackageDescription

// A path dependency's identity is its directory's name, which depends on where the repository was
// cloned (`images-mock`, `main`, ...): derive it rather than hard-coding it.
let rootPackage = URL(fileURLWithPath: Context.packageDirectory)
    .deletingLastPathComponent().deletingLastPathComponent().standardizedFileURL.lastPathComponent.lowercased()

// Times placeholder rendering and encoding (cold) against cache hits (warm).
// Built on its own (`swift build -c release` here) so the product's package stays benchmark-free.
let package = Package(
    name: "PlaceholderBench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "PlaceholderBench",
            dependencies: [
                .product(name: "ImagesMockCore", package: rootPackage),
            ]
        ),
    ]
)
