import RapportCore

extension OpenAPIDocument {
    /// Time in stage, lost reasons, forecast, managers, sources, cohorts and CLV.
    static var moreReportOperations: [Operation] {
        [
            Operation(
                method: "get", path: "/api/v1/reports/stage-time", id: "stageTimeReport",
                summary: "Average time in each stage over the visits that ended in the period; open deals older than their stage's norm",
                tag: "Reports", parameters: ["pipelineId", "ownerId", "teamId", "segment", "from", "to", "format"],
                response: "StageTimeReport",
                errors: [400, 401, 422]),
            Operation(
                method: "get", path: "/api/v1/reports/lost-reasons", id: "lostReasonsReport",
                summary: "Deals lost in the period by reason (case and spaces ignored), count and amount", tag: "Reports",
                parameters: ["pipelineId", "ownerId", "teamId", "segment", "from", "to", "format"], response: "LostReasonsReport",
                errors: [400, 401, 422]),
            Operation(
                method: "get", path: "/api/v1/reports/forecast", id: "forecastReport",
                summary: "Open deals by expected close month: count, amount and probability-weighted amount", tag: "Reports",
                parameters: ["pipelineId", "ownerId", "teamId", "segment", "format"], response: "ForecastReport", errors: [400, 401, 422]),
            Operation(
                method: "get", path: "/api/v1/reports/managers", id: "managersReport",
                summary: "Per manager: deals created and won, won revenue (and the previous period's), activities, tasks done and overdue",
                tag: "Reports", parameters: ["pipelineId", "ownerId", "teamId", "segment", "from", "to", "format"],
                response: "ManagersReport", errors: [400, 401, 422]),
            Operation(
                method: "get", path: "/api/v1/reports/sources", id: "sourcesReport",
                summary: "Leads, deals and revenue of the period by source and UTM source, medium and campaign", tag: "Reports",
                parameters: ["pipelineId", "ownerId", "teamId", "segment", "from", "to", "format"], response: "SourcesReport",
                errors: [400, 401, 422]),
            Operation(
                method: "get", path: "/api/v1/reports/cohorts", id: "cohortsReport",
                summary: "Monthly cohorts by first purchase with retention by month", tag: "Reports",
                parameters: ["ownerId", "teamId", "segment", "months", "format"], response: "CohortsReport", errors: [400, 401, 422]),
            Operation(
                method: "get", path: "/api/v1/reports/clv", id: "clvReport",
                summary: "Clients by historic revenue range with the average predicted CLV", tag: "Reports",
                parameters: ["ownerId", "teamId", "segment", "format"], response: "CLVReport", errors: [400, 401, 422]),
        ]
    }

    /// Schemas of those reports.
    static var moreReportSchemas: [String: JSONValue] {
        let period = object(["from": timestamp, "to": timestamp], required: ["from", "to"])
        let download = "With `format=csv|excel|xlsx` the table is downloaded instead."
        let money = "Money in minor units of the workspace currency."
        let forecastMonth = object(
            ["month": nullable("string"), "deals": integer, "amount": integer, "weighted": integer, "learnedWeighted": integer],
            required: ["deals", "amount", "weighted", "learnedWeighted"])
        let stages = array(
            object(
                [
                    "stageId": string, "name": string, "kind": enumeration(StageKind.self), "visits": integer,
                    "averageHours": nullable("number"), "rottingDays": nullable("integer"), "staleDeals": integer,
                ], required: ["stageId", "name", "kind", "visits", "staleDeals"]))
        let lost: [String: JSONValue] = [
            "period": period, "deals": integer, "amount": integer,
            "reasons": array(
                object(
                    ["reason": nullable("string"), "deals": integer, "amount": integer, "share": integer],
                    required: ["deals", "amount", "share"])),
        ]
        let sources: [String: JSONValue] = [
            "period": period,
            "data": array(
                object(
                    [
                        "source": nullable("string"), "utmSource": nullable("string"), "utmMedium": nullable("string"),
                        "utmCampaign": nullable("string"), "leads": integer, "deals": integer, "orders": integer,
                        "revenue": integer,
                    ], required: ["leads", "deals", "orders", "revenue"])),
        ]
        return [
            "StageTimeReport": object(
                [
                    "period": period, "pipelineId": string, "stages": stages,
                    "previous": object(["period": period, "stages": stages], required: ["period", "stages"]),
                    "staleDeals": array(
                        object(
                            ["id": string, "title": string, "stageId": string, "daysInStage": integer],
                            required: ["id", "title", "stageId", "daysInStage"])),
                ], required: ["period", "pipelineId", "stages", "staleDeals", "previous"],
                description: """
                    Per stage: visits that ended in the period and their average length in hours (one decimal); open deals \
                    in it now for more than its `rottingDays` norm. `staleDeals` lists the \(StageTimeReport.staleListLimit) \
                    stalest. `previous` has the visits of the period of the same length before. \(download)
                    """),
            "LostReasonsReport": object(
                lost.merging(["previous": object(lost, required: ["period", "deals", "amount", "reasons"])]) { first, _ in first },
                required: ["period", "deals", "amount", "reasons", "previous"],
                description: """
                    Most deals first; `share` is the percent of the period's lost deals; `previous` is the period of the same \
                    length before. \(money) \(download)
                    """),
            "ForecastReport": object(
                ["currency": string, "months": array(forecastMonth), "total": forecastMonth],
                required: ["currency", "months", "total"],
                description: """
                    Open deals in the workspace currency by expected close month (`YYYY-MM`, calendar order; `null` for \
                    deals without a date, last). `weighted` sums each deal's amount × probability ÷ 100, rounded half away \
                    from zero. \(money) \(download)
                    """),
            "ManagersReport": object(
                [
                    "period": period, "previous": period,
                    "data": array(
                        object(
                            [
                                "userId": string, "name": string, "dealsCreated": integer, "dealsWon": integer, "wonRevenue": integer,
                                "previousWonRevenue": integer, "activities": integer, "tasksDone": integer, "tasksOverdue": integer,
                            ],
                            required: [
                                "userId", "name", "dealsCreated", "dealsWon", "wonRevenue", "previousWonRevenue", "activities",
                                "tasksDone", "tasksOverdue",
                            ])),
                ], required: ["period", "previous", "data"],
                description: """
                    The managers whose deals the caller may see, the larger won revenue first. Activities exclude system \
                    entries; overdue tasks are open with their due time passed, now. \(money) \(download)
                    """),
            "SourcesReport": object(
                sources.merging(["previous": object(sources, required: ["period", "data"])]) { first, _ in first },
                required: ["period", "data", "previous"],
                description: """
                    Leads are contacts created in the period (by the contact's origin), deals are deals created (by the \
                    deal's), revenue is counted orders placed (by the order's own). A missing `source` is no recorded \
                    source (the download shows "(none)"). `previous` is the period of the same length before. \(money) \(download)
                    """),
            "CohortsReport": object(
                [
                    "months": integer,
                    "cohorts": array(
                        object(
                            [
                                "month": string, "start": timestamp, "customers": integer,
                                "retention": array(
                                    object(
                                        ["offset": integer, "customers": integer, "percent": integer],
                                        required: ["offset", "customers", "percent"])),
                            ], required: ["month", "start", "customers", "retention"])),
                ], required: ["months", "cohorts"],
                description: """
                    The last `months` months (the current one included, workspace time zone), oldest first. A cohort is the \
                    clients whose first counted order fell in its month; `retention[k]` counts those who bought k months \
                    later, up to the current month. \(download)
                    """),
            "CLVReport": object(
                [
                    "customers": integer, "revenue": integer, "averagePredictedClv": nullable("integer"),
                    "buckets": array(
                        object(
                            [
                                "from": integer, "to": nullable("integer"), "customers": integer, "revenue": integer,
                                "averagePredictedClv": nullable("integer"),
                            ], required: ["from", "customers", "revenue"])),
                ], required: ["customers", "revenue", "buckets"],
                description: """
                    Clients with orders by historic revenue, `from` included and `to` excluded (0, 1 000, 5 000, 20 000, \
                    100 000 and up in major units); the predicted CLV is the historic revenue plus three years of buying \
                    as before. \(money) \(download)
                    """),
        ]
    }
}
