import Foundation

/// Controller-side file access for `lookup('file')`, `{% include %}` and
/// the file tests: the only I/O the template engine does.
enum FileLookup {
    /// The first existing file for `name`: absolute paths as given, relative
    /// ones under each search path in order (and its `files/` and
    /// `templates/` subdirectories). Never the process's working directory.
    static func find(_ name: String, in searchPaths: [String]) -> String? {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if name.hasPrefix("/") {
            return fm.fileExists(atPath: name, isDirectory: &isDirectory) && !isDirectory.boolValue ? name : nil
        }
        for base in searchPaths {
            for candidate in [base + "/" + name, base + "/files/" + name, base + "/templates/" + name] {
                if fm.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue {
                    return candidate
                }
            }
        }
        return nil
    }

    static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    enum Kind { case file, directory, link, any }

    /// For `is file`, `is directory`, `is link`, `is exists` (on the controller).
    static func exists(_ path: String, as kind: Kind) -> Bool {
        let fm = FileManager.default
        switch kind {
        case .link:
            return (try? fm.destinationOfSymbolicLink(atPath: path)) != nil
        case .any:
            var isDirectory: ObjCBool = false
            return fm.fileExists(atPath: path, isDirectory: &isDirectory)
        case .file, .directory:
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { return false }
            return isDirectory.boolValue == (kind == .directory)
        }
    }
}
