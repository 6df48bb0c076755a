public import Foundation

/// A list request: filters, search, sort and page, as understood by every list endpoint. Each resource
/// honours the filters that make sense for it (``Filters`` documents which).
public struct ListQuery: Sendable, Hashable {
    /// Page size, 1...``PageSize/maximum``.
    public var limit: Int
    /// The opaque cursor of the previous page's end.
    public var cursor: String?
    /// The sort, `field` or `-field`; nil for the resource's default.
    public var sort: String?
    /// Free-text search inside the list.
    public var search: String?
    /// Filters.
    public var filters: Filters
    /// List the trash (deleted records) instead of live records.
    public var trash: Bool

    /// A first page with the default sort and no filters.
    public init(
        limit: Int = PageSize.default, cursor: String? = nil, sort: String? = nil, search: String? = nil,
        filters: Filters = Filters(), trash: Bool = false
    ) {
        self.limit = limit
        self.cursor = cursor
        self.sort = sort
        self.search = search
        self.filters = filters
        self.trash = trash
    }

    /// List filters. All given filters must hold.
    public struct Filters: Sendable, Hashable {
        /// Owner (contacts, companies, deals) or assignee (tasks).
        public var ownerID: User.ID?
        /// Owner's team.
        public var teamID: Team.ID?
        /// Has this tag (by name).
        public var tag: String?
        /// Deals in this stage.
        public var stageID: Stage.ID?
        /// Deals in this pipeline.
        public var pipelineID: Pipeline.ID?
        /// Deal status.
        public var status: DealStatus?
        /// City (case- and ё-insensitive exact match).
        public var city: String?
        /// Readiness of contacts.
        public var readiness: Readiness?
        /// Lifecycle of contacts.
        public var lifecycle: Lifecycle?
        /// Linked to this company (contacts, deals, activities).
        public var companyID: Company.ID?
        /// Linked to this contact (deals, activities).
        public var contactID: Contact.ID?
        /// Linked to this deal (activities, tasks).
        public var dealID: Deal.ID?
        /// Created at or after.
        public var createdFrom: Date?
        /// Created before.
        public var createdTo: Date?
        /// Updated at or after.
        public var updatedFrom: Date?
        /// Updated before.
        public var updatedTo: Date?
        /// Tasks due at or after.
        public var dueFrom: Date?
        /// Tasks due before.
        public var dueTo: Date?
        /// Tasks done (true) or open (false).
        public var done: Bool?
        /// Activity kind or task kind (raw value).
        public var kind: String?
        /// Orders in this status.
        public var orderStatus: OrderStatus?
        /// Members of this segment (contacts and companies).
        public var segmentID: Segment.ID?
        /// Custom field equality filters: key → value (for multi-select: contains).
        public var customFields: [String: String]

        /// No filters.
        public init() { customFields = [:] }
    }
}
