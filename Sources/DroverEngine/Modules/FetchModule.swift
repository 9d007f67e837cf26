import Crypto
import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

/// fetch: a file on the host to the controller, as `dest/HOST/SRC` (or
/// `dest` itself with `flat`). The host's SHA-1 is read first, so an
/// unchanged file never crosses the wire; a transferred one is checked
/// against it.
struct FetchModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let args = context.arguments
        guard let srcArgument = args.string("src"), let destArgument = args.string("dest") else {
            return .failure("src and dest are required")
        }
        let flat = args.bool("flat")
        let failOnMissing = args.bool("fail_on_missing", default: true)
        let validateChecksum = args.bool("validate_checksum", default: true)

        // One exec: the expanded path, its kind, and its SHA-1 when readable.
        let probe = try await context.agent.exec("""
            p=\(TransferPaths.shellWord(srcArgument))
            printf '%s\\n' "$p"
            if [ -d "$p" ]; then echo directory
            elif [ ! -e "$p" ]; then echo missing
            elif [ ! -r "$p" ]; then echo unreadable
            else echo file; sha1sum < "$p" 2>/dev/null | cut -d' ' -f1
            fi
            """)
        let lines = TransferPaths.lines(probe.stdout)
        guard probe.rc == 0, lines.count >= 2 else {
            return .failure("cannot examine \(srcArgument) on the host: \(probe.stderrText)")
        }
        let source = lines[0]
        var result = ModuleResult()
        switch lines[1] {
        case "missing", "unreadable":
            let msg = lines[1] == "missing" ? "the remote file does not exist, not transferring, ignored"
                                            : "file is not readable: \(source)"
            if failOnMissing { return .failure(msg) }
            result.msg = msg
            result.values["file"] = .string(source)
            return result
        case "directory":
            let msg = "remote file is a directory, fetch cannot work on directories"
            if failOnMissing { return .failure(msg) }
            result.msg = msg + ", not transferring, ignored"
            return result
        default:
            break
        }
        var remoteChecksum = lines.count > 2 && lines[2].count == 40 ? lines[2] : nil

        // Where it goes on the controller.
        let base = destArgument.hasPrefix("/") ? destArgument : "\(playbookDirectory(context))/\(destArgument)"
        var dest: String
        if flat {
            dest = base
            if destArgument.hasSuffix("/") {
                dest = base + TransferPaths.basename(source)
                if Self.isLocalDirectory(dest) {
                    return .failure("calculated dest '\(dest)' is an existing directory, use another path that does not point to an existing directory")
                }
            } else if Self.isLocalDirectory(dest) {
                return .failure("dest is an existing directory, use a trailing slash if you want to fetch src into that directory")
            }
            dest = TransferPaths.normalize(dest)
        } else {
            let root = TransferPaths.normalize("\(base)/\(context.host)")
            dest = TransferPaths.normalize("\(root)/\(source)")
            guard dest.hasPrefix(root + "/") else {
                return .failure("Detected directory traversal, expected to be contained in '\(root)' but got '\(dest)'")
            }
        }
        let localBefore = FileManager.default.contents(atPath: dest).map { [UInt8]($0) }
        let localChecksum = localBefore.map(FileContent.sha1Hex)

        // Without sha1sum on the host, the content is read to compare.
        var remoteData: [UInt8]?
        if remoteChecksum == nil {
            guard let bytes = try await context.agent.read(source) else {
                let msg = "the remote file does not exist, not transferring, ignored"
                if failOnMissing { return .failure(msg) }
                result.msg = msg
                result.values["file"] = .string(source)
                return result
            }
            remoteData = bytes
            remoteChecksum = FileContent.sha1Hex(bytes)
        }

        if remoteChecksum == localChecksum {
            result.values["md5sum"] = localBefore.map { .string(Self.md5Hex($0)) } ?? .null
            result.values["file"] = .string(source)
            result.values["dest"] = .string(dest)
            result.values["checksum"] = localChecksum.map(Value.string) ?? .null
            return result
        }
        result.changed = true
        if context.checkMode {
            // Nothing is transferred nor written; the result says what would be.
            result.values["dest"] = .string(dest)
            result.values["checksum"] = localChecksum.map(Value.string) ?? .null
            result.values["remote_checksum"] = remoteChecksum.map(Value.string) ?? .null
            result.values["remote_md5sum"] = .null
            return result
        }
        let bytes: [UInt8]
        if let remoteData {
            bytes = remoteData
        } else if let read = try await context.agent.read(source) {
            bytes = read
        } else {
            return .failure("the remote file does not exist, not transferring, ignored")
        }
        let newChecksum = FileContent.sha1Hex(bytes)
        let newMD5 = Self.md5Hex(bytes)
        if validateChecksum && newChecksum != remoteChecksum {
            return .failure("checksum mismatch", [
                "md5sum": .string(newMD5), "file": .string(source), "dest": .string(dest), "remote_md5sum": .null,
                "checksum": .string(newChecksum), "remote_checksum": remoteChecksum.map(Value.string) ?? .null,
            ])
        }
        do {
            try FileManager.default.createDirectory(atPath: TransferPaths.dirname(dest), withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: dest), options: .atomic)
        } catch {
            return .failure("Failed to fetch the file.", ["dest": .string(dest), "exception": .string("\(error)")])
        }
        result.values["md5sum"] = .string(newMD5)
        result.values["dest"] = .string(dest)
        result.values["remote_md5sum"] = .null
        result.values["checksum"] = .string(newChecksum)
        result.values["remote_checksum"] = remoteChecksum.map(Value.string) ?? .null
        return result
    }

    /// Ansible resolves a relative `dest` against the playbook's directory.
    private func playbookDirectory(_ context: ModuleContext) -> String {
        if let dir = context.variables.variable(named: "playbook_dir")?.text, !dir.isEmpty { return dir }
        return (context.task.location.file as NSString).deletingLastPathComponent
    }

    static func isLocalDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func md5Hex(_ bytes: [UInt8]) -> String {
        Insecure.MD5.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}
