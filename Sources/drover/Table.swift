import Foundation

/// Fixed-width columns for the listing commands.
enum Table {
    /// `cells` padded to `widths`; the last cell (without a width) as is.
    static func row(_ cells: [String], widths: [Int]) -> String {
        cells.enumerated().map { index, cell in
            index < widths.count ? cell.padding(toLength: max(widths[index], cell.count + 1), withPad: " ", startingAt: 0) : cell
        }.joined()
    }

    static func time(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon))
    }
}
