import CSndfile

/// Container and sample encoding of a file, as reported by libsndfile.
///
/// Names follow libsndfile's identifiers (the same spelling python-soundfile
/// uses): containers such as `"WAV"`, `"FLAC"`, `"OGG"`, `"MP3"`; subtypes such
/// as `"PCM_16"`, `"FLOAT"`, `"VORBIS"`, `"OPUS"`, `"MPEG_LAYER_III"`.
public struct AudioFormat: Sendable, Hashable, CustomStringConvertible {
    /// Short container name, e.g. `"WAV"`, `"FLAC"`, `"MP3"`.
    public let container: String
    /// Short sample-encoding name, e.g. `"PCM_16"`, `"FLOAT"`, `"MPEG_LAYER_III"`.
    public let subtype: String
    /// The raw libsndfile format word (`SF_INFO.format`).
    public let rawValue: Int32

    /// Builds the description from a libsndfile format word.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
        let major = rawValue & Int32(SF_FORMAT_TYPEMASK)
        let minor = rawValue & Int32(SF_FORMAT_SUBMASK)
        container = AudioFormat.containerNames[major] ?? String(format16: major)
        subtype = AudioFormat.subtypeNames[minor] ?? String(format16: minor)
    }

    /// True for MPEG audio (mp1/mp2/mp3), whose frame count libsndfile takes
    /// from libmpg123 and which is only an estimate when the file has no
    /// Xing/Info/LAME header (see ``AudioInfo/frameCountIsExact``).
    public var isMPEG: Bool {
        rawValue & Int32(SF_FORMAT_TYPEMASK) == Int32(SF_FORMAT_MPEG)
    }

    /// True when samples are stored as IEEE floats and can therefore hold NaN/Inf.
    public var isFloatingPoint: Bool {
        let minor = rawValue & Int32(SF_FORMAT_SUBMASK)
        return minor == Int32(SF_FORMAT_FLOAT) || minor == Int32(SF_FORMAT_DOUBLE)
    }

    /// True for lossy codecs (Vorbis, Opus, MPEG, GSM, ADPCM variants...).
    public var isLossy: Bool {
        let lossless: Set<String> = ["PCM_S8", "PCM_16", "PCM_24", "PCM_32", "PCM_U8", "FLOAT", "DOUBLE",
                                     "ALAC_16", "ALAC_20", "ALAC_24", "ALAC_32", "DPCM_8", "DPCM_16"]
        return !lossless.contains(subtype)
    }

    /// `"CONTAINER/SUBTYPE"`, e.g. `"FLAC/PCM_16"`.
    public var description: String { "\(container)/\(subtype)" }

    private static let containerNames: [Int32: String] = [
        Int32(SF_FORMAT_WAV): "WAV", Int32(SF_FORMAT_AIFF): "AIFF", Int32(SF_FORMAT_AU): "AU",
        Int32(SF_FORMAT_RAW): "RAW", Int32(SF_FORMAT_PAF): "PAF", Int32(SF_FORMAT_SVX): "SVX",
        Int32(SF_FORMAT_NIST): "NIST", Int32(SF_FORMAT_VOC): "VOC", Int32(SF_FORMAT_IRCAM): "IRCAM",
        Int32(SF_FORMAT_W64): "W64", Int32(SF_FORMAT_MAT4): "MAT4", Int32(SF_FORMAT_MAT5): "MAT5",
        Int32(SF_FORMAT_PVF): "PVF", Int32(SF_FORMAT_XI): "XI", Int32(SF_FORMAT_HTK): "HTK",
        Int32(SF_FORMAT_SDS): "SDS", Int32(SF_FORMAT_AVR): "AVR", Int32(SF_FORMAT_WAVEX): "WAVEX",
        Int32(SF_FORMAT_SD2): "SD2", Int32(SF_FORMAT_FLAC): "FLAC", Int32(SF_FORMAT_CAF): "CAF",
        Int32(SF_FORMAT_WVE): "WVE", Int32(SF_FORMAT_OGG): "OGG", Int32(SF_FORMAT_MPC2K): "MPC2K",
        Int32(SF_FORMAT_RF64): "RF64", Int32(SF_FORMAT_MPEG): "MP3",
    ]

    private static let subtypeNames: [Int32: String] = [
        Int32(SF_FORMAT_PCM_S8): "PCM_S8", Int32(SF_FORMAT_PCM_16): "PCM_16", Int32(SF_FORMAT_PCM_24): "PCM_24",
        Int32(SF_FORMAT_PCM_32): "PCM_32", Int32(SF_FORMAT_PCM_U8): "PCM_U8", Int32(SF_FORMAT_FLOAT): "FLOAT",
        Int32(SF_FORMAT_DOUBLE): "DOUBLE", Int32(SF_FORMAT_ULAW): "ULAW", Int32(SF_FORMAT_ALAW): "ALAW",
        Int32(SF_FORMAT_IMA_ADPCM): "IMA_ADPCM", Int32(SF_FORMAT_MS_ADPCM): "MS_ADPCM",
        Int32(SF_FORMAT_GSM610): "GSM610", Int32(SF_FORMAT_VOX_ADPCM): "VOX_ADPCM",
        Int32(SF_FORMAT_NMS_ADPCM_16): "NMS_ADPCM_16", Int32(SF_FORMAT_NMS_ADPCM_24): "NMS_ADPCM_24",
        Int32(SF_FORMAT_NMS_ADPCM_32): "NMS_ADPCM_32", Int32(SF_FORMAT_G721_32): "G721_32",
        Int32(SF_FORMAT_G723_24): "G723_24", Int32(SF_FORMAT_G723_40): "G723_40",
        Int32(SF_FORMAT_DWVW_12): "DWVW_12", Int32(SF_FORMAT_DWVW_16): "DWVW_16",
        Int32(SF_FORMAT_DWVW_24): "DWVW_24", Int32(SF_FORMAT_DWVW_N): "DWVW_N",
        Int32(SF_FORMAT_DPCM_8): "DPCM_8", Int32(SF_FORMAT_DPCM_16): "DPCM_16",
        Int32(SF_FORMAT_VORBIS): "VORBIS", Int32(SF_FORMAT_OPUS): "OPUS",
        Int32(SF_FORMAT_ALAC_16): "ALAC_16", Int32(SF_FORMAT_ALAC_20): "ALAC_20",
        Int32(SF_FORMAT_ALAC_24): "ALAC_24", Int32(SF_FORMAT_ALAC_32): "ALAC_32",
        Int32(SF_FORMAT_MPEG_LAYER_I): "MPEG_LAYER_I", Int32(SF_FORMAT_MPEG_LAYER_II): "MPEG_LAYER_II",
        Int32(SF_FORMAT_MPEG_LAYER_III): "MPEG_LAYER_III",
    ]
}

extension String {
    /// `0x…` rendering for format codes libsndfile knows but this table does not.
    fileprivate init(format16 value: Int32) {
        self = "0x" + String(UInt32(bitPattern: value), radix: 16)
    }
}
