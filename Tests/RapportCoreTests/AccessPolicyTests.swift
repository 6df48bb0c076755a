import Foundation
import RapportCore
import Testing

@Suite("Access policy: roles, scopes, rights, visibility")
struct AccessPolicyTests {
    // MARK: - The expected matrix, written out by hand

    /// Scopes for `[read, create, update, delete]` of the records people work with.
    static let recordMatrix: [Role: [RecordKind: [Scope]]] = {
        let all: [Scope] = [.all, .all, .all, .all]
        let readOnly: [Scope] = [.all, .none, .none, .none]
        return [
            .owner: [.contact: all, .company: all, .deal: all, .task: all, .activity: all, .order: all, .segment: all],
            .admin: [.contact: all, .company: all, .deal: all, .task: all, .activity: all, .order: all, .segment: all],
            .headOfSales: [.contact: all, .company: all, .deal: all, .task: all, .activity: all, .order: all, .segment: all],
            // Reads the team's records, writes their own, except that tasks are shared in the team.
            .salesRep: [
                .contact: [.team, .own, .own, .own],
                .company: [.team, .own, .own, .own],
                .deal: [.team, .own, .own, .own],
                .task: [.team, .team, .team, .own],
                .activity: [.team, .own, .own, .own],
                .order: [.team, .own, .own, .own],
                // Segment definitions are read by everyone; a rep keeps their own.
                .segment: [.all, .own, .own, .own],
            ],
            // Owns the contact base, never touches deals, never deletes contacts or companies.
            .marketer: [
                .contact: [.all, .all, .all, .none],
                .company: [.all, .all, .all, .none],
                .deal: readOnly,
                .task: [.all, .own, .own, .own],
                .activity: [.all, .own, .own, .own],
                .order: readOnly,
                .segment: all,
            ],
            // Corrects contacts and companies, logs its own work, sees only the team's tasks.
            .support: [
                .contact: [.all, .none, .all, .none],
                .company: [.all, .none, .all, .none],
                .deal: readOnly,
                .task: [.team, .own, .own, .own],
                .activity: [.all, .own, .own, .own],
                .order: readOnly,
                .segment: readOnly,
            ],
            .readOnly: [
                .contact: readOnly, .company: readOnly, .deal: readOnly, .task: readOnly, .activity: readOnly, .order: readOnly,
                .segment: readOnly,
            ],
        ]
    }()

    /// Scopes for writing (create, update, delete) settings; everyone may read every setting but others' API tokens.
    static let settingsWriteMatrix: [Role: [RecordKind: Scope]] = {
        let adminOnly: [RecordKind: Scope] = [
            .pipeline: .all, .user: .all, .team: .all, .tag: .all, .customField: .all, .apiToken: .all, .workspace: .all,
            .product: .all, .form: .all,
        ]
        // Everyone else may only manage their own API tokens.
        let others: [RecordKind: Scope] = [
            .pipeline: .none, .user: .none, .team: .none, .tag: .none, .customField: .none, .apiToken: .own,
            .workspace: .none, .product: .none, .form: .none,
        ]
        return [
            .owner: adminOnly, .admin: adminOnly, .headOfSales: others, .salesRep: others, .marketer: others,
            .support: others, .readOnly: others,
        ]
    }()

    static let settingKinds: [RecordKind] = [.pipeline, .user, .team, .tag, .customField, .apiToken, .workspace, .product, .form]
    static let recordKinds: [RecordKind] = [.contact, .company, .deal, .task, .activity, .order, .segment]

    /// The expected scope, from the tables above.
    static func expectedScope(_ role: Role, _ operation: RecordOperation, _ kind: RecordKind) -> Scope {
        if let row = recordMatrix[role]?[kind] {
            let index = RecordOperation.allCases.firstIndex(of: operation)!
            return row[index]
        }
        // API tokens are visible only to their user (and owners/admins), for reading too.
        if kind == .apiToken { return settingsWriteMatrix[role]![kind]! }
        return operation == .read ? .all : settingsWriteMatrix[role]![kind]!
    }

    @Test("The tables cover every kind exactly once")
    func tablesAreComplete() {
        #expect(Set(Self.settingKinds + Self.recordKinds) == Set(RecordKind.allCases))
        #expect(Set(Self.settingKinds).isDisjoint(with: Self.recordKinds))
        #expect(RecordOperation.allCases == [.read, .create, .update, .delete])
        for role in Role.allCases {
            #expect(Set(Self.recordMatrix[role]!.keys) == Set(Self.recordKinds))
            #expect(Set(Self.settingsWriteMatrix[role]!.keys) == Set(Self.settingKinds))
        }
    }

    @Test("Scope of every role × operation × kind", arguments: Role.allCases, RecordKind.allCases)
    func scopeMatrix(_ role: Role, _ kind: RecordKind) {
        for operation in RecordOperation.allCases {
            #expect(
                AccessPolicy.scope(of: role, for: operation, on: kind) == Self.expectedScope(role, operation, kind),
                "\(role) \(operation) \(kind)")
        }
    }

    @Test("Owner, admin and head of sales reach every business record", arguments: [Role.owner, .admin, .headOfSales])
    func fullAccessRoles(_ role: Role) {
        for kind in Self.recordKinds {
            for operation in RecordOperation.allCases {
                #expect(AccessPolicy.scope(of: role, for: operation, on: kind) == .all)
            }
        }
    }

    @Test("Read-only users change nothing but their own API tokens", arguments: RecordKind.allCases)
    func readOnlyChangesNothing(_ kind: RecordKind) {
        for operation in [RecordOperation.create, .update, .delete] {
            let scope = AccessPolicy.scope(of: .readOnly, for: operation, on: kind)
            #expect(scope == (kind == .apiToken ? .own : .none))
        }
        #expect(AccessPolicy.scope(of: .readOnly, for: .read, on: kind) == (kind == .apiToken ? .own : .all))
    }

    // MARK: - allows(actor, operation, kind, ownership)

    static let me = User.ID("user-me")
    static let mate = User.ID("user-mate")
    static let stranger = User.ID("user-stranger")
    static let myTeam = Team.ID("team-north")
    static let otherTeam = Team.ID("team-south")

    /// How the record relates to the actor.
    enum Relation: String, CaseIterable, CustomTestStringConvertible {
        case own, teamMate, otherTeam, unowned, otherWorkspace
        var testDescription: String { rawValue }

        var ownership: Ownership {
            switch self {
            case .own: Ownership(workspaceID: CoreFixture.workspace, ownerID: me, ownerTeamID: myTeam)
            case .teamMate: Ownership(workspaceID: CoreFixture.workspace, ownerID: mate, ownerTeamID: myTeam)
            case .otherTeam:
                Ownership(workspaceID: CoreFixture.workspace, ownerID: stranger, ownerTeamID: AccessPolicyTests.otherTeam)
            case .unowned: Ownership(workspaceID: CoreFixture.workspace, ownerID: nil, ownerTeamID: nil)
            case .otherWorkspace: Ownership(workspaceID: CoreFixture.otherWorkspace, ownerID: me, ownerTeamID: myTeam)
            }
        }

        /// Whether a scope reaches a record of this relation (for an actor in `myTeam`).
        func isReached(by scope: Scope) -> Bool {
            switch (self, scope) {
            case (.otherWorkspace, _), (_, .none): false
            case (_, .all): true
            case (.own, _): true
            case (.teamMate, .team): true
            default: false
            }
        }
    }

    static func actor(_ role: Role, team: Team.ID? = myTeam) -> Actor {
        Actor(userID: me, workspaceID: CoreFixture.workspace, teamID: team, role: role)
    }

    @Test("allows() for every role, operation, kind and ownership", arguments: Role.allCases, Relation.allCases)
    func allowsMatrix(_ role: Role, _ relation: Relation) {
        let actor = Self.actor(role)
        for kind in RecordKind.allCases {
            for operation in RecordOperation.allCases {
                let expected = relation.isReached(by: Self.expectedScope(role, operation, kind))
                #expect(
                    AccessPolicy.allows(actor, operation, kind, relation.ownership) == expected,
                    "\(role) \(operation) \(kind) on \(relation)")
            }
        }
    }

    @Test("A record of another workspace is never reachable, even when its owner id is the actor's", arguments: Role.allCases)
    func otherWorkspaceIsNeverReachable(_ role: Role) {
        let foreign = Ownership(workspaceID: CoreFixture.otherWorkspace, ownerID: Self.me, ownerTeamID: Self.myTeam)
        for kind in RecordKind.allCases {
            for operation in RecordOperation.allCases {
                #expect(!AccessPolicy.allows(Self.actor(role), operation, kind, foreign))
                #expect(!AccessPolicy.allows(Self.actor(role), operation, kind, foreign))
            }
        }
    }

    @Test("A sales rep without a team reaches only their own records")
    func salesRepWithoutTeam() {
        let loner = Self.actor(.salesRep, team: nil)
        let own = Ownership(workspaceID: CoreFixture.workspace, ownerID: Self.me, ownerTeamID: nil)
        let teamless = Ownership(workspaceID: CoreFixture.workspace, ownerID: Self.mate, ownerTeamID: nil)
        let teamed = Ownership(workspaceID: CoreFixture.workspace, ownerID: Self.mate, ownerTeamID: Self.myTeam)
        // Segment definitions are read by everyone (their members are still filtered by visibility).
        for kind in Self.recordKinds where kind != .segment {
            #expect(AccessPolicy.allows(loner, .read, kind, own))
            // A nil team must not match another record's nil team.
            #expect(!AccessPolicy.allows(loner, .read, kind, teamless))
            #expect(!AccessPolicy.allows(loner, .read, kind, teamed))
        }
        #expect(AccessPolicy.allows(loner, .update, .task, own))
        #expect(!AccessPolicy.allows(loner, .update, .task, teamless))
    }

    @Test("Assigning: a sales rep cannot hand a contact to someone else nor create one in another's name")
    func assigning() {
        let rep = Self.actor(.salesRep)
        let toMe = Ownership(workspaceID: CoreFixture.workspace, ownerID: Self.me, ownerTeamID: Self.myTeam)
        let toMate = Ownership(workspaceID: CoreFixture.workspace, ownerID: Self.mate, ownerTeamID: Self.myTeam)
        #expect(AccessPolicy.allows(rep, .create, .contact, toMe))
        #expect(!AccessPolicy.allows(rep, .create, .contact, toMate))
        #expect(!AccessPolicy.allows(rep, .update, .deal, toMate))
        // Tasks are shared in the team, so assigning one to a team mate is fine.
        #expect(AccessPolicy.allows(rep, .create, .task, toMate))
        #expect(AccessPolicy.allows(Self.actor(.headOfSales), .update, .deal, toMate))
    }

    // MARK: - visibility(for:of:)

    static func expectedVisibility(_ scope: Scope, team: Team.ID?) -> Visibility {
        switch scope {
        case .none: .nothing
        case .own: .owned(by: me)
        case .team: team.map { .team($0, orOwnedBy: me) } ?? .owned(by: me)
        case .all: .everything
        }
    }

    @Test("visibility() for every role, kind and operation", arguments: Role.allCases, RecordKind.allCases)
    func visibilityMatrix(_ role: Role, _ kind: RecordKind) {
        for operation in RecordOperation.allCases {
            let expected = Self.expectedVisibility(Self.expectedScope(role, operation, kind), team: Self.myTeam)
            #expect(AccessPolicy.visibility(for: Self.actor(role), of: kind, operation: operation) == expected)
        }
        // The default operation is read.
        #expect(
            AccessPolicy.visibility(for: Self.actor(role), of: kind)
                == Self.expectedVisibility(Self.expectedScope(role, .read, kind), team: Self.myTeam))
    }

    @Test("Concrete visibilities people rely on")
    func visibilityExamples() {
        #expect(AccessPolicy.visibility(for: Self.actor(.salesRep), of: .deal) == .team(Self.myTeam, orOwnedBy: Self.me))
        #expect(AccessPolicy.visibility(for: Self.actor(.salesRep), of: .deal, operation: .update) == .owned(by: Self.me))
        #expect(AccessPolicy.visibility(for: Self.actor(.headOfSales), of: .deal) == .everything)
        #expect(AccessPolicy.visibility(for: Self.actor(.marketer), of: .deal, operation: .delete) == .nothing)
        #expect(AccessPolicy.visibility(for: Self.actor(.support), of: .task) == .team(Self.myTeam, orOwnedBy: Self.me))
    }

    @Test("A sales rep without a team falls back to their own records", arguments: [RecordKind.contact, .deal, .task])
    func visibilityWithoutTeam(_ kind: RecordKind) {
        #expect(AccessPolicy.visibility(for: Self.actor(.salesRep, team: nil), of: kind) == .owned(by: Self.me))
        #expect(
            AccessPolicy.visibility(for: Self.actor(.support, team: nil), of: .task) == .owned(by: Self.me))
    }

    // MARK: - Rights

    static let rights: [Role: Set<Right>] = [
        .owner: [.export, .manageSettings, .manageUsers],
        .admin: [.export, .manageSettings, .manageUsers],
        .headOfSales: [.export],
        .salesRep: [],
        .marketer: [.export],
        .support: [],
        .readOnly: [],
    ]

    @Test("Rights of every role", arguments: Role.allCases)
    func rightsMatrix(_ role: Role) {
        for right in Right.allCases {
            let expected = Self.rights[role]!.contains(right)
            #expect(AccessPolicy.allows(role, right) == expected, "\(role) \(right)")
            #expect(AccessPolicy.allows(Self.actor(role), right) == expected)
        }
    }

    // MARK: - Values

    @Test("Scopes are ordered none < own < team < all")
    func scopeOrder() {
        #expect(Scope.allCases.sorted() == [.none, .own, .team, .all])
        #expect([Scope.all, .none, .team, .own].sorted() == [.none, .own, .team, .all])
        #expect(Scope.own < .team && !(Scope.all < .team) && !(Scope.own < .own))
        #expect(Scope.all.rawValue == "all")
    }

    @Test("Stable raw values of roles, operations and rights")
    func rawValues() {
        #expect(
            Role.allCases.map(\.rawValue) == [
                "owner", "admin", "head_of_sales", "sales_rep", "marketer", "support", "read_only",
            ])
        #expect(Right.allCases.map(\.rawValue) == ["export", "manage_settings", "manage_users"])
        #expect(RecordOperation.allCases.map(\.rawValue) == ["read", "create", "update", "delete"])
    }

    @Test("A user's actor carries their id, workspace, team and role")
    func userActor() {
        let user = User(
            id: Self.me, workspaceID: CoreFixture.workspace, email: "me@example.ru", name: "Me", role: .support,
            teamID: Self.myTeam, isActive: true, locale: nil, createdAt: CoreFixture.now, version: 1)
        #expect(user.actor == Actor(userID: Self.me, workspaceID: CoreFixture.workspace, teamID: Self.myTeam, role: .support))
    }
}
