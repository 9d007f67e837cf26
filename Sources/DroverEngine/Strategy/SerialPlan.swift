import Foundation

/// How `serial:` splits a play's hosts into batches (Ansible's rules):
/// a number, a percentage of all the play's hosts (rounded down, at least
/// one), or a list of those used in turn, the last repeating. No `serial`
/// (or 0) means one batch of every host.
public enum SerialStep: Sendable, Equatable {
    case count(Int)
    case percent(Double)

    /// Reads `5`, `"5"`, `"30%"`.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") {
            // Whole percentages only, as Ansible (`int("2.5")` fails there too).
            guard let p = Int(trimmed.dropLast()), p >= 0 else { return nil }
            self = .percent(Double(p))
        } else if let n = Int(trimmed), n >= 0 {
            self = .count(n)
        } else {
            return nil
        }
    }

    func size(of total: Int) -> Int {
        switch self {
        case .count(let n): return n <= 0 ? total : n
        case .percent(let p): return max(1, Int((Double(total) * p / 100).rounded(.down)))
        }
    }
}

public enum SerialPlan {
    /// The batches, in order; hosts keep their order.
    public static func batches(_ hosts: [String], steps: [SerialStep]) -> [[String]] {
        guard !hosts.isEmpty else { return [] }
        guard !steps.isEmpty else { return [hosts] }
        var result: [[String]] = []
        var start = 0
        var stepIndex = 0
        while start < hosts.count {
            let size = max(1, steps[min(stepIndex, steps.count - 1)].size(of: hosts.count))
            let end = min(hosts.count, start + size)
            result.append(Array(hosts[start..<end]))
            start = end
            stepIndex += 1
        }
        return result
    }
}
