import Testing
@testable import ImagesMockCore

@Suite("Simulation: Go durations")
struct SimulationGoDurationTests {
    @Test(arguments: [
        (0.0, "0s"), (0.001, "1ms"), (0.012, "12ms"), (0.0015, "1.5ms"), (0.999, "999ms"), (0.644, "644ms"),
        (1.0, "1s"), (2.496, "2.496s"), (9.816, "9.816s"), (59.5, "59.5s"), (60.0, "1m0s"), (61.25, "1m1.25s"),
        (360.0, "6m0s"), (3600.0, "1h0m0s"), (3723.0, "1h2m3s"), (0.000_25, "250\u{B5}s"), (0.000_000_007, "7ns"),
        (-1.5, "-1.5s"), (-0.012, "-12ms"),
    ])
    func formatsLikeGo(_ seconds: Double, _ expected: String) {
        #expect(GoDuration.format(seconds: seconds) == expected)
    }

    @Test func extremesStayInGoRange() {
        #expect(GoDuration.format(seconds: .nan) == "0s")
        #expect(GoDuration.format(seconds: .infinity) == "2562047h47m16.854775807s")
        #expect(GoDuration.format(seconds: -.infinity) == "-2562047h47m16.854775808s")
    }
}
