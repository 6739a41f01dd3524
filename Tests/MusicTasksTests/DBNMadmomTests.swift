// The DBN beat and downbeat decoders against madmom's DBNBeatTrackingProcessor and
// DBNDownBeatTrackingProcessor on synthetic activations (Fixtures/madmom_dbn.json, made by
// tools/madmom_dbn_fixtures.py with madmom 0.17.dev0).

import Foundation
import MusicTasks
import Testing

private struct MadmomFixture: Decodable {
    /// madmom's keyword arguments as stored; `num_tempi` may be present as null (linear).
    struct Options: Decodable {
        let threshold: Float?
        let correct: Bool?
        let transition_lambda: Double?
        let min_bpm: Double?
        let max_bpm: Double?
        let beats_per_bar: [Int]?
        let numTempi: Int??

        enum CodingKeys: String, CodingKey {
            case threshold, correct, transition_lambda, min_bpm, max_bpm, beats_per_bar, num_tempi
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            threshold = try container.decodeIfPresent(Float.self, forKey: .threshold)
            correct = try container.decodeIfPresent(Bool.self, forKey: .correct)
            transition_lambda = try container.decodeIfPresent(Double.self, forKey: .transition_lambda)
            min_bpm = try container.decodeIfPresent(Double.self, forKey: .min_bpm)
            max_bpm = try container.decodeIfPresent(Double.self, forKey: .max_bpm)
            beats_per_bar = try container.decodeIfPresent([Int].self, forKey: .beats_per_bar)
            numTempi = container.contains(.num_tempi)
                ? .some(try container.decodeNil(forKey: .num_tempi) ? nil : container.decode(Int.self, forKey: .num_tempi))
                : .none
        }
    }
    struct BeatCase: Decodable {
        let name: String
        let fps: Double
        let options: Options
        let counts: [Int]
        let beats: [Double]
    }
    struct DownbeatCase: Decodable {
        let name: String
        let fps: Double
        let options: Options
        let beat_counts: [Int]
        let downbeat_counts: [Int]
        let beats: [Double]
        let positions: [Int]
    }
    let madmom_version: String
    let scale: Int
    let beat_cases: [BeatCase]
    let downbeat_cases: [DownbeatCase]

    static func load() throws -> MadmomFixture {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/madmom_dbn.json")
        return try JSONDecoder().decode(MadmomFixture.self, from: Data(contentsOf: url))
    }
}

@Suite struct DBNMadmomTests {
    @Test func beatTrackerEqualsMadmom() throws {
        let fixture = try MadmomFixture.load()
        for item in fixture.beat_cases {
            var options = DBNBeatDecoder.Options()
            let given = item.options
            if let value = given.threshold { options.threshold = value }
            if let value = given.correct { options.correctToPeaks = value }
            if let value = given.transition_lambda { options.transitionLambda = value }
            if let value = given.min_bpm { options.minBPM = value }
            if let value = given.max_bpm { options.maxBPM = value }
            if let value = given.numTempi { options.tempoCount = value }
            let decoder = try DBNBeatDecoder(fps: item.fps, options: options)
            let beats = try decoder.decode(item.counts.map { Float($0) / Float(fixture.scale) })
            let times = beats.map(\.time)
            #expect(times.count == item.beats.count, "\(item.name): \(times.count) beats, madmom \(item.beats.count)")
            let differing = zip(times, item.beats).filter { abs($0 - $1) > 1e-9 }
            #expect(differing.isEmpty, "\(item.name): \(differing.prefix(5)) (Swift, madmom)")
        }
    }

    @Test func downbeatTrackerEqualsMadmom() throws {
        let fixture = try MadmomFixture.load()
        for item in fixture.downbeat_cases {
            var options = DBNDownbeatDecoder.Options()
            let given = item.options
            if let value = given.threshold { options.tempo.threshold = value }
            if let value = given.correct { options.tempo.correctToPeaks = value }
            if let value = given.transition_lambda { options.tempo.transitionLambda = value }
            if let value = given.beats_per_bar { options.beatsPerBar = value }
            if let value = given.numTempi { options.tempo.tempoCount = value }
            let decoder = try DBNDownbeatDecoder(fps: item.fps, options: options)
            let beats = try decoder.decode(
                beat: item.beat_counts.map { Float($0) / Float(fixture.scale) },
                downbeat: item.downbeat_counts.map { Float($0) / Float(fixture.scale) })
            #expect(beats.count == item.beats.count, "\(item.name): \(beats.count) beats, madmom \(item.beats.count)")
            let differing = zip(beats, zip(item.beats, item.positions)).filter {
                abs($0.time - $1.0) > 1e-9 || $0.position != $1.1
            }
            #expect(differing.isEmpty, "\(item.name): \(differing.prefix(5)) (Swift, madmom)")
        }
    }
}
