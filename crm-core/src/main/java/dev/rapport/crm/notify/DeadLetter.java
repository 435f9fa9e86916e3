package dev.rapport.crm.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * An event a notifier gave up on, kept in {@link Outbox#DEAD_LETTERS} until it is
 * {@link OutboxRelay#redeliver redelivered}.
 *
 * @param payload the outbox record as stored; {@link #event()} reads it
 * @param attempts failed attempts so far, redeliveries included
 * @param lastError the last failure, as {@code ExceptionClass: message}
 */
public record DeadLetter(
    String notifier, String eventId, String type, ObjectNode payload, int attempts, String lastError,
    Instant failedAt) {

  public DeadLetter {
    Objects.requireNonNull(notifier, "notifier");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(failedAt, "failedAt");
    payload = payload.deepCopy();
  }

  /** The event; throws {@code ValidationException} if the stored record was unreadable (why it was dead-lettered). */
  public Event event() {
    return Event.fromJson(payload);
  }
}
