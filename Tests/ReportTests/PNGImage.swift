import CZlib
import Foundation

/// Just enough PNG decoding to look at a browser screenshot: 8-bit RGB or RGBA, not interlaced.
struct PNGImage {
    enum DecodeError: Error, CustomStringConvertible {
        case notPNG, unsupported(String), corrupt(String)
        var description: String {
            switch self {
            case .notPNG: return "not a PNG file"
            case .unsupported(let what): return "unsupported PNG: \(what)"
            case .corrupt(let what): return "corrupt PNG: \(what)"
            }
        }
    }

    var width: Int
    var height: Int
    var channels: Int
    /// Row-major samples, `channels` per pixel.
    var samples: [UInt8]

    init(data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count > 8, bytes[0..<8].elementsEqual([137, 80, 78, 71, 13, 10, 26, 10]) else { throw DecodeError.notPNG }
        func u32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
        var offset = 8
        var idat: [UInt8] = []
        var header: (w: Int, h: Int, depth: UInt8, color: UInt8, interlace: UInt8)?
        while offset + 8 <= bytes.count {
            let length = u32(offset)
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let start = offset + 8
            guard start + length + 4 <= bytes.count else { throw DecodeError.corrupt("chunk \(type) runs past the end") }
            if type == "IHDR" { header = (u32(start), u32(start + 4), bytes[start + 8], bytes[start + 9], bytes[start + 12]) }
            if type == "IDAT" { idat += bytes[start..<(start + length)] }
            if type == "IEND" { break }
            offset = start + length + 4
        }
        guard let h = header else { throw DecodeError.corrupt("no IHDR") }
        guard h.depth == 8, h.interlace == 0, h.color == 2 || h.color == 6 else {
            throw DecodeError.unsupported("depth \(h.depth), colour type \(h.color), interlace \(h.interlace)")
        }
        width = h.w
        height = h.h
        channels = h.color == 6 ? 4 : 3
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: (stride + 1) * height)
        var rawLength = uLongf(raw.count)
        let status = idat.withUnsafeBufferPointer { src in
            raw.withUnsafeMutableBufferPointer { dst in
                uncompress(dst.baseAddress, &rawLength, src.baseAddress, uLong(src.count))
            }
        }
        guard status == Z_OK, Int(rawLength) == raw.count else { throw DecodeError.corrupt("inflate status \(status)") }
        samples = [UInt8](repeating: 0, count: stride * height)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            for x in 0..<stride {
                let value = Int(raw[y * (stride + 1) + 1 + x])
                let a = x >= channels ? Int(samples[y * stride + x - channels]) : 0
                let b = y > 0 ? Int(samples[(y - 1) * stride + x]) : 0
                let c = x >= channels && y > 0 ? Int(samples[(y - 1) * stride + x - channels]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw DecodeError.corrupt("filter \(filter) in row \(y)")
                }
                samples[y * stride + x] = UInt8((value + predictor) & 0xFF)
            }
        }
    }

    /// Luma (0–255) of every pixel.
    var luma: [Double] {
        (0..<(width * height)).map { i in
            let p = i * channels
            return 0.299 * Double(samples[p]) + 0.587 * Double(samples[p + 1]) + 0.114 * Double(samples[p + 2])
        }
    }

    /// Distinct RGB colours (a blank page has one).
    var distinctColors: Int {
        var set = Set<UInt32>()
        for i in 0..<(width * height) {
            let p = i * channels
            set.insert(UInt32(samples[p]) << 16 | UInt32(samples[p + 1]) << 8 | UInt32(samples[p + 2]))
        }
        return set.count
    }
}
