import MusicTasks
import Testing
@testable import Training

@Suite("Soft frame targets (frame-level pseudo-labels) cut to a crop")
struct SoftFrameTargetsTests {
    static let task = TaskSpec(name: "beats", kind: .events, classes: ["beat"])

    /// Ten teacher frames at 10 fps, frame j holding j / 10; frame 5 dropped by selection.
    func teacher() throws -> SoftFrameTargets {
        var kept = [Bool](repeating: true, count: 10)
        kept[5] = false
        return try SoftFrameTargets(frameRate: 10, posteriors: FramePosteriors(values: (0..<10).map { Float($0) / 10 }, classCount: 1),
                                    kept: kept, source: "test")
    }

    @Test("a student frame takes the teacher's frame nearest its time; dropped frames, frames past the track and past the teacher's are masked")
    func cropAlignment() throws {
        let soft = try teacher()
        // A crop starting at 0.32 s at 20 fps: student frame f is at 0.32 + f / 20 s, teacher frame round(3.2 + f / 2).
        let (target, mask) = try soft.targets(task: Self.task, offset: 0.32, frames: 16, frameRate: 20, trackDuration: 0.9)
        #expect(abs(target[0] - 0.3) < 1e-6 && mask[0] == 1)    // 3.2 → 3
        #expect(abs(target[1] - 0.4) < 1e-6 && abs(target[2] - 0.4) < 1e-6)  // 3.7, 4.2 → 4
        #expect(mask[3] == 0 && mask[4] == 0 && target[4] == 0) // 4.7, 5.2 → 5, dropped
        #expect(abs(target[5] - 0.6) < 1e-6 && mask[5] == 1)    // 5.7 → 6
        #expect(abs(target[11] - 0.9) < 1e-6 && mask[11] == 1)  // 0.87 s: 8.7 → 9
        #expect(mask[12] == 0)                                   // 0.92 s, past the track
        #expect(mask.reduce(0, +) == 10)
        // Past the teacher's frames: a track longer than its frames.
        let late = try soft.targets(task: Self.task, offset: 0.9, frames: 4, frameRate: 20, trackDuration: 5)
        #expect(late.mask == [1, 0, 0, 0])                       // 9, then 9.5 → 10, 10, 10.5 → 11
    }

    @Test("the checksum follows values and selection; the class count must be the task's")
    func identity() throws {
        let a = try teacher()
        let b = try SoftFrameTargets(frameRate: 10, posteriors: a.posteriors, kept: [Bool](repeating: true, count: 10), source: "test")
        #expect(a != b && a.checksum != b.checksum && a.keptFraction == 0.9)
        let two = TaskSpec(name: "beats", kind: .events, classes: ["beat", "downbeat"])
        #expect(throws: TaskError.self) { try a.targets(task: two, offset: 0, frames: 4, frameRate: 10, trackDuration: 1) }
        #expect(throws: TrainingError.self) {
            try SoftFrameTargets(frameRate: 10, posteriors: a.posteriors, kept: [true], source: "short")
        }
    }

    @Test("a batch takes a track's soft frame targets in place of its label")
    func batchUsesSoftTargets() throws {
        let soft = try teacher()
        let track = LabeledTrack(id: 1, path: "x.wav", duration: 1, targets: [:], softFrameTargets: ["beats": soft])
        // 3200 samples at 16 kHz and 20 fps: 5 frames at 0.42, 0.47, ... s → teacher frames 4, 5, 5, 6, 6.
        let batch = try Batch.make(clips: [[Float](repeating: 0, count: 3200)], sampleRate: 16_000, tracks: [track], indices: [0],
                                   tasks: [Self.task], failures: [], frameRate: 20, offsets: [0.42])
        let target = try #require(batch.targets["beats"]).toArray(Float.self)
        let mask = try #require(batch.masks["beats"]).toArray(Float.self)
        #expect(try #require(batch.targets["beats"]).shape == [1, 5, 1])
        #expect(mask == [1, 0, 0, 1, 1])
        #expect(zip(target, [0.4, 0, 0, 0.6, 0.6] as [Float]).allSatisfy { abs($0 - $1) < 1e-6 })
    }
}
