/// Many-file helpers that never let one bad file stop the others.
///
/// Results come back in input order, one `Result` per path. Work runs on
/// `maxConcurrency` child tasks (each with its own libsndfile handle).
public enum AudioBatch {
    /// Probes every path.
    public static func probe(_ paths: [String], maxConcurrency: Int = 4) async -> [Result<AudioInfo, AudioError>] {
        await map(paths, maxConcurrency: maxConcurrency) { path throws(AudioError) in
            try AudioFile.probe(path)
        }
    }

    /// Loads every path as mono at `targetRate` (whole files, or the same
    /// `offset`/`duration` window of each).
    public static func loadMono(_ paths: [String], targetRate: Int? = 16_000, offset: Double = 0,
                                duration: Double? = nil, maxConcurrency: Int = 4) async -> [Result<MonoAudio, AudioError>] {
        await map(paths, maxConcurrency: maxConcurrency) { path throws(AudioError) in
            try Audio.loadMono(path, targetRate: targetRate, offset: offset, duration: duration)
        }
    }

    /// Applies `work` to every path with bounded concurrency, collecting
    /// per-path results in input order.
    public static func map<T: Sendable>(_ paths: [String], maxConcurrency: Int = 4,
                                        _ work: @escaping @Sendable (String) throws(AudioError) -> T) async -> [Result<T, AudioError>] {
        let width = max(1, maxConcurrency)
        var results = [Result<T, AudioError>?](repeating: nil, count: paths.count)
        await withTaskGroup(of: (Int, Result<T, AudioError>).self) { group in
            var next = 0
            func submit() {
                let index = next
                let path = paths[index]
                next += 1
                group.addTask {
                    do throws(AudioError) {
                        return (index, .success(try work(path)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            while next < min(width, paths.count) { submit() }
            while let (index, result) = await group.next() {
                results[index] = result
                if next < paths.count { submit() }
            }
        }
        return results.enumerated().map { index, result in
            result ?? .failure(.invalidArgument("no result for \(paths[index])"))
        }
    }

    /// Synchronous, sequential probe of every path.
    public static func probeSequentially(_ paths: [String]) -> [Result<AudioInfo, AudioError>] {
        paths.map { path in
            do throws(AudioError) {
                return .success(try AudioFile.probe(path))
            } catch {
                return .failure(error)
            }
        }
    }
}
