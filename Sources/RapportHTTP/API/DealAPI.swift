import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// `/api/v1/deals` and `/api/v1/pipelines`: the sales pipeline.
struct DealAPI {
    let handlers: Handlers
    var store: Store { handlers.store }

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("deals") { request, context in
            let page = try await store.deals.list(try Handlers.listQuery(request), by: try context.requireActor())
            return Handlers.json(ListResponse(page, DealBody.init))
        }
        group.post("deals") { request, context in
            try await handlers.create(request, context) { body in
                var body = body
                let input = body.dealInput()
                try body.finish()
                return DealBody(try await store.deals.create(input, by: try context.requireActor()))
            }
        }
        group.get("deals/{id}") { _, context in
            try Handlers.json(DealBody(try await store.deals.get(try Handlers.id(context), by: try context.requireActor())))
        }
        group.patch("deals/{id}") { request, context in
            let actor = try context.requireActor()
            let id: Deal.ID = try Handlers.id(context)
            var body = try await BodyReader.read(request, context: context)
            let version = body.version()
            let input = body.dealInput()
            try body.finish()
            let deal = try await withCurrentOnConflict(current: { DealBody(try await store.deals.get(id, by: actor)) }) {
                try await store.deals.update(id, input, expectedVersion: version ?? 0, by: actor)
            }
            return try Handlers.json(DealBody(deal))
        }
        group.delete("deals/{id}") { _, context in
            try Handlers.json(DealBody(try await store.deals.delete(try Handlers.id(context), by: try context.requireActor())))
        }
        group.post("deals/{id}/restore") { _, context in
            try Handlers.json(DealBody(try await store.deals.restore(try Handlers.id(context), by: try context.requireActor())))
        }
        group.post("deals/{id}/move") { request, context in
            let actor = try context.requireActor()
            let id: Deal.ID = try Handlers.id(context)
            var body = try await BodyReader.read(request, context: context)
            let stage: Stage.ID? = body.id("stageId")
            let pipeline: Pipeline.ID? = body.id("pipelineId")
            let reason = body.string("lostReason")
            let version = body.int64("version")
            if stage == nil { body.issues.add("stageId", .required) }
            try body.finish()
            let deal = try await withCurrentOnConflict(current: { DealBody(try await store.deals.get(id, by: actor)) }) {
                try await store.deals.move(
                    id, to: stage ?? Stage.ID(""), pipelineID: pipeline, lostReason: reason, expectedVersion: version, by: actor)
            }
            return try Handlers.json(DealBody(deal))
        }
        group.get("deals/{id}/stage-history") { _, context in
            let visits = try await store.deals.history(try Handlers.id(context), by: try context.requireActor())
            return try Handlers.json(ListResponse(data: visits.map(StageVisitBody.init), nextCursor: nil))
        }
        group.get("deals/{id}/timeline") { request, context in
            try await TimelineAPI.respond(store: store, kind: .deal, request: request, context: context)
        }

        group.get("pipelines") { _, context in
            let pipelines = try await store.pipelines.list(by: try context.requireActor())
            return try Handlers.json(ListResponse(data: pipelines.map(PipelineBody.init), nextCursor: nil))
        }
        group.post("pipelines") { request, context in
            try await handlers.create(request, context) { body in
                var body = body
                let name = body.string("name")
                let stages = body.stageInputs() ?? []
                if !body.has("stages") { body.issues.add("stages", .required) }
                try body.finish()
                return PipelineBody(try await store.pipelines.create(name: name, stages: stages, by: try context.requireActor()))
            }
        }
        group.get("pipelines/{id}") { _, context in
            try Handlers.json(PipelineBody(try await store.pipelines.get(try Handlers.id(context), by: try context.requireActor())))
        }
        group.patch("pipelines/{id}") { request, context in
            let actor = try context.requireActor()
            let id: Pipeline.ID = try Handlers.id(context)
            var body = try await BodyReader.read(request, context: context)
            let version = body.version()
            let name = body.string("name")
            let stages = body.stageInputs()
            try body.finish()
            let pipeline = try await withCurrentOnConflict(current: { PipelineBody(try await store.pipelines.get(id, by: actor)) }) {
                try await store.pipelines.update(id, name: name, stages: stages, expectedVersion: version ?? 0, by: actor)
            }
            return try Handlers.json(PipelineBody(pipeline))
        }
    }
}

extension BodyReader {
    mutating func stageInputs() -> [StageInput]? {
        objectArray("stages") { reader -> StageInput? in
            let name = reader.string("name")
            let kind: StageKind? = reader.enumValue("kind")
            if name == nil { reader.issues.add(reader.name("name"), .required) }
            if kind == nil, !reader.has("kind") { reader.issues.add(reader.name("kind"), .required) }
            guard let name, let kind else { return nil }
            return StageInput(
                id: reader.id("id"), name: name, kind: kind, probability: reader.int("probability"), rottingDays: reader.int("rottingDays"))
        }
    }
}

/// `/api/v1/activities` and `/api/v1/tasks`.
struct WorkAPI {
    let handlers: Handlers
    var store: Store { handlers.store }

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("activities") { request, context in
            let page = try await store.activities.list(try Handlers.listQuery(request), by: try context.requireActor())
            return try Handlers.json(ListResponse(page, ActivityBody.init))
        }
        group.post("activities") { request, context in
            try await handlers.create(request, context) { body in
                var body = body
                let input = body.activityInput()
                try body.finish()
                return ActivityBody(try await store.activities.create(input, by: try context.requireActor()))
            }
        }
        group.get("activities/{id}") { _, context in
            try Handlers.json(ActivityBody(try await store.activities.get(try Handlers.id(context), by: try context.requireActor())))
        }
        group.patch("activities/{id}") { request, context in
            let actor = try context.requireActor()
            let id: Activity.ID = try Handlers.id(context)
            var body = try await BodyReader.read(request, context: context)
            let version = body.version()
            let input = body.activityInput()
            try body.finish()
            let activity = try await withCurrentOnConflict(current: { ActivityBody(try await store.activities.get(id, by: actor)) }) {
                try await store.activities.update(id, input, expectedVersion: version ?? 0, by: actor)
            }
            return try Handlers.json(ActivityBody(activity))
        }
        group.delete("activities/{id}") { _, context in
            try Handlers.json(ActivityBody(try await store.activities.delete(try Handlers.id(context), by: try context.requireActor())))
        }
        group.post("activities/{id}/restore") { _, context in
            try Handlers.json(ActivityBody(try await store.activities.restore(try Handlers.id(context), by: try context.requireActor())))
        }

        group.get("tasks") { request, context in
            let page = try await store.tasks.list(try Handlers.listQuery(request), by: try context.requireActor())
            return try Handlers.json(ListResponse(page, TaskBody.init))
        }
        group.post("tasks") { request, context in
            try await handlers.create(request, context) { body in
                var body = body
                let input = body.taskInput()
                try body.finish()
                return TaskBody(try await store.tasks.create(input, by: try context.requireActor()))
            }
        }
        group.get("tasks/{id}") { _, context in
            try Handlers.json(TaskBody(try await store.tasks.get(try Handlers.id(context), by: try context.requireActor())))
        }
        group.patch("tasks/{id}") { request, context in
            let actor = try context.requireActor()
            let id: TaskItem.ID = try Handlers.id(context)
            var body = try await BodyReader.read(request, context: context)
            let version = body.version()
            let input = body.taskInput()
            try body.finish()
            let task = try await withCurrentOnConflict(current: { TaskBody(try await store.tasks.get(id, by: actor)) }) {
                try await store.tasks.update(id, input, expectedVersion: version ?? 0, by: actor)
            }
            return try Handlers.json(TaskBody(task))
        }
        group.delete("tasks/{id}") { _, context in
            try Handlers.json(TaskBody(try await store.tasks.delete(try Handlers.id(context), by: try context.requireActor())))
        }
        group.post("tasks/{id}/restore") { _, context in
            try Handlers.json(TaskBody(try await store.tasks.restore(try Handlers.id(context), by: try context.requireActor())))
        }
    }
}
