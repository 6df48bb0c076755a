import RapportStore

extension JobRegistry {
    /// The webhook jobs: `webhooks.dispatch` turns outbox events into deliveries (queued right after each
    /// write, and every minute as a safety net), `webhook.deliver` makes one attempt of one delivery.
    mutating func registerWebhooks(post: @escaping WebhookSender.Post) {
        register(WebhookRepository.dispatchKind) { context in
            while try await context.store.webhooks.dispatch(limit: 200) == 200 {}
        }
        register(WebhookRepository.deliverKind) { context in
            try await WebhookSender(store: context.store, post: post).deliver(context.job)
        }
        schedule(WebhookRepository.dispatchKind, every: 60)
    }
}
