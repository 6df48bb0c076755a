import RapportStore

extension JobRegistry {
    /// The webhook jobs: `webhooks.dispatch` turns outbox events into deliveries (queued right after each
    /// write, and every minute as a safety net), `webhook.deliver` makes one attempt of one delivery,
    /// `webhooks.prune` drops the outbox and the delivery log after 30 days.
    mutating func registerWebhooks(post: @escaping WebhookSender.Post, resolver: HostResolver) {
        register(WebhookRepository.dispatchKind) { context in
            while try await context.store.webhooks.dispatch(limit: 200) == 200 {}
        }
        register(WebhookRepository.deliverKind) { context in
            let webhooks = WebhookRepository(context: context.store.context, resolver: resolver)
            try await WebhookSender(store: context.store, webhooks: webhooks, post: post).deliver(context.job)
        }
        register("webhooks.prune") { context in
            try await context.store.webhooks.prune(olderThan: 30 * 86_400)
        }
        schedule(WebhookRepository.dispatchKind, every: 60)
        schedule("webhooks.prune", every: 3600)
    }
}
