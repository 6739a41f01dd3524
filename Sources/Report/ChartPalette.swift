/// Colours of the charts: a categorical palette that stays distinguishable for common colour
/// vision deficiencies (Okabe–Ito), and a sequential ramp for heatmaps.
public enum ChartPalette {
    public static let categorical = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

    /// The colour of series `index`, cycling through the palette.
    public static func color(_ index: Int) -> String { categorical[((index % categorical.count) + categorical.count) % categorical.count] }

    /// A light-to-dark blue for `t` in [0, 1] (clamped), as `rgb(r,g,b)`.
    public static func sequential(_ t: Double) -> String {
        let u = t.isFinite ? Swift.min(1, Swift.max(0, t)) : 0
        let from = (247.0, 251.0, 255.0), to = (8.0, 48.0, 107.0)
        func mix(_ a: Double, _ b: Double) -> Int { Int((a + (b - a) * u).rounded()) }
        return "rgb(\(mix(from.0, to.0)),\(mix(from.1, to.1)),\(mix(from.2, to.2)))"
    }

    /// Whether text on the sequential colour at `t` should be white (dark background).
    public static func needsLightText(_ t: Double) -> Bool { t > 0.55 }
}
