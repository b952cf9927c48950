// swift-tools-version: 6.2
import Foundation
import PackageDescription

// A path dependency's identity is its directory's name, which depends on where the repository was
// cloned (`images-mock`, `main`, ...): derive it rather than hard-coding it.
let rootPackage = URL(fileURLWithPath: Context.packageDirectory)
    .deletingLastPathComponent().deletingLastPathComponent().standardizedFileURL.lastPathComponent.lowercased()

// Times ImagesMockCore's request-path pieces in-process: the multipart parser (issue 3) and rule
// matching (issue 4), each against a reference measured in the same run.
// Built on its own (`swift build -c release` here) so the product's package stays benchmark-free.
let package = Package(
    name: "CoreBench",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "CoreBench",
            dependencies: [
                .product(name: "ImagesMockCore", package: rootPackage),
            ]
        ),
    ]
)
