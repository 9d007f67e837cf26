@testable import DroverEngine
import DroverCore
import Foundation
import Testing

/// The pure parts of the transfer modules: Python's normpath and fnmatch,
/// find's units, modes and both listing formats, get_url's checksum files.
@Suite("Transfer modules: helpers")
struct TransferHelperTests {
    @Test("normpath and fnmatch behave as Python's")
    func pathsAndGlobs() {
        #expect(TransferPaths.normalize("/a//b/./c/") == "/a/b/c")
        #expect(TransferPaths.normalize("/a/b/../../../c") == "/c")
        #expect(TransferPaths.normalize("a/../..") == "..")
        #expect(TransferPaths.normalize("") == ".")
        #expect(FnMatch.matches("app.log", "*.log"))
        #expect(FnMatch.matches("a/b.log", "*.log"))
        #expect(!FnMatch.matches("app.log.1", "*.log"))
        #expect(FnMatch.matches("x1", "x[0-9]"))
        #expect(!FnMatch.matches("x1", "x[!0-9]"))
        #expect(FnMatch.matches("[", "["))
        #expect(FnMatch.matches("a]", "a[]]"))
    }

    @Test("find: age and size units, symbolic modes")
    func units() {
        let age: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800]
        #expect(FindModule.scaled("2d", units: age) == 172800)
        #expect(FindModule.scaled("-1W", units: age) == -604800)
        #expect(FindModule.scaled("30", units: age) == 30)
        #expect(FindModule.scaled("1x", units: age) == nil)
        #expect(FindModule.scaled("-", units: age) == nil)
        #expect(FindModule.symbolicMode("u=rw,g=r,o=r") == 0o644)
        #expect(FindModule.symbolicMode("a+x") == 0o111)
        #expect(FindModule.symbolicMode("u=rwx,g+s") == 0o2700)
        #expect(FindModule.symbolicMode("u=rw,u-w") == 0o400)
        #expect(FindModule.symbolicMode("q=r") == nil)
    }

    @Test("find parses GNU -printf records and the stat -c fallback alike")
    func listings() throws {
        let gnu = try #require(FindModule.gnuEntry("4755 0 0 12 1700000000.5 1700000001.25 1700000002 42 65024 1 2 f",
                                                   user: "root", group: "1234", path: "/t/sub/x"))
        #expect(gnu.type == "f" && gnu.mode == 0o4755 && gnu.depth == 2 && gnu.size == 12)
        #expect(gnu.owner == "root" && gnu.group == "1234")
        let info = FindModule.statInfo(gnu)
        #expect(info["mode"] == .string("4755") && info["isuid"] == .bool(true) && info["xoth"] == .bool(true))
        #expect(info["mtime"] == .double(1700000000.5))
        let stat = try #require(FindModule.statEntry("41ed 0 0 4096 1700000000 1700000001 1700000002 7 2049 3 root UNKNOWN /t/a dir/b c",
                                                     root: "/t"))
        #expect(stat.type == "d" && stat.mode == 0o755 && stat.depth == 2 && stat.path == "/t/a dir/b c")
        #expect(stat.owner == "root" && stat.group == "")
        let link = try #require(FindModule.statEntry("a1ff 0 0 5 1 1 1 1 1 1 root root /t/l", root: "/t"))
        #expect(link.type == "l" && link.depth == 1)
    }

    @Test("get_url reads GNU and BSD checksum files and Content-Disposition names")
    func checksumFiles() {
        let lines = ["abc123  ./app.tgz", "def456 *other.bin", "SHA256 (third.txt) = 0f0f"]
        #expect(GetURLModule.digest(for: "app.tgz", in: lines) == "abc123")
        #expect(GetURLModule.digest(for: "other.bin", in: lines) == "def456")
        #expect(GetURLModule.digest(for: "third.txt", in: lines) == "0f0f")
        #expect(GetURLModule.digest(for: "missing", in: lines) == nil)
        #expect(GetURLModule.digest(for: "any", in: ["beef\r"]) == "beef")
        #expect(GetURLDownload.dispositionFilename("attachment; filename=\"../../etc/x.tar\"") == "x.tar")
        #expect(GetURLDownload.dispositionFilename(nil) == nil)
        #expect(GetURLDownload.urlFilename("http://127.0.0.1:8000/dir/a%20b.txt?x=1") == "a b.txt")
        #expect(GetURLDownload.urlFilename("http://127.0.0.1:8000/") == "index.html")
        #expect(GetURLDownload.filePath("file:///tmp/a%20b") == "/tmp/a b")
        #expect(GetURLModule.mask("http://user:secret@127.0.0.1/x") == "http://user:********@127.0.0.1/x")
        #expect(TransferPaths.lines(Array("a\r\nb\n".utf8)) == ["a\r", "b", ""])
    }

    @Test("wait_for: /proc/net/tcp addresses")
    func procAddresses() {
        #expect(WaitForModule.procHex("127.0.0.1") == "0100007F")
        #expect(WaitForModule.ipv4Part("0000000000000000FFFF00000100007F") == "0100007F")
        #expect(WaitForModule.ipv4Part("00000000000000000000000001000000") == nil)
    }
}
