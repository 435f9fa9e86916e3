package dev.rapport.crm.notify;

import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import java.util.List;

/**
 * Where outbox events and the relay's bookkeeping live in the storage kernel. {@code Crm.builder().build()}
 * registers {@link #collections()} with the store.
 */
public final class Outbox {
  private Outbox() {}

  /** The stream commands append their events to, in the same commit as the aggregate. */
  public static final String STREAM = "outbox";

  /**
   * One document per notifier (id = notifier name): the stream position delivered so far, and for the event at the
   * head of the line the failed attempts, the time of the next attempt and the last error.
   */
  public static final CollectionSpec RELAY_STATE = CollectionSpec.of("outbox_relay",
      IndexSpec.single("notifier", IndexType.STRING));

  /**
   * Events a notifier gave up on after {@link RetryPolicy#maxAttempts()} attempts (id = notifier + ":" + event id),
   * kept until {@link OutboxRelay#redeliver redelivered}.
   */
  public static final CollectionSpec DEAD_LETTERS = CollectionSpec.of("outbox_dead_letters",
      IndexSpec.single("notifier", IndexType.STRING),
      IndexSpec.single("eventId", IndexType.STRING),
      IndexSpec.single("type", IndexType.STRING),
      IndexSpec.single("failedAt", IndexType.INSTANT));

  /** The collections the relay needs; register them with the store before running a relay. */
  public static List<CollectionSpec> collections() {
    return List.of(RELAY_STATE, DEAD_LETTERS);
  }
}
