"""Who listens to what: every consumer queue of the platform, declared up front.

Declaring every queue before anything is published means no event is ever dropped for want of a
queue, even when a consumer service has never run yet. Each queue is a durable quorum queue: a
message that keeps failing is dead-lettered after DELIVERY_LIMIT redeliveries instead of blocking
its queue forever, and an operator can inspect and replay it from DEAD_LETTER_QUEUE.
"""

from dataclasses import dataclass

from kombu import Exchange, Queue

from aufbruch.contracts.events import CATALOG

DELIVERY_LIMIT = 5
DEAD_LETTER_EXCHANGE = "aufbruch.dead-letter"
DEAD_LETTER_QUEUE = "aufbruch.dead-letters"

SUBSCRIPTIONS = {
    "moderation": ("idea.submitted", "idea.published", "comment.submitted", "comment.posted"),
    "ideas": ("moderation.decided", "idea.hidden", "idea.unhidden"),
    "notifications": (
        "idea.submitted",
        "idea.published",
        "idea.rejected",
        "idea.hidden",
        "idea.unhidden",
        "idea.status_changed",
        "moderation.review_requested",
        "moderation.decided",
    ),
    "reporting": (
        "idea.submitted",
        "idea.published",
        "idea.rejected",
        "moderation.decided",
        "idea.hidden",
        "idea.unhidden",
        "notification.sent",
        "notification.failed",
        "idea.status_changed",
    ),
    # Participation learns which ideas are published (and hidden) and what moderation made of comments.
    "participation": (
        "idea.submitted",
        "idea.published",
        "idea.rejected",
        "idea.hidden",
        "idea.unhidden",
        "comment.moderated",
        "comment.hidden",
        "comment.unhidden",
    ),
    # Webhooks forwards every public event to the endpoints registered for it.
    "webhooks": tuple(CATALOG),
}


def event_exchange(producer: str) -> Exchange:
    # Same declaration as Nameko's own, so that either side may declare it first.
    return Exchange(f"{producer}.events", type="topic", durable=True, auto_delete=False, delivery_mode=2)


@dataclass(frozen=True)
class Subscription:
    consumer: str
    event_type: str

    @property
    def queue_name(self) -> str:
        return f"{self.consumer}--{self.event_type}"

    def queue(self) -> Queue:
        return Queue(
            self.queue_name,
            exchange=event_exchange(CATALOG[self.event_type].producer),
            routing_key=self.event_type,
            durable=True,
            queue_arguments={
                "x-queue-type": "quorum",
                "x-delivery-limit": DELIVERY_LIMIT,
                "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
            },
        )


def subscription(consumer: str, event_type: str) -> Subscription:
    if event_type not in SUBSCRIPTIONS.get(consumer, ()):
        raise LookupError(f"{consumer} does not subscribe to {event_type}: add it to SUBSCRIPTIONS")
    return Subscription(consumer, event_type)


def all_subscriptions() -> list[Subscription]:
    return [
        Subscription(consumer, event_type)
        for consumer, event_types in SUBSCRIPTIONS.items()
        for event_type in event_types
    ]


def dead_letter_queue() -> Queue:
    exchange = Exchange(DEAD_LETTER_EXCHANGE, type="fanout", durable=True)
    return Queue(DEAD_LETTER_QUEUE, exchange=exchange, durable=True)


def declare_all(channel) -> None:
    """Declare exchanges, the dead-letter queue and every consumer queue (idempotent)."""
    dead_letter_queue().bind(channel).declare()
    for producer in {contract.producer for contract in CATALOG.values()}:
        event_exchange(producer).bind(channel).declare()
    for sub in all_subscriptions():
        sub.queue().bind(channel).declare()
