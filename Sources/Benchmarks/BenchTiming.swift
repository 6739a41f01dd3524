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

    /// The 1-, 5- and 15-minute load averages (runnable processes), from /proc/loadavg.
    static func loadAverage() -> [Double] {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return [] }
        return text.split(separator: " ").prefix(3).compactMap { Double($0) }
    }

    /// CPU seconds (user + system) this process has used, over all its threads.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return .nan }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// How much faster `threads` threads get through pure arithmetic than one thread (ideal:
    /// `threads`): what the machine grants this process right now, the ceiling of any
    /// parallel speed-up measured beside it.
    static func machineParallelism(threads: Int, iterations: Int = 60_000_000) -> Double {
        func spin(_ workers: Int) -> Double {
            let start = now()
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                var x = 0.0
                for i in 0..<iterations { x += Double(i & 7) }
                if x < 0 { print(x) }  // keeps the loop from being optimised away
            }
            return now() - start
        }
        let one = spin(1), many = spin(threads)
        return Double(threads) * one / many
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }
}
