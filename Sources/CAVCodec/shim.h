// Umbrella header exposing FFmpeg's demuxing and decoding libraries (Debian: libavformat-dev,
// libavcodec-dev, libavutil-dev) to Swift, plus the few helpers Swift cannot express:
// function-like error macros and an I/O context over a file descriptor the caller owns.
#ifndef CRESCENDO_CAVCODEC_SHIM_H
#define CRESCENDO_CAVCODEC_SHIM_H

#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>
#include <libavutil/samplefmt.h>

/// AVERROR(EAGAIN): the decoder needs more input (or its output must be drained first).
static inline int crescendo_averror_again(void) { return AVERROR(EAGAIN); }

/// AVERROR_EOF: end of input, or a fully drained decoder.
static inline int crescendo_averror_eof(void) { return AVERROR_EOF; }

/// AV_CODEC_FLAG2_SKIP_MANUAL: report start/end trimming as frame side data instead of applying it.
static inline int crescendo_codec_flag2_skip_manual(void) { return AV_CODEC_FLAG2_SKIP_MANUAL; }

/// The errno behind an AVERROR code, or 0 when the code is FFmpeg's own (AVERROR_INVALIDDATA...).
static inline int crescendo_averror_errno(int code) {
    return (code < 0 && code > -4096) ? AVUNERROR(code) : 0;
}

static inline int crescendo_fd_read(void *opaque, uint8_t *buffer, int size) {
    int fd = (int)(intptr_t)opaque;
    for (;;) {
        ssize_t got = read(fd, buffer, (size_t)size);
        if (got > 0) return (int)got;
        if (got == 0) return AVERROR_EOF;
        if (errno != EINTR) return AVERROR(errno);
    }
}

static inline int64_t crescendo_fd_seek(void *opaque, int64_t offset, int whence) {
    int fd = (int)(intptr_t)opaque;
    if (whence & AVSEEK_SIZE) {
        struct stat st;
        return fstat(fd, &st) == 0 ? (int64_t)st.st_size : AVERROR(errno);
    }
    off_t position = lseek(fd, (off_t)offset, whence & ~AVSEEK_FORCE);
    return position < 0 ? AVERROR(errno) : (int64_t)position;
}

/// A read-only, seekable AVIOContext over `fd` (which stays the caller's to close), so that
/// libavformat reads the very file the caller opened and checked. NULL when out of memory.
static inline AVIOContext *crescendo_avio_open_fd(int fd) {
    const int size = 64 * 1024;
    unsigned char *buffer = av_malloc(size);
    if (!buffer) return NULL;
    AVIOContext *io = avio_alloc_context(buffer, size, 0, (void *)(intptr_t)fd,
                                         crescendo_fd_read, NULL, crescendo_fd_seek);
    if (!io) av_free(buffer);
    return io;
}

/// Frees an AVIOContext made by crescendo_avio_open_fd and its (possibly reallocated) buffer.
static inline void crescendo_avio_close(AVIOContext *io) {
    if (!io) return;
    av_freep(&io->buffer);
    avio_context_free(&io);
}

#endif
