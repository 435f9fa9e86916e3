package dev.rapport.crm.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.store.StreamRecord;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An audit record as read back: its place in the tenant's trail and the fields of its payload (see the module
 * README for each). {@link #payload()} is the record's content, parsed from the canonical text it is stored as, with
 * its {@code hash}, and with its personal values decrypted when the trail encrypts them
 * ({@link AuditTrail.Builder#erasure}) and the subject's key still exists.
 *
 * @param kind {@code change}, {@code denied}, {@code read} or {@code security}
 * @param outcome {@code APPLIED}, {@code DENIED}, {@code PARKED}, {@code APPROVED}, {@code REJECTED}, or
 *     {@code REPORTED} for a security event
 * @param resourceVersion the version written (a change), else 0
 * @param subject the data subject the record is about (a customer's id), if any
 * @param erased whether the record's personal values were encrypted with a subject key that was destroyed since
 *     ({@link AuditTrail#erase}): {@link #changes()} then name the fields without their values, and {@link #reason()}
 *     is null
 */
public record AuditRecord(long position, String id, String kind, String actor, @Nullable String onBehalfOf,
                          Instant at, String outcome, @Nullable String action, @Nullable String command,
                          @Nullable String resourceType, @Nullable String resourceId, long resourceVersion,
                          @Nullable String reason, List<FieldChange> changes, @Nullable String subject,
                          boolean erased, ObjectNode payload) {
  public AuditRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(outcome, "outcome");
    changes = List.copyOf(changes);
    Objects.requireNonNull(payload, "payload");
  }

  static AuditRecord of(StreamRecord r) {
    return of(r, StoredForm.view(r.payload()), false);
  }

  /** The record with {@code p} as its payload: the stored one, or the stored one with its personal values opened. */
  static AuditRecord of(StreamRecord r, ObjectNode p, boolean erased) {
    return new AuditRecord(r.position(), r.id(), p.path("kind").asText(), p.path("actor").asText(),
        text(p, "onBehalfOf"), Instant.parse(p.path("at").asText()), p.path("outcome").asText(), text(p, "action"),
        text(p, "command"), text(p, "resourceType"), text(p, "resourceId"), p.path("resourceVersion").asLong(),
        text(p, "reason"), FieldChange.all(p.path("changes")), text(p, "subject"), erased, p);
  }

  private static @Nullable String text(JsonNode p, String field) {
    JsonNode v = p.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** Whether this record wrote a new version of its resource ({@code APPLIED} or {@code APPROVED} change). */
  public boolean wroteVersion() {
    return kind.equals("change") && (outcome.equals("APPLIED") || outcome.equals("APPROVED"))
        && !changes.isEmpty();
  }
}
