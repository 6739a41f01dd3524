/// A data table: a header row and body rows of text cells, every cell escaped. Numeric
/// columns are right-aligned. Wide tables scroll sideways inside their box on narrow screens.
public struct HTMLTable: Sendable, Equatable {
    public var caption: String
    public var headers: [String]
    public var rows: [[String]]
    /// A `data-table` name for styles and tests.
    public var name: String

    /// Cells are plain text; the first cell of each row is its row header.
    public init(name: String, caption: String, headers: [String], rows: [[String]]) {
        self.name = name
        self.caption = caption
        self.headers = headers
        self.rows = rows
    }

    /// The table as escaped HTML inside its scrolling box.
    public func html() -> String {
        var s = "<div class=\"table-wrap\"><table data-table=\"\(HTMLText.escape(name))\"><caption>\(HTMLText.escape(caption))</caption><thead><tr>"
        s += headers.map { "<th scope=\"col\">\(HTMLText.escape($0))</th>" }.joined()
        s += "</tr></thead><tbody>"
        for row in rows {
            s += "<tr>"
            for (i, cell) in row.enumerated() {
                let numeric = i > 0 && Self.looksNumeric(cell)
                s += i == 0 ? "<th scope=\"row\">\(HTMLText.escape(cell))</th>"
                    : "<td\(numeric ? " class=\"num\"" : "")>\(HTMLText.escape(cell))</td>"
            }
            s += "</tr>"
        }
        return s + "</tbody></table></div>"
    }

    static func looksNumeric(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        return "0123456789-—".unicodeScalars.contains(first)
    }
}
