// swift-tools-version: 6.2
import PackageDescription

/// Every target builds in Swift 6 language mode with warnings treated as errors.
let strictSettings: [SwiftSetting] = [
    .treatAllWarnings(as: .error),
]

/// The image codec libraries (Debian's libpng, libjpeg-turbo and libwebp; zlib comes with
/// Foundation). Release builds link their static archives: each shared library the executable
/// loads costs every start its mapping and symbol look-ups, and the three together cost ~0.4 ms
/// of a ~10 ms start (Benchmarks/README.md, benchmark 1). `-l:NAME` is the GNU linkers' exact
/// file-name form, hence Linux only.
let codecLinkerSettings: [LinkerSetting] = ["png16", "turbojpeg", "webp"].flatMap { name -> [LinkerSetting] in [
    .linkedLibrary(name, .when(platforms: [.macOS])),
    .linkedLibrary(name, .when(platforms: [.linux], configuration: .debug)),
    .linkedLibrary(":lib\(name).a", .when(platforms: [.linux], configuration: .release)),
] } + [.linkedLibrary("z")]

let package = Package(
    name: "images-mock",
    // Span (the multipart parser reads uploads in place) needs the macOS 26 standard library; Linux has it with Swift 6.2.
    platforms: [.macOS(.v26)],
    products: [
        .executable(name: "images-mock", targets: ["images-mock"]),
        .library(name: "ImagesMockCore", targets: ["ImagesMockCore"]),
        .library(name: "ImagesMockServer", targets: ["ImagesMockServer"]),
        .library(name: "ImagesMockTesting", targets: ["ImagesMockTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // C libraries: each has exactly one owner module, which imports it privately.
        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        .systemLibrary(
            name: "CImageCodecs",
            providers: [.apt(["libpng-dev", "libturbojpeg0-dev", "libwebp-dev", "zlib1g-dev"])]
        ),

        .target(
            name: "ImagesMockCodecs",
            dependencies: ["CImageCodecs"],
            swiftSettings: strictSettings,
            linkerSettings: codecLinkerSettings
        ),
        .target(
            name: "ImagesMockCore",
            dependencies: ["ImagesMockCodecs", .product(name: "Yams", package: "Yams")],
            resources: [.embedInCode("Resources/models.json"), .embedInCode("Resources/dashboard.html")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ImagesMockServer",
            dependencies: [
                "ImagesMockCore",
                "CMicroHTTPD",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ImagesMockTesting",
            dependencies: ["ImagesMockCore", "ImagesMockServer"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "images-mock",
            dependencies: [
                "ImagesMockCore",
                "ImagesMockServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings,
            // A position-dependent executable needs no load-time fix-ups of the ~90,000 absolute
            // addresses in the statically linked runtime, Foundation and ICU metadata: ~200 fewer
            // page faults and 1-2 ms less CPU at every start (Benchmarks/README.md, benchmark 1).
            // Release only: a debug build links the runtime dynamically, and a position-dependent
            // executable then makes the dynamic loader print "direct reference to protected
            // function ... may break pointer equality" as functions are first called.
            linkerSettings: [.unsafeFlags(["-Xlinker", "-no-pie"], .when(platforms: [.linux], configuration: .release))]
        ),

        .testTarget(
            name: "ImagesMockCoreTests",
            dependencies: ["ImagesMockCore", "ImagesMockCodecs"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ImagesMockCodecsTests",
            dependencies: ["ImagesMockCodecs"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ImagesMockServerTests",
            dependencies: ["ImagesMockCore", "ImagesMockServer", "ImagesMockTesting", "ImagesMockCodecs"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ArchitectureTests",
            swiftSettings: strictSettings
        ),
    ]
)
