import Audio

extension FullTrackPredictor {
    /// The prediction for an audio file, streamed: decoded block by block ahead of the model,
    /// down-mixed to mono and resampled to the model's rate, so memory does not grow with the
    /// file. A stream that ends before its header said (a few frames short, as some Opus files
    /// do) is predicted from the audio that is there.
    public func predict(path: String, blockFrames: Int = 65_536, quality: ResampleQuality = .high) async throws
        -> TrackPrediction
    {
        var result: Result<TrackPrediction, any Error>?
        try await predict(paths: [path], blockFrames: blockFrames, quality: quality) { result = $1 }
        guard let result else { throw ModelError.invalidInferenceSetting("no prediction for \(path)") }
        return try result.get()
    }

    /// Predictions for audio files, handed to `handle` in file order with each file's index.
    ///
    /// A `TrackPrefetcher` decodes the files one after another while the model runs, so the
    /// decoder keeps working between batches and across track boundaries; at most
    /// `prefetchSeconds` of audio wait decoded. A file that cannot be decoded or predicted
    /// (unreadable, empty) is handed over as a failure and the next one goes on; what `handle`
    /// throws stops the whole run.
    public func predict(paths: [String], blockFrames: Int = 65_536, quality: ResampleQuality = .high,
                        prefetchSeconds: Double = 60,
                        _ handle: (Int, Result<TrackPrediction, any Error>) async throws -> Void) async throws {
        let prefetcher = TrackPrefetcher(
            paths: paths,
            options: StreamOptions(blockFrames: blockFrames, targetSampleRate: model.sampleRate, downmix: true,
                                   quality: quality, tolerateTruncation: true),
            capacitySamples: Int(prefetchSeconds * Double(model.sampleRate)))
        // The track being predicted; `session` is nil once it failed (and was reported), so
        // its remaining events are skipped.
        var track = -1
        var session: TrackInferenceSession?
        func begin(_ next: Int) async throws {
            guard next != track else { return }
            track = next
            do { session = try self.session() } catch {
                session = nil
                try await handle(next, .failure(error))
            }
        }
        try await prefetcher.run { event in
            switch event {
            case let .block(index, block):
                try await begin(index)
                guard let open = session else { return }
                do { try open.append(block.samples) } catch {
                    session = nil
                    try await handle(index, .failure(error))
                }
            case let .end(index):
                try await begin(index)
                guard let open = session else { return }
                session = nil
                try await handle(index, Result { try open.finish() })
            case let .failed(index, error):
                // Reported already when its session could not start or a block failed.
                guard index != track || session != nil else { return }
                track = index
                session = nil
                try await handle(index, .failure(error))
            }
        }
    }
}
