package dev.rapport.crm.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.WriteBatch;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A notifier's cursor in the outbox stream and the retry state of the event at its head of line, as stored in
 * {@link Outbox#RELAY_STATE}. {@code version} is the stored document's version, 0 before the first write.
 */
record RelayState(
    String notifier, long version, long position, int attempts, @Nullable Instant nextAttemptAt,
    @Nullable String lastError) {

  static RelayState load(Store store, TenantId tenant, String notifier) {
    Optional<Document> doc = store.get(tenant, Outbox.RELAY_STATE.name(), notifier);
    if (doc.isEmpty()) {
      return new RelayState(notifier, 0, 0, 0, null, null);
    }
    ObjectNode b = doc.get().body();
    JsonNode next = b.get("nextAttemptAt");
    JsonNode err = b.get("lastError");
    return new RelayState(notifier, doc.get().version(), b.path("position").asLong(), b.path("attempts").asInt(),
        next == null || next.isNull() ? null : Instant.parse(next.asText()),
        err == null || err.isNull() ? null : err.asText());
  }

  /** Delivered (or dead-lettered) everything up to {@code newPosition}; the next event starts with no failures. */
  RelayState advancedTo(long newPosition) {
    return new RelayState(notifier, version + 1, newPosition, 0, null, null);
  }

  RelayState failed(int failedAttempts, Instant retryAt, String error) {
    return new RelayState(notifier, version + 1, position, failedAttempts, retryAt, error);
  }

  /** Adds this state's document write (insert on first write, version-checked update after) to {@code batch}. */
  void writeTo(WriteBatch.Builder batch, Instant now) {
    ObjectNode b = JsonNodeFactory.instance.objectNode();
    b.put("notifier", notifier);
    b.put("position", position);
    b.put("attempts", attempts);
    if (nextAttemptAt == null) {
      b.putNull("nextAttemptAt");
    } else {
      b.put("nextAttemptAt", nextAttemptAt.toString());
    }
    if (lastError == null) {
      b.putNull("lastError");
    } else {
      b.put("lastError", lastError);
    }
    b.put("updatedAt", now.toString());
    Document doc = new Document(notifier, version, b, Document.indexValues().put("notifier", notifier).build());
    if (version == 1) {
      batch.insert(Outbox.RELAY_STATE.name(), doc);
    } else {
      batch.update(Outbox.RELAY_STATE.name(), doc);
    }
  }
}
