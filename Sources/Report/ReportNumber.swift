import Foundation

/// Numbers as the report prints them.
public enum ReportNumber {
    /// Four significant decimals for metrics in [−10, 10], fewer for larger values; "—" for nil or non-finite.
    public static func format(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "—" }
        let magnitude = Swift.abs(value)
        if magnitude >= 1000 { return String(format: "%.0f", value) }
        if magnitude >= 10 { return String(format: "%.2f", value) }
        return String(format: "%.4f", value)
    }

    /// A parameter count in millions ("0.76 M").
    public static func parameters(_ count: Int?) -> String {
        guard let count else { return "—" }
        return String(format: "%.2f M", Double(count) / 1e6)
    }

    /// A fraction as a percentage ("25 %").
    public static func percent(_ fraction: Double) -> String {
        let p = fraction * 100
        return p == p.rounded() ? "\(Int(p)) %" : String(format: "%.1f %%", p)
    }
}
