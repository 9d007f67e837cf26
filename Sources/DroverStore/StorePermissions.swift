import Foundation

/// Run output can hold secrets, so the store is its owner's alone: its
/// directories are 0700 and its files 0600, whatever the umask. SQLite
/// gives the WAL and SHM files the database file's mode, so creating that
/// file 0600 covers them.
enum StorePermissions {
    static let directoryMode: mode_t = 0o700
    static let fileMode: mode_t = 0o600

    /// Creates `path` 0700 (its missing parents as usual) unless it exists.
    static func makeDirectory(_ path: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && !FileManager.default.fileExists(atPath: parent) {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        }
        guard mkdir(path, directoryMode) == 0 || errno == EEXIST else {
            throw StoreError(.cannotOpen, "cannot create \(path): \(String(cString: strerror(errno))); check its parent's permissions or set DROVER_HOME")
        }
    }

    /// Creates the empty file `path` 0600 unless it exists.
    static func makeFile(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard fd >= 0 || errno == EEXIST else {
            throw StoreError(.cannotOpen, "cannot create \(path): \(String(cString: strerror(errno))); check the directory's permissions or set DROVER_HOME")
        }
        if fd >= 0 { close(fd) }
    }

    /// Writes `bytes` to the new file `path`, 0600 from the start.
    static func writeFile(_ bytes: [UInt8], to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            written += count
        }
        return true
    }

    /// Takes group and other access away from a store an older drover
    /// left readable; returns what it changed, relative to `home` ("." for
    /// `home` itself). The blob files are walked only when `blobs/` itself
    /// was open, so a store that is private costs a few stat calls.
    static func tighten(home: String) -> [String] {
        var changed: [String] = []
        // A shared directory (sticky, like /tmp) or another user's is not ours to close.
        if let mode = ownMode(home), mode & mode_t(S_ISVTX) == 0, tighten(home, mode: mode, directory: true) { changed.append(".") }
        for name in ["drover.sqlite", "drover.sqlite-wal", "drover.sqlite-shm", "migration.lock"] {
            if let mode = ownMode("\(home)/\(name)"), tighten("\(home)/\(name)", mode: mode, directory: false) { changed.append(name) }
        }
        guard let mode = ownMode("\(home)/blobs"), tighten("\(home)/blobs", mode: mode, directory: true) else { return changed }
        changed.append("blobs")
        let walker = FileManager.default.enumerator(atPath: "\(home)/blobs")
        while let path = walker?.nextObject() as? String {
            var info = stat()
            guard lstat("\(home)/blobs/\(path)", &info) == 0, info.st_uid == geteuid() else { continue }
            let directory = info.st_mode & mode_t(S_IFMT) == mode_t(S_IFDIR)
            if tighten("\(home)/blobs/\(path)", mode: info.st_mode, directory: directory) { changed.append("blobs/\(path)") }
        }
        return changed
    }

    /// The mode of `path` when this user owns it.
    private static func ownMode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_uid == geteuid() else { return nil }
        return info.st_mode
    }

    /// chmod 0700 or 0600 when group or others have any access.
    private static func tighten(_ path: String, mode: mode_t, directory: Bool) -> Bool {
        guard mode & 0o077 != 0 else { return false }
        return chmod(path, directory ? directoryMode : fileMode) == 0
    }
}
