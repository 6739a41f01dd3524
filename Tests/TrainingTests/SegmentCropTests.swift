import Testing
@testable import Training

/// A pseudo-labelled segment is learnt from its own audio: every crop lies inside it.
@Suite struct SegmentCropTests {
    func loader(_ tracks: [LabeledTrack], crop: CropPolicy = .random) throws -> ClipLoader {
        try ClipLoader(tracks: tracks, tasks: [], config: ClipLoaderConfig(batchSize: 1, clipSamples: 16000 * 3, seed: 7, crop: crop))
    }

    @Test func cropsStayInsideTheSegment() throws {
        let segment = TrackSegment(start: 30, duration: 10)
        let tracks = (0..<20).map { LabeledTrack(id: Int64($0), path: "t\($0).wav", duration: 120, targets: [:], segment: segment) }
        let l = try loader(tracks)
        var offsets: Set<Double> = []
        for epoch in 0..<5 {
            for i in tracks.indices {
                let o = l.cropOffset(track: i, epoch: epoch)
                #expect(o >= 30 && o + 3 <= 40 + 1e-9, "crop at \(o) leaves the segment 30–40 s")
                offsets.insert(o)
            }
        }
        #expect(offsets.count > 50, "crops inside the segment should vary")
        // Without a segment the whole track is used (crops outside 30–40 s occur).
        let whole = try loader(tracks.map { var t = $0; t.segment = nil; return t })
        #expect((0..<20).contains { whole.cropOffset(track: $0, epoch: 0) < 27 || whole.cropOffset(track: $0, epoch: 0) > 40 })
    }

    @Test func shortSegmentsAndTrackEndsAreCentredAndClamped() throws {
        let tracks = [
            LabeledTrack(id: 0, path: "a", duration: 60, targets: [:], segment: TrackSegment(start: 20, duration: 1)),   // centred: 19
            LabeledTrack(id: 1, path: "b", duration: 60, targets: [:], segment: TrackSegment(start: 59, duration: 5)),   // clipped to the track's end
            LabeledTrack(id: 2, path: "c", duration: 60, targets: [:], segment: TrackSegment(start: 0.5, duration: 1)),  // kept inside: 0
        ]
        let l = try loader(tracks, crop: .center)
        #expect(abs(l.cropOffset(track: 0, epoch: 0) - 19) < 1e-9)
        #expect(abs(l.cropOffset(track: 1, epoch: 0) - 57) < 1e-9)
        #expect(l.cropOffset(track: 2, epoch: 0) == 0)
        let c = try loader([LabeledTrack(id: 3, path: "d", duration: 30, targets: [:], segment: TrackSegment(start: 12, duration: 6))], crop: .center)
        #expect(abs(c.cropOffset(track: 0, epoch: 0) - 13.5) < 1e-9)
    }
}
