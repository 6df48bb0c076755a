import RapportCore
import Testing

@Suite("Dashboards: defaults per role, arranging widgets")
struct DashboardTests {
    @Test("Every role starts with known widgets, each once", arguments: Role.allCases)
    func defaults(_ role: Role) throws {
        let widgets = Dashboard.defaultWidgets(for: role)
        #expect(!widgets.isEmpty)
        #expect(try Dashboard.validate(widgets) == widgets)
    }

    @Test("A marketer starts with purchases and RFM; a rep with their pipeline")
    func roleDefaults() {
        #expect(Dashboard.defaultWidgets(for: .marketer).prefix(2) == ["purchases", "rfm"])
        #expect(Dashboard.defaultWidgets(for: .salesRep) == ["sales", "funnel", "forecast"])
        #expect(Dashboard.defaultWidgets(for: .headOfSales).contains("managers"))
    }

    @Test("Moving, removing and adding")
    func rearranging() {
        let start = ["sales", "funnel", "forecast"]
        #expect(Dashboard.rearrange(start, step: "up:1") == ["funnel", "sales", "forecast"])
        #expect(Dashboard.rearrange(start, step: "down:1") == ["sales", "forecast", "funnel"])
        #expect(Dashboard.rearrange(start, step: "up:0") == start)
        #expect(Dashboard.rearrange(start, step: "down:2") == start)
        #expect(Dashboard.rearrange(start, step: "remove:0") == ["funnel", "forecast"])
        #expect(Dashboard.rearrange(start, step: "remove:9") == start)
        #expect(Dashboard.rearrange(start, step: "add:rfm") == ["sales", "funnel", "forecast", "rfm"])
        #expect(Dashboard.rearrange(start, step: "add:sales") == start, "no widget twice")
        #expect(Dashboard.rearrange(start, step: "add:weather") == start, "only known widgets")
        #expect(Dashboard.rearrange(start, step: "nonsense") == start)
    }

    @Test("Unknown, repeated or too many widgets are refused by field")
    func validation() {
        #expect(throws: ValidationError.self) { try Dashboard.validate(["sales", "weather"]) }
        do {
            _ = try Dashboard.validate(["sales", "weather", "sales"])
            Issue.record("expected a refusal")
        } catch {
            #expect(Set(error.issues.map(\.field)) == ["widgets[1]", "widgets"])
        }
        #expect(throws: ValidationError.self) { try Dashboard.validate(Array(repeating: "sales", count: 13)) }
    }
}
