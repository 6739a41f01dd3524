import Glibc

/// Opening an audio file for reading, shared by the decoders.
enum AudioFileDescriptor {
    /// Opens `path` read-only and checks that it is a non-empty regular file; returns the
    /// descriptor (the caller closes it) and the file size in bytes.
    ///
    /// Opening first and checking the descriptor maps errno precisely and leaves no window
    /// between check and open; `O_NONBLOCK` keeps a FIFO named `x.wav` from hanging the open
    /// and is cleared again before returning.
    static func open(_ path: String) throws(AudioError) -> (fd: Int32, size: Int) {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 {
            throw AudioError.fromErrno(errno, path: path)
        }
        var st = stat()
        if fstat(fd, &st) != 0 {
            let code = errno
            close(fd)
            throw AudioError.fromErrno(code, path: path)
        }
        let kind = st.st_mode & S_IFMT
        if kind == S_IFDIR {
            close(fd)
            throw AudioError.isDirectory(path: path)
        }
        if kind != S_IFREG {
            close(fd)
            throw AudioError.notRegularFile(path: path)
        }
        if st.st_size == 0 {
            close(fd)
            throw AudioError.emptyAudio(path: path)
        }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        return (fd, Int(st.st_size))
    }
}
