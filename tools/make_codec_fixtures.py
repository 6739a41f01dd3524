#!/usr/bin/env python3
"""Generate the Ogg fixtures that compare the libsndfile and libavcodec decoders.

Usage (from the repository root, after tools/make_audio_fixtures.py):

    python3 tools/make_codec_fixtures.py

Needs only the Python standard library, plus the ``ffmpeg`` command line tool with
libopus (Debian: ``ffmpeg``) for the Opus fixture.

What is written to Tests/AudioTests/Fixtures/:

* ``tone_shared_header_page.ogg``  tone.ogg re-paginated so that its first audio
  packet shares the page of the Vorbis setup header, as some old encoders wrote
  (12 of the 40 Wesnoth tracks). libsndfile discards such a packet as an
  "extraneous header packet"; libavcodec decodes it unless told to drop it.
* ``tone_silk.opus``  1 s of the tone_pcm16.wav signal as 16 kbit/s Opus in VoIP
  mode, so that packets use SILK or hybrid mode, where libavcodec's native Opus
  decoder and libopus resample the SILK band differently (CELT packets decode
  to float rounding).
"""
import os
import struct
import subprocess
import sys

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "AudioTests", "Fixtures")


def crc32_ogg(data: bytes) -> int:
    """Ogg's CRC-32: polynomial 0x04c11db7, no reflection, zero initial value."""
    table = []
    for i in range(256):
        r = i << 24
        for _ in range(8):
            r = ((r << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if r & 0x80000000 else (r << 1) & 0xFFFFFFFF
        table.append(r)
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFFFFFF) ^ table[((crc >> 24) & 0xFF) ^ byte]
    return crc


def read_pages(data: bytes):
    """(flags, granule, serial, sequence, packets) per page; packets as byte strings, the
    last one possibly continued on the next page (then the page's lacing ends in 255)."""
    pages, offset = [], 0
    while offset < len(data):
        assert data[offset:offset + 4] == b"OggS", f"no page at {offset}"
        flags = data[offset + 5]
        granule, serial, sequence = struct.unpack("<qII", data[offset + 6:offset + 22])
        count = data[offset + 26]
        lacing = data[offset + 27:offset + 27 + count]
        body = offset + 27 + count
        packets, current, position = [], b"", body
        for value in lacing:
            current += data[position:position + value]
            position += value
            if value < 255:
                packets.append(current)
                current = b""
        assert not current, "fixture pages must end on packet boundaries"
        pages.append((flags, granule, serial, sequence, packets))
        offset = position
    return pages


def write_page(flags, granule, serial, sequence, packets) -> bytes:
    lacing = b""
    for packet in packets:
        lacing += b"\xff" * (len(packet) // 255) + bytes([len(packet) % 255])
    assert len(lacing) <= 255
    header = b"OggS" + bytes([0, flags]) + struct.pack("<qIII", granule, serial, sequence, 0) + bytes([len(lacing)])
    page = bytearray(header + lacing + b"".join(packets))
    page[22:26] = struct.pack("<I", crc32_ogg(bytes(page)))
    return bytes(page)


def shared_header_page() -> None:
    with open(os.path.join(FIXTURES, "tone.ogg"), "rb") as f:
        pages = read_pages(f.read())
    ident, setup, audio = pages[0], pages[1], pages[2:]
    assert len(setup[4]) == 2 and audio, "expected the comment and setup headers alone on page 2"
    first_audio = audio[0][4][0]
    out = write_page(*ident)
    out += write_page(setup[0], setup[1], setup[2], setup[3], setup[4] + [first_audio])
    flags, granule, serial, sequence, packets = audio[0]
    out += write_page(flags, granule, serial, sequence, packets[1:])
    for page in audio[1:]:
        out += write_page(*page)
    with open(os.path.join(FIXTURES, "tone_shared_header_page.ogg"), "wb") as f:
        f.write(out)


def silk_opus() -> None:
    source = os.path.join(FIXTURES, "tone_pcm16.wav")
    target = os.path.join(FIXTURES, "tone_silk.opus")
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", source, "-c:a", "libopus", "-application", "voip",
                    "-b:a", "16k", "-ar", "48000", "-map_metadata", "-1", "-fflags", "+bitexact", target], check=True)
    with open(target, "rb") as f:
        pages = read_pages(f.read())
    modes = [packet[0] >> 3 for page in pages[2:] for packet in page[4]]
    assert any(config < 16 for config in modes), "expected SILK or hybrid packets"


def main() -> int:
    shared_header_page()
    silk_opus()
    return 0


if __name__ == "__main__":
    sys.exit(main())
