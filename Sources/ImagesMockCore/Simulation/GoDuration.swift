/// Formats durations like Go's time.Duration.String(): "0s", "12ms", "1.5ms", "1s", "2.496s", "1m0s", "6m0s", "1h2m3s".
///
/// The real API writes its `x-ratelimit-reset-*` headers and the "Please try again in …" part of
/// token rate-limit messages this way (contract §6.1, row 28a).
///
/// Rules, as Go applies them to a whole number of nanoseconds:
/// - under one second, one unit with up to the needed decimals: `ns`, `µs` (U+00B5), `ms`
///   (`999ms`, `1.5ms`, `250µs`, `7ns`); zero is `0s`;
/// - from one second on, `[<h>h][<m>m]<s>[.fraction]s`, where minutes appear once the value
///   reaches a minute and hours once it reaches an hour (`1m0s`, `1h0m0s`, `1h2m3.5s`);
/// - trailing zeros of a fraction are dropped, negative values get a leading `-`.
///
/// `seconds` is rounded to the nearest nanosecond first; values beyond Go's range (about 292 years)
/// are clamped to it, and a NaN formats as `0s`.
public enum GoDuration {
    public static func format(seconds: Double) -> String {
        guard !seconds.isNaN else { return "0s" }
        let nanoseconds = (seconds * 1e9).rounded()
        if nanoseconds >= 9.223_372_036_854_775e18 { return format(nanoseconds: .max) }
        if nanoseconds <= -9.223_372_036_854_775e18 { return format(nanoseconds: .min) }
        return format(nanoseconds: Int64(nanoseconds))
    }

    static func format(nanoseconds: Int64) -> String {
        let sign = nanoseconds < 0 ? "-" : ""
        let magnitude = nanoseconds.magnitude
        if magnitude == 0 { return "0s" }
        if magnitude < 1_000_000_000 {
            if magnitude < 1_000 { return sign + decimal(magnitude, decimals: 0) + "ns" }
            if magnitude < 1_000_000 { return sign + decimal(magnitude, decimals: 3) + "\u{B5}s" }
            return sign + decimal(magnitude, decimals: 6) + "ms"
        }
        let wholeSeconds = magnitude / 1_000_000_000
        var text = sign
        if wholeSeconds >= 3_600 { text += "\(wholeSeconds / 3_600)h" }
        if wholeSeconds >= 60 { text += "\(wholeSeconds / 60 % 60)m" }
        text += decimal(magnitude % 60_000_000_000, decimals: 9) + "s"
        return text
    }

    /// `value / 10^decimals` in decimal notation without trailing zeros (and without a point when
    /// nothing follows it).
    private static func decimal(_ value: UInt64, decimals: Int) -> String {
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let whole = value / scale
        var fraction = value % scale
        guard fraction != 0 else { return String(whole) }
        var digits = decimals
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let fractionText = String(fraction)
        return "\(whole)." + String(repeating: "0", count: digits - fractionText.count) + fractionText
    }
}
