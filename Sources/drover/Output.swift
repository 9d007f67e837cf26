import Foundation

/// Writes whole lines to stdout at once, so concurrent hosts never interleave.
enum Output {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func bytes(_ data: [UInt8]) {
        FileHandle.standardOutput.write(Data(data))
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.2f s", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}
