import DroverCore
import OrderedCollections

extension HostFacts {
    /// `date '+%Y %m %d %H %M %S %s %A %w %W %Z %z %N'` (local time) to Ansible's ansible_date_time.
    static func dateTime(_ raw: RawFacts) -> OrderedDictionary<String, Value>? {
        guard let line = raw.first("date") else { return nil }
        let f = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard f.count >= 12, let epoch = Int(f[6]) else { return nil }
        var nanos = f.count > 12 ? f[12] : ""
        if !FactsText.isDigits(nanos) { nanos = "0" }  // busybox date has no %N
        let micro = String((String(repeating: "0", count: max(0, 9 - nanos.count)) + nanos).prefix(6))
        let utc = civilUTC(epoch)
        let utcText = pad(utc.year, 4) + "-" + pad(utc.month) + "-" + pad(utc.day) + "T"
            + pad(utc.hour) + ":" + pad(utc.minute) + ":" + pad(utc.second)
        var result: OrderedDictionary<String, Value> = [
            "year": .string(f[0]), "month": .string(f[1]), "weekday": .string(f[7]), "weekday_number": .string(f[8]),
            "weeknumber": .string(f[9]), "day": .string(f[2]), "hour": .string(f[3]), "minute": .string(f[4]),
            "second": .string(f[5]), "epoch": .string(f[6]), "epoch_int": .string(String(epoch)),
            "date": .string("\(f[0])-\(f[1])-\(f[2])"), "time": .string("\(f[3]):\(f[4]):\(f[5])"),
            "iso8601_micro": .string(utcText + "." + micro + "Z"), "iso8601": .string(utcText + "Z"),
            "iso8601_basic": .string("\(f[0])\(f[1])\(f[2])T\(f[3])\(f[4])\(f[5])\(micro)"),
            "iso8601_basic_short": .string("\(f[0])\(f[1])\(f[2])T\(f[3])\(f[4])\(f[5])"),
            "tz": .string(f[10]), "tz_offset": .string(f[11]),
        ]
        // Python's time.tzname[1]: the name of the half of the year with the greater UTC offset.
        if let jan = zone(raw.first("tz_jan")), let jul = zone(raw.first("tz_jul")) {
            result["tz_dst"] = .string(jan.offset > jul.offset ? jan.name : jul.name)
        }
        return result
    }

    /// "+0100 CET" → (3600, "CET").
    private static func zone(_ text: String?) -> (offset: Int, name: String)? {
        guard let text, let space = text.firstIndex(of: " ") else { return nil }
        let z = Array(text[..<space])
        guard z.count == 5, z[0] == "+" || z[0] == "-", let hh = Int(String(z[1...2])), let mm = Int(String(z[3...4])) else { return nil }
        return ((z[0] == "-" ? -1 : 1) * (hh * 3600 + mm * 60), String(text[text.index(after: space)...]))
    }

    private static func pad(_ n: Int, _ width: Int = 2) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// UTC calendar fields of a Unix time (days-from-civil inverse, proleptic Gregorian).
    static func civilUTC(_ epoch: Int) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let days = epoch >= 0 ? epoch / 86400 : (epoch - 86399) / 86400
        let secs = epoch - days * 86400
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day, secs / 3600, secs % 3600 / 60, secs % 60)
    }
}
