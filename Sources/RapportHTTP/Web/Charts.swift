import Foundation

/// Charts drawn by Rapport as SVG on the server: no script, no library, readable by screen readers
/// through their title and the table next to them.
enum Charts {
    struct Bar {
        var label: String
        var value: Double
        var caption: String
    }

    /// Horizontal bars, one per row, scaled to the largest value.
    static func bars(_ bars: [Bar], title: String) -> HTML {
        let rowHeight = 34
        let width = 600
        let labelWidth = 170
        let barSpace = width - labelWidth - 10
        let largest = bars.map(\.value).max() ?? 0
        var rows: [HTML] = []
        for (index, bar) in bars.enumerated() {
            let y = index * rowHeight
            let length = largest > 0 ? max(2, Int((bar.value / largest) * Double(barSpace - 120))) : 2
            rows.append(
                """
                <text x="0" y="\(y + 21)">\(bar.label)</text>
                <rect class="bar\(index % 2 == 1 ? " alt" : "")" x="\(labelWidth)" y="\(y + 7)" width="\(length)" height="20" rx="4"></rect>
                <text x="\(labelWidth + length + 8)" y="\(y + 21)">\(bar.caption)</text>
                """)
        }
        let height = max(rowHeight, bars.count * rowHeight)
        return """
            <svg class="chart" viewBox="0 0 \(width) \(height)" role="img" aria-label="\(title)" xmlns="http://www.w3.org/2000/svg"><title>\(title)</title>\(rows)</svg>
            """
    }
}
