import Foundation

/// Progress on a terminal (one rewritten line), plain log lines otherwise (files, CI).
public struct ProgressReporter: Sendable {
    public let isTerminal: Bool
    public var quiet: Bool

    public init(quiet: Bool = false) {
        isTerminal = isatty(STDERR_FILENO) == 1
        self.quiet = quiet
    }

    public func update(_ text: String, fraction: Double) {
        guard !quiet, isTerminal else { return }
        let width = 24
        let filled = Swift.max(0, Swift.min(width, Int(fraction * Double(width))))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        FileHandle.standardError.write(Data("\r\(bar) \(text)\u{1B}[K".utf8))
    }

    /// A line that stays (ends a progress line on a terminal).
    public func line(_ text: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data(((isTerminal ? "\r\u{1B}[K" : "") + text + "\n").utf8))
    }

    /// A periodic line for logs; on a terminal the bar shows this instead.
    public func logLine(_ text: String) {
        guard !quiet, !isTerminal else { return }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
