import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// `/api/v1/forms`: the builder's CRUD and the submissions list (the settings right), and the public
/// JSON submission endpoint for sites that post leads from their backend.
struct FormAPI {
    let handlers: Handlers
    var store: Store { handlers.store }

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("forms") { _, context in
            let forms = try await store.forms.list(by: try context.requireActor())
            return try Handlers.json(ListResponse(data: forms.map(FormBody.init), nextCursor: nil))
        }
        group.post("forms") { request, context in
            try await handlers.create(request, context) { body in
                var body = body
                let input = Self.input(&body)
                try body.finish()
                return FormBody(try await store.forms.create(input, by: try context.requireActor()))
            }
        }
        group.get("forms/{id}") { _, context in
            try Handlers.json(FormBody(try await store.forms.get(try Handlers.id(context), by: try context.requireActor())))
        }
        group.patch("forms/{id}") { request, context in
            let actor = try context.requireActor()
            let id: WebForm.ID = try Handlers.id(context)
            var body = try await BodyReader.read(request, context: context)
            let version = body.version()
            let input = Self.input(&body)
            try body.finish()
            let form = try await withCurrentOnConflict(current: { FormBody(try await store.forms.get(id, by: actor)) }) {
                try await store.forms.update(id, input, expectedVersion: version ?? 0, by: actor)
            }
            return try Handlers.json(FormBody(form))
        }
        group.delete("forms/{id}") { _, context in
            try await store.forms.delete(try Handlers.id(context), by: try context.requireActor())
            return Handlers.noContent
        }
        group.get("forms/{id}/submissions") { request, context in
            let page = try await store.forms.submissions(
                try Handlers.id(context), try Handlers.listQuery(request), by: try context.requireActor())
            return try Handlers.json(ListResponse(page, FormSubmissionBody.init))
        }
    }

    /// The public endpoint: no session, the form (and its workspace) found by its public key.
    func registerPublic(on group: RouterGroup<AppRequestContext>) {
        group.post("forms/{id}/submissions") { request, context in
            guard let key = context.parameters.get("id") else { throw APIError.notFound }
            var body = try await BodyReader.read(request, context: context)
            var values: [String: String] = [:]
            for (name, value) in body.jsonObject("fields") ?? [:] {
                switch value {
                case .string(let text): values[name] = text
                case .bool(true): values[name] = "on"
                case .int(let number): values[name] = String(number)
                case .double(let number): values[name] = String(number)
                default: continue
                }
            }
            if !body.has("fields") { body.issues.add("fields", .required) }
            let landing = body.string("landingPage")
            let referrer = body.string("referrer")
            try body.finish()
            let post = FormPost(values: values, landingPage: landing, referrer: referrer, clientAddress: context.clientAddress)
            let (_, submission) = try await Self.submit(store, key: key, post)
            return try Handlers.json(SubmissionReceipt(accepted: true, submissionId: submission?.id.rawValue), status: .created)
        }
    }

    /// Submits, turning the rate limit into the API's 429.
    static func submit(_ store: Store, key: String, _ post: FormPost) async throws -> (WebForm, FormSubmission?) {
        do {
            return try await store.forms.submit(key: key, post)
        } catch FormPostError.rateLimited(let retryAfter) {
            throw APIError.rateLimited(retryAfter: retryAfter)
        }
    }

    static func input(_ body: inout BodyReader) -> WebFormInput {
        var input = WebFormInput()
        input.name = body.string("name")
        input.fields = body.objectArray("fields") { field in
            let target = field.string("target")
            if target == nil { field.issues.add(field.name("target"), .required) }
            let type: FormFieldType? = field.enumValue("type")
            return FormField(
                target: target ?? "", labelRU: field.string("labelRu"), labelEN: field.string("labelEn"),
                required: field.bool("required") ?? false, type: type)
        }
        input.consentText = body.editString("consentText")
        input.createsDeal = body.bool("createsDeal")
        input.pipelineID = body.editID("pipelineId")
        input.stageID = body.editID("stageId")
        input.createsTask = body.bool("createsTask")
        input.ownerIDs = body.stringArray("ownerIds")?.map(User.ID.init(rawValue:))
        input.isActive = body.bool("active")
        input.thankYouText = body.editString("thankYouText")
        input.redirectURL = body.editString("redirectUrl")
        return input
    }
}

struct FormFieldBody: Encodable, Sendable {
    var target: String
    var labelRu: String?
    var labelEn: String?
    var required: Bool
    var type: String
}

struct FormBody: Encodable, Sendable {
    var id: String
    var name: String
    var publicKey: String
    var hostedPath: String
    var embedPath: String
    var fields: [FormFieldBody]
    var consentText: String?
    var createsDeal: Bool
    var pipelineId: String?
    var stageId: String?
    var createsTask: Bool
    var ownerIds: [String]
    var active: Bool
    var thankYouText: String?
    var redirectUrl: String?
    var createdAt: Date
    var updatedAt: Date
    var version: Int64

    init(_ f: WebForm) {
        id = f.id.rawValue
        name = f.name
        publicKey = f.publicKey
        hostedPath = WebURL.publicForm(key: f.publicKey).path
        embedPath = WebURL.publicForm(key: f.publicKey, "embed.js").path
        fields = f.fields.map {
            FormFieldBody(target: $0.target, labelRu: $0.labelRU, labelEn: $0.labelEN, required: $0.required, type: $0.type.rawValue)
        }
        consentText = f.consentText
        createsDeal = f.createsDeal
        pipelineId = f.pipelineID?.rawValue
        stageId = f.stageID?.rawValue
        createsTask = f.createsTask
        ownerIds = f.ownerIDs.map(\.rawValue)
        active = f.isActive
        thankYouText = f.thankYouText
        redirectUrl = f.redirectURL
        createdAt = f.createdAt
        updatedAt = f.updatedAt
        version = f.version
    }
}

struct FormSubmissionBody: Encodable, Sendable {
    var id: String
    var formId: String
    var contactId: String?
    var contactCreated: Bool
    var dealId: String?
    var taskId: String?
    var payload: [String: String]
    var source: SourceBody
    var ip: String?
    var createdAt: Date

    init(_ s: FormSubmission) {
        id = s.id.rawValue
        formId = s.formID.rawValue
        contactId = s.contactID?.rawValue
        contactCreated = s.contactCreated
        dealId = s.dealID?.rawValue
        taskId = s.taskID?.rawValue
        payload = s.payload
        source = SourceBody(s.source)
        ip = s.ip
        createdAt = s.createdAt
    }
}

struct SubmissionReceipt: Encodable, Sendable {
    var accepted: Bool
    var submissionId: String?
}
