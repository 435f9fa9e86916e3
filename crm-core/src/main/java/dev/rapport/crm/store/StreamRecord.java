package dev.rapport.crm.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * A record of an append-only stream (audit records, outbox events). Positions increase in the order readers see the
 * records within a tenant and stream, with the same ordering and no-miss guarantee as the change feed
 * ({@link Change}); a record purged for retention ({@link Store#purge}) leaves a gap, and its position is never
 * given to another record.
 */
public record StreamRecord(String stream, long position, String id, String type, ObjectNode payload, Instant recordedAt) {
  public StreamRecord {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(recordedAt, "recordedAt");
  }
}
