import Foundation
import RapportCore

/// Every link of the web UI, built in one place: a path and an encoded query.
struct WebURL: Sendable, Equatable, CustomStringConvertible {
    /// Path and query, percent-encoded, ready for an attribute.
    let path: String

    init(_ path: String, _ query: [(String, String?)] = []) {
        let pairs = query.compactMap { name, value in value.map { "\(Self.encode(name))=\(Self.encode($0))" } }
        self.path = pairs.isEmpty ? path : "\(path)?\(pairs.joined(separator: "&"))"
    }

    var description: String { path }

    private static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    static func encode(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }

    /// A local path to return to after a form, or nil when `text` is not one (no open redirects).
    static func localReturn(_ text: String?) -> WebURL? {
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"), !text.contains("\\"), text.count < 2000,
            !text.unicodeScalars.contains(where: { $0.value < 0x20 })
        else { return nil }
        return WebURL(text)
    }

    // MARK: Pages

    static let home = WebURL("/")
    static func signIn(next: String? = nil, expired: Bool = false) -> WebURL {
        WebURL("/login", [("next", next), ("expired", expired ? "1" : nil)])
    }
    static let signOut = WebURL("/logout")
    static let setup = WebURL("/setup")
    static let search = WebURL("/search")
    static let trash = WebURL("/trash")
    static func trash(kind: TrashKind) -> WebURL { WebURL("/trash", [("kind", kind.rawValue)]) }
    static func restore(_ kind: TrashKind, _ id: String) -> WebURL { WebURL("/trash/\(kind.rawValue)/\(id)/restore") }
    static let language = WebURL("/language")

    static let contacts = WebURL("/contacts")
    static func contacts(_ query: [(String, String?)]) -> WebURL { WebURL("/contacts", query) }
    static let newContact = WebURL("/contacts/new")
    static func newContact(companyID: Company.ID) -> WebURL { WebURL("/contacts/new", [("companyId", companyID.rawValue)]) }
    static let contactsBulk = WebURL("/contacts/bulk")
    static func contact(_ id: Contact.ID) -> WebURL { WebURL("/contacts/\(id.rawValue)") }
    static func editContact(_ id: Contact.ID) -> WebURL { WebURL("/contacts/\(id.rawValue)/edit") }
    static func deleteContact(_ id: Contact.ID) -> WebURL { WebURL("/contacts/\(id.rawValue)/delete") }

    static let companies = WebURL("/companies")
    static let newCompany = WebURL("/companies/new")
    static func company(_ id: Company.ID) -> WebURL { WebURL("/companies/\(id.rawValue)") }
    static func editCompany(_ id: Company.ID) -> WebURL { WebURL("/companies/\(id.rawValue)/edit") }
    static func deleteCompany(_ id: Company.ID) -> WebURL { WebURL("/companies/\(id.rawValue)/delete") }

    static let deals = WebURL("/deals")
    static func board(_ query: [(String, String?)]) -> WebURL { WebURL("/deals", query) }
    static func dealList(_ query: [(String, String?)] = []) -> WebURL { WebURL("/deals/list", query) }
    static func newDeal(_ query: [(String, String?)] = []) -> WebURL { WebURL("/deals/new", query) }
    static func deal(_ id: Deal.ID) -> WebURL { WebURL("/deals/\(id.rawValue)") }
    static func editDeal(_ id: Deal.ID) -> WebURL { WebURL("/deals/\(id.rawValue)/edit") }
    static func moveDeal(_ id: Deal.ID) -> WebURL { WebURL("/deals/\(id.rawValue)/move") }
    static func closeDeal(_ id: Deal.ID, stage: Stage.ID, return back: WebURL) -> WebURL {
        WebURL("/deals/\(id.rawValue)/close", [("stageId", stage.rawValue), ("return", back.path)])
    }
    static func deleteDeal(_ id: Deal.ID) -> WebURL { WebURL("/deals/\(id.rawValue)/delete") }
    static func apiMoveDeal(_ id: Deal.ID) -> WebURL { WebURL("/api/v1/deals/\(id.rawValue)/move") }

    static let tasks = WebURL("/tasks")
    static func tasks(_ query: [(String, String?)]) -> WebURL { WebURL("/tasks", query) }
    static func calendar(_ query: [(String, String?)]) -> WebURL { WebURL("/tasks/calendar", query) }
    static func newTask(_ query: [(String, String?)] = []) -> WebURL { WebURL("/tasks/new", query) }
    static func completeTask(_ id: TaskItem.ID) -> WebURL { WebURL("/tasks/\(id.rawValue)/complete") }
    static let activities = WebURL("/activities")

    static let segments = WebURL("/segments")
    static let newSegment = WebURL("/segments/new")
    static func segment(_ id: Segment.ID) -> WebURL { WebURL("/segments/\(id.rawValue)") }
    static func segmentExport(_ id: Segment.ID, format: String) -> WebURL {
        WebURL("/segments/\(id.rawValue)/export", [("format", format)])
    }
    static func segmentAction(_ id: Segment.ID, _ action: String) -> WebURL { WebURL("/segments/\(id.rawValue)/\(action)") }
    static let orders = WebURL("/orders")
    static let reports = WebURL("/reports")
    static func report(_ name: String, _ query: [(String, String?)] = []) -> WebURL { WebURL("/reports/\(name)", query) }

    static let settings = WebURL("/settings")
    static func settings(_ section: String) -> WebURL { WebURL("/settings/\(section)") }
    static func revokeToken(_ id: String) -> WebURL { WebURL("/settings/revoke-token/\(id)") }

    static func asset(_ name: String, version: String) -> WebURL { WebURL("/assets/\(name)", [("v", version)]) }

    /// A link to a record of any kind.
    static func record(_ ref: RecordRef) -> WebURL? {
        switch ref.kind {
        case .contact: contact(Contact.ID(ref.id))
        case .company: company(Company.ID(ref.id))
        case .deal: deal(Deal.ID(ref.id))
        default: nil
        }
    }
}
