import Foundation

/// Wall-clock timing for the benchmarks: the median of repeated runs after one warm-up.
enum BenchTiming {
    static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Seconds of each of `repetitions` runs of `body`, after a warm-up run.
    static func seconds(repetitions: Int, _ body: () throws -> Void) rethrows -> [Double] {
        try body()
        var times: [Double] = []
        for _ in 0..<max(1, repetitions) {
            let start = now()
            try body()
            times.append(now() - start)
        }
        return times
    }

    /// CPU seconds (user + system) this process has used, over all its threads.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return .nan }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Median seconds of an async `body` over `repetitions` runs, after a warm-up run.
    static func medianSeconds(repetitions: Int, _ body: () async throws -> Void) async rethrows -> Double {
        try await body()
        var times: [Double] = []
        for _ in 0..<max(1, repetitions) {
            let start = now()
            try await body()
            times.append(now() - start)
        }
        return median(times)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }
}
