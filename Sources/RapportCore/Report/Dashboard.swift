/// A dashboard: report widgets in the order a user arranged them, or their role's default.
public enum Dashboard {
    /// Every widget a dashboard can hold (each a report), in the order they are offered.
    public static let widgets = [
        "sales", "funnel", "forecast", "managers", "lost-reasons", "stage-time", "purchases", "rfm", "sources", "cohorts", "clv",
    ]

    /// The most widgets one dashboard holds.
    public static let maximumWidgets = 12

    /// What a role sees before arranging anything: a rep their pipeline, a head of sales the team and the
    /// forecast, a marketer the clients' purchases.
    public static func defaultWidgets(for role: Role) -> [String] {
        switch role {
        case .salesRep: ["sales", "funnel", "forecast"]
        case .headOfSales, .owner, .admin: ["sales", "funnel", "managers", "forecast", "lost-reasons"]
        case .marketer: ["purchases", "rfm", "sources", "cohorts"]
        case .support, .readOnly: ["sales", "purchases"]
        }
    }

    /// Checks an arrangement: known widgets, each once, not too many.
    public static func validate(_ widgets: [String]) throws(ValidationError) -> [String] {
        var issues = FieldIssues()
        for (index, widget) in widgets.enumerated() where !Self.widgets.contains(widget) {
            issues.add("widgets[\(index)]", .invalidOption, ["options": Self.widgets.joined(separator: ", ")])
        }
        if Set(widgets).count != widgets.count { issues.add("widgets", .duplicate) }
        if widgets.count > maximumWidgets { issues.add("widgets", .outOfRange, ["max": String(maximumWidgets)]) }
        try issues.throwIfAny()
        return widgets
    }

    /// An arrangement after a user's step: move a widget up or down, remove it, or add one at the end.
    public static func rearrange(_ widgets: [String], step: String) -> [String] {
        var next = widgets
        let parts = step.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return widgets }
        switch parts[0] {
        case "up":
            if let index = Int(parts[1]), index > 0, index < next.count { next.swapAt(index, index - 1) }
        case "down":
            if let index = Int(parts[1]), index >= 0, index + 1 < next.count { next.swapAt(index, index + 1) }
        case "remove":
            if let index = Int(parts[1]), next.indices.contains(index) { next.remove(at: index) }
        case "add":
            if Self.widgets.contains(parts[1]), !next.contains(parts[1]), next.count < maximumWidgets { next.append(parts[1]) }
        default:
            break
        }
        return next
    }
}
