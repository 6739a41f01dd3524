import Foundation

/// The headless browser the render tests use (Debian's `chromium`, installed by scripts/setup).
enum Chromium {
    static var executable: URL? {
        for path in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: path) { return URL(fileURLWithPath: path) }
        return nil
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs chromium headless on a file with extra arguments; returns stdout.
    static func run(_ arguments: [String], page: URL, profile: URL) throws -> String {
        guard let executable else { throw Failure(description: "chromium is not installed (scripts/setup installs it)") }
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--hide-scrollbars", "--user-data-dir=\(profile.path)"] + arguments + [page.absoluteString]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes to their ends before waiting, so a chatty browser cannot block on a full pipe.
        let errors = ErrorBuffer()
        let reader = Thread { errors.data = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errors.finished { Thread.sleep(forTimeInterval: 0.01) }
        guard process.terminationStatus == 0 else {
            throw Failure(description: "chromium exited with \(process.terminationStatus): \(String(decoding: errors.data ?? Data(), as: UTF8.self).suffix(2000))")
        }
        return String(decoding: data, as: UTF8.self)
    }

    final class ErrorBuffer: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Data?
        var data: Data? {
            get { lock.lock(); defer { lock.unlock() }; return stored }
            set { lock.lock(); stored = newValue ?? Data(); lock.unlock() }
        }
        var finished: Bool { data != nil }
    }
}
