/// Channel down-mixing.
public enum Downmix {
    /// Mean of the channels of each interleaved frame.
    ///
    /// Sums channels in order in `Float` and divides by the channel count,
    /// which matches numpy's `y.mean(axis=...)` on float32 bit for bit for
    /// up to 8 channels (librosa's `to_mono`). Mono input is returned as is.
    public static func mono(_ interleaved: [Float], channels: Int) -> [Float] {
        precondition(channels > 0, "channels must be positive")
        if channels == 1 { return interleaved }
        let frames = interleaved.count / channels
        var out = [Float](repeating: 0, count: frames)
        interleaved.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                guard let s = src.baseAddress, let d = dst.baseAddress else { return }
                mono(s, frames: frames, channels: channels, into: d)
            }
        }
        return out
    }

    /// Pointer variant used by the streaming path: writes `frames` mono
    /// samples to `output`. `output` may alias `input` (in-place).
    public static func mono(_ input: UnsafePointer<Float>, frames: Int, channels: Int, into output: UnsafeMutablePointer<Float>) {
        if channels == 1 {
            if UnsafePointer(output) != input { output.update(from: input, count: frames) }
            return
        }
        let scale = Float(channels)
        if channels == 2 {
            for f in 0..<frames {
                output[f] = (input[2 * f] + input[2 * f + 1]) / 2
            }
            return
        }
        for f in 0..<frames {
            let base = f * channels
            var sum: Float = input[base]
            for c in 1..<channels { sum += input[base + c] }
            output[f] = sum / scale
        }
    }
}
