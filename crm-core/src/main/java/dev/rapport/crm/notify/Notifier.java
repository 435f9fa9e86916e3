package dev.rapport.crm.notify;

import dev.rapport.crm.error.ValidationException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Hands committed events to one of the host's channels (a webhook, a message broker, an e-mail service). Each
 * notifier is driven by its own {@link OutboxRelay}, which calls {@link #deliver} one event at a time, in stream
 * order, at least once: the same event (same {@link Event#id()}) may arrive again after a crash or a lost lease, so
 * consumers de-duplicate on the id.
 *
 * <p>Implementations must be thread-safe if the host shares one instance between relays, and should bound their
 * own blocking (timeouts): a call that never returns stalls the relay for that notifier.
 *
 * <pre>{@code
 * Notifier toKafka = new Notifier() {
 *   public String name() { return "kafka-crm"; }
 *   public void deliver(Event e) throws Exception {
 *     producer.send(new ProducerRecord<>("crm", e.id(), e.toJson().toString())).get();
 *   }
 * };
 * }</pre>
 */
public interface Notifier {

  /** Allowed names: 1-27 characters of {@code a-z, 0-9, -} (the limit keeps dead-letter ids within 64 chars). */
  Pattern NAME = Pattern.compile("[a-z0-9-]{1,27}");

  /**
   * A stable name, used in the relay's lease, cursor and dead-letter ids; renaming a notifier starts its delivery
   * from the beginning of the stream. Must match {@link #NAME}.
   */
  String name();

  /**
   * Delivers one event. Returning normally means delivered; throwing counts as a failed attempt, which the relay
   * retries with backoff and finally dead-letters. An {@link InterruptedException} stops the relay's run without
   * counting an attempt.
   */
  void deliver(Event event) throws Exception;

  /** Rejects a name that does not match {@link #NAME}. */
  static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw ValidationException.of("notifier.name", "notifier.name.format",
          "notifier name must be 1-27 characters of a-z, 0-9 or '-'");
    }
    return name;
  }
}
