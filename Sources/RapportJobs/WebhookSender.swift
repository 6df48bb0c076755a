import AsyncHTTPClient
import Foundation
import NIOCore
public import RapportCore
public import RapportStore

/// Sends webhook deliveries: the work of the `webhook.deliver` job. Each run is one attempt: check the
/// target again (it may now resolve somewhere private), sign the stored body with the current time, POST
/// it to the address the check passed, and record the attempt. A failure throws, so the job queue retries it with its backoff until
/// ``WebhookRules/maximumAttempts``; the delivery log shows every attempt and when the next is due.
public struct WebhookSender: Sendable {
    /// One HTTP POST: URL, the address to connect to (the URL's host still names the server for `Host` and
    /// TLS), headers, body, timeout → status and the start of the response body.
    public typealias Post =
        @Sendable (_ url: String, _ address: IPAddress, _ headers: [(String, String)], _ body: [UInt8], _ timeout: Duration)
        async throws -> (status: Int, body: String)

    let store: Store
    let webhooks: WebhookRepository
    let post: Post

    /// Makes a sender.
    /// - Parameters:
    ///   - webhooks: the deliveries and the check of their targets (the store's unless a test resolves hosts
    ///     its own way).
    ///   - post: the HTTP client (``live`` unless a test says otherwise).
    public init(store: Store, webhooks: WebhookRepository? = nil, post: @escaping Post = WebhookSender.live) {
        self.store = store
        self.webhooks = webhooks ?? store.webhooks
        self.post = post
    }

    /// Why an attempt failed, for the job's retry.
    struct AttemptFailed: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs one attempt of the delivery a `webhook.deliver` job names.
    public func deliver(_ job: Job) async throws {
        guard case .object(let payload) = job.payload, case .string(let raw)? = payload["deliveryId"] else { return }
        let id = WebhookDelivery.ID(raw)
        guard let sending = try await webhooks.sending(id) else { return }
        let (delivery, webhook, secret) = (sending.delivery, sending.webhook, sending.secret)
        guard delivery.status == .pending else { return }
        guard webhook.isActive || delivery.event == .ping else {
            try await webhooks.abandon(id, reason: "the webhook is paused")
            return
        }
        let now = store.context.effects.now()
        let started = ContinuousClock.now
        let address: IPAddress
        switch await webhooks.deliveryTarget(webhook) {
        case .address(let checked): address = checked
        case .refused(let refusal):
            // A refused target is not retried: it will not become public by waiting.
            try await webhooks.recordAttempt(
                id, at: now, responseCode: nil, responseExcerpt: nil, error: refusal, duration: .zero, outcome: .failed)
            return
        }
        let body = Array(delivery.payload.utf8)
        let timestamp = Int64(now.timeIntervalSince1970)
        let headers = [
            ("Content-Type", "application/json"), ("User-Agent", "Rapport-Webhooks/1"),
            (WebhookSignature.header, WebhookSigner.header(secret: secret, timestamp: timestamp, body: body)),
            (WebhookSignature.eventHeader, delivery.eventID), (WebhookSignature.eventNameHeader, delivery.event.rawValue),
            ("Rapport-Delivery-Id", delivery.id.rawValue),
        ]
        var code: Int?
        var excerpt: String?
        var failure: String?
        do {
            let response = try await post(webhook.url, address, headers, body, .seconds(WebhookRules.timeoutSeconds))
            code = response.status
            excerpt = String(response.body.prefix(WebhookRules.excerptLength))
            if !(200..<300).contains(response.status) { failure = "HTTP \(response.status)" }
        } catch {
            failure = String("\(error)".prefix(500))
        }
        let outcome = WebhookRules.outcome(responseCode: code, attempt: job.attempts, maximumAttempts: job.maximumAttempts, now: now)
        try await webhooks.recordAttempt(
            id, at: now, responseCode: code, responseExcerpt: excerpt, error: failure, duration: ContinuousClock.now - started,
            outcome: outcome)
        if let failure { throw AttemptFailed(description: failure) }
    }

    /// A POST through async-http-client with redirects refused (a redirect could lead to a private
    /// address the check never saw), the given timeout, and the connection made to the checked address: the
    /// URL's host is not looked up again. `Host` and the TLS server name and certificate stay the host's.
    public static let live: Post = { url, address, headers, body, timeout in
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5)))
        configuration.decompression = .disabled
        if let host = URL(string: url)?.host, IPAddress(host) == nil {
            for name in [host, host.lowercased()] { configuration.dnsOverride[name] = address.description }
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
            // Only the start of the answer is logged; a body too big to read does not undo a 2xx.
            let collected = (try? await response.body.collect(upTo: 1 << 20)) ?? ByteBuffer()
            try await client.shutdown()
            return (Int(response.status.code), String(buffer: collected))
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
