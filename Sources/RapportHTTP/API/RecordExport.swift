import Foundation
import Hummingbird
import RapportCore
import RapportStore

/// Downloads of the company and deal lists (their filters, search, segment and sort), from the API and the
/// pages alike: CSV, CSV for Russian Excel or XLSX. Contacts have their own (``ContactExport``), which adds
/// vCard and the purchase standing.
enum RecordExport {
    static func companies(store: Store, actor: Actor, t: Lang, list: ListQuery, request: Request) async throws -> Response {
        let format = try tableFormat(request)
        let companies = try await store.companies.export(list, by: actor)
        let users = try await store.users.list(by: actor)
        return ExportFormat.download(companyTable(companies, users: users, t: t), format: format)
    }

    static func deals(store: Store, actor: Actor, t: Lang, format formatting: Formatting, list: ListQuery, request: Request) async throws
        -> Response
    {
        let format = try tableFormat(request)
        return ExportFormat.download(try await dealTable(store: store, actor: actor, t: t, format: formatting, list: list), format: format)
    }

    /// The deals of a list as a table, with their pipeline, stage, company and owner by name.
    static func dealTable(store: Store, actor: Actor, t: Lang, format: Formatting, list: ListQuery) async throws -> Table {
        let deals = try await store.deals.export(list, by: actor)
        let users = try await store.users.list(by: actor)
        let pipelines = try await store.pipelines.list(by: actor)
        let refs = deals.compactMap { $0.companyID.map { RecordRef(kind: .company, id: $0.rawValue) } }
        let companies = try await store.search.titles(of: refs, by: actor)
        return dealTable(deals, users: users, pipelines: pipelines, companies: companies, t: t, format: format)
    }

    /// `format` of the request: a table format (XLSX when none is given).
    static func tableFormat(_ request: Request) throws -> ExportFormat {
        let text = FormData.query(request)["format"] ?? "xlsx"
        guard let format = ExportFormat(rawValue: text) else {
            throw ValidationError("format", .invalidOption, ["options": ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")])
        }
        return format
    }

    static func companyTable(_ companies: [Company], users: [User], t: Lang) -> Table {
        Table(
            title: t("Companies", "Компании"),
            columns: [
                t("Name", "Название"), t("INN", "ИНН"), t("KPP", "КПП"), t("Industry", "Отрасль"), t("Website", "Сайт"),
                t("Phone", "Телефон"), "E-mail", t("City", "Город"), t("Owner", "Ответственный"), t("Tags", "Теги"),
                t("Source", "Источник"),
            ],
            rows: companies.map { company in
                [
                    .text(company.name), .text(company.inn ?? ""), .text(company.kpp ?? ""), .text(company.industry ?? ""),
                    .text(company.website ?? ""), .text(company.phones.map { $0.number.e164 ?? $0.number.raw }.joined(separator: ", ")),
                    .text(company.emails.map(\.address).joined(separator: ", ")), .text(company.city ?? ""),
                    .text(users.name(of: company.ownerID) ?? ""), .text(company.tags.joined(separator: ", ")),
                    .text(company.source.source ?? ""),
                ]
            })
    }

    static func dealTable(
        _ deals: [Deal], users: [User], pipelines: [Pipeline], companies: [RecordRef: String], t: Lang, format: Formatting
    ) -> Table {
        let pipelineNames = Dictionary(pipelines.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let stageNames = Dictionary(pipelines.flatMap(\.stages).map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        return Table(
            title: t("Deals", "Сделки"),
            columns: [
                t("Title", "Название"), t("Amount", "Сумма"), t("Currency", "Валюта"), t("Pipeline", "Воронка"), t("Stage", "Этап"),
                t("Status", "Статус"), t("Probability, %", "Вероятность, %"), t("Expected close", "Ожидаемое закрытие"),
                t("Company", "Компания"), t("Owner", "Ответственный"), t("Lost reason", "Причина проигрыша"), t("Created", "Создана"),
                t("Closed", "Закрыта"), t("Source", "Источник"), "utm_source", "utm_medium", "utm_campaign",
            ],
            rows: deals.map { deal in
                [
                    .text(deal.title), .decimal(deal.amount.amount, fractionDigits: 2), .text(deal.amount.currency.rawValue),
                    .text(pipelineNames[deal.pipelineID] ?? ""), .text(stageNames[deal.stageID] ?? ""), .text(t.label(deal.status)),
                    .integer(Int64(deal.probability)), deal.expectedCloseDate.map(TableCell.date) ?? .empty,
                    .text(deal.companyID.flatMap { companies[RecordRef(kind: .company, id: $0.rawValue)] } ?? ""),
                    .text(users.name(of: deal.ownerID) ?? ""), .text(deal.lostReason ?? ""), .date(format.localDate(deal.createdAt)),
                    deal.closedAt.map { .date(format.localDate($0)) } ?? .empty, .text(deal.source.source ?? ""),
                    .text(deal.source.utmSource ?? ""), .text(deal.source.utmMedium ?? ""), .text(deal.source.utmCampaign ?? ""),
                ]
            })
    }
}

/// The "Export" menu of a list page: one link per format to the list's download with the list's own query
/// (filters, search, segment, sort), shown to those with the export right.
enum ExportMenu {
    static func render(_ viewer: Viewer, path: String, query: FormData, vcard: Bool = false) -> HTML {
        guard AccessPolicy.allows(viewer.actor, .export) else { return .empty }
        let t = viewer.t
        var formats = [("xlsx", "XLSX"), ("excel", t("CSV for Excel", "CSV для Excel")), ("csv", "CSV (UTF-8)")]
        if vcard { formats.append(("vcard", "vCard")) }
        let kept = query.pairs.filter { $0.name != "cursor" && $0.name != "cols" && $0.name != "format" }.map { ($0.name, $0.value) }
        let links: [HTML] = formats.map { format, label in
            "<a href=\"\(WebURL(path, kept + [("format", format)]))\" download>\(label)</a>"
        }
        return """
            <details class="menu-export"><summary class="button">\(t("Export", "Экспорт"))</summary><div class="export-links">\(links)</div></details>
            """
    }
}
