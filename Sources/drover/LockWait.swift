import ArgumentParser

/// `--wait-lock 60s`, `5m`, `1h` or plain seconds.
struct LockWait: ExpressibleByArgument {
    let seconds: Int64

    init?(argument: String) {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600]
        var text = Substring(argument)
        var unit: Int64 = 1
        if let last = text.last, let factor = units[last] {
            unit = factor
            text = text.dropLast()
        }
        guard let value = Int64(text), value >= 0 else { return nil }
        seconds = value * unit
    }

    static var defaultValueDescription: String { "a duration such as 60s, 5m or 1h" }
}
