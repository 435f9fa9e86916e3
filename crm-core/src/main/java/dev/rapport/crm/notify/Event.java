package dev.rapport.crm.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import dev.rapport.crm.store.WriteBatch;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Something that happened to an aggregate, stored in the {@link Outbox#STREAM outbox} stream in the same commit as
 * the aggregate and delivered to notifiers after commit.
 *
 * <p>{@code id} is generated once by the command path (time-ordered, UUIDv7 style) and never changes: delivery is
 * at least once, so consumers de-duplicate on it. Ids are 1-36 characters of letters, digits, {@code . _ -}, and
 * types 1-100 of the same plus {@code :}, so that both are safe in HTTP headers and document ids.
 *
 * <p>The JSON form ({@link #toJson()}) is what webhooks receive and has stable field names: {@code id, type,
 * tenant, aggregateType, aggregateId, aggregateVersion, occurredAt} (ISO-8601), {@code correlationId} (possibly
 * null) and {@code data}.
 *
 * @param aggregateVersion the aggregate's version after the change; 0 when the event concerns no versioned record
 * @param data event-specific content; copied on construction, and callers must not change it afterwards
 */
public record Event(
    String id,
    String type,
    TenantId tenant,
    String aggregateType,
    String aggregateId,
    long aggregateVersion,
    Instant occurredAt,
    @Nullable String correlationId,
    ObjectNode data) {

  /** The longest event id: a UUID in its canonical text form. */
  public static final int MAX_ID_LENGTH = 36;


  public Event {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(aggregateType, "aggregateType");
    Objects.requireNonNull(aggregateId, "aggregateId");
    Objects.requireNonNull(occurredAt, "occurredAt");
    Objects.requireNonNull(data, "data");
    List<Violation> violations = new ArrayList<>();
    if (!isName(id, MAX_ID_LENGTH, false)) {
      violations.add(new Violation("id", "event.id.format",
          "event id must be 1-" + MAX_ID_LENGTH + " characters of letters, digits, '.', '_' or '-'"));
    }
    if (!isName(type, 100, true)) {
      violations.add(new Violation("type", "event.type.format",
          "event type must be 1-100 characters of letters, digits, '.', '_', ':' or '-'"));
    }
    if (!isName(aggregateType, 100, true)) {
      violations.add(new Violation("aggregateType", "event.aggregateType.format",
          "aggregate type must be 1-100 characters of letters, digits, '.', '_', ':' or '-'"));
    }
    if (aggregateId.isEmpty() || aggregateId.length() > 255) {
      violations.add(new Violation("aggregateId", "event.aggregateId.length", "aggregate id must be 1-255 characters"));
    }
    if (aggregateVersion < 0) {
      violations.add(new Violation("aggregateVersion", "event.aggregateVersion.negative",
          "aggregate version must not be negative"));
    }
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
    data = data.deepCopy();
  }

  /**
   * {@code [A-Za-z0-9._-]{1,max}}, with {@code ':'} too when {@code colon} (a loop: every command builds events, and
   * a regular expression's matcher cost more than the rest of the constructor).
   */
  private static boolean isName(String s, int max, boolean colon) {
    if (s.isEmpty() || s.length() > max) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
          || c == '-' || (colon && c == ':');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The event as JSON, with the stable field names listed in the class notes. */
  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("id", id);
    n.put("type", type);
    n.put("tenant", tenant.value());
    n.put("aggregateType", aggregateType);
    n.put("aggregateId", aggregateId);
    n.put("aggregateVersion", aggregateVersion);
    n.put("occurredAt", occurredAt.toString());
    if (correlationId == null) {
      n.putNull("correlationId");
    } else {
      n.put("correlationId", correlationId);
    }
    n.set("data", data.deepCopy());
    return n;
  }

  /**
   * Reads the form written by {@link #toJson()}. Unknown fields are ignored, so newer writers can add fields.
   *
   * @throws ValidationException naming every missing or malformed field
   */
  public static Event fromJson(ObjectNode json) {
    Objects.requireNonNull(json, "json");
    List<Violation> violations = new ArrayList<>();
    String id = text(json, "id", violations);
    String type = text(json, "type", violations);
    String tenant = text(json, "tenant", violations);
    String aggregateType = text(json, "aggregateType", violations);
    String aggregateId = text(json, "aggregateId", violations);
    long version = 0;
    JsonNode v = json.get("aggregateVersion");
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
      violations.add(new Violation("aggregateVersion", "event.json.number", "aggregateVersion must be an integer"));
    } else {
      version = v.longValue();
    }
    Instant occurredAt = Instant.EPOCH;
    String at = text(json, "occurredAt", violations);
    if (at != null) {
      try {
        occurredAt = Instant.parse(at);
      } catch (DateTimeParseException e) {
        violations.add(new Violation("occurredAt", "event.json.instant", "occurredAt must be an ISO-8601 instant"));
      }
    }
    JsonNode c = json.get("correlationId");
    String correlationId = null;
    if (c != null && !c.isNull()) {
      if (c.isTextual()) {
        correlationId = c.textValue();
      } else {
        violations.add(new Violation("correlationId", "event.json.text", "correlationId must be a string or null"));
      }
    }
    JsonNode data = json.get("data");
    if (!(data instanceof ObjectNode)) {
      violations.add(new Violation("data", "event.json.object", "data must be a JSON object"));
    }
    if (!violations.isEmpty()) {
      throw new ValidationException(violations);
    }
    return new Event(id, type, TenantId.of(tenant), aggregateType, aggregateId, version, occurredAt, correlationId,
        (ObjectNode) data);
  }

  /** The outbox record to add to the command's {@link WriteBatch}. */
  public WriteBatch.Append toAppend() {
    return new WriteBatch.Append(Outbox.STREAM, id, type, toJson());
  }

  private static @Nullable String text(ObjectNode json, String field, List<Violation> violations) {
    JsonNode n = json.get(field);
    if (n == null || !n.isTextual()) {
      violations.add(new Violation(field, "event.json.text", field + " must be a string"));
      return null;
    }
    return n.textValue();
  }
}
