package dev.rapport.crm.access;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an authorization check is about: the type, the record's id when it has one, its stored state, and — for a
 * write whose result is known — the state it would have after the write.
 *
 * <p>The command path asks twice for a write: first with {@code proposed} null (may the actor try this at all, on
 * this record as it is?), then, once the business step has computed the result, with both states (field-level write
 * rules and conditions on the new state, such as a credit limit the actor may not exceed). A read is asked once,
 * with the stored state. A creation has no {@code current}.
 *
 * <p>Besides the JSON states, a resource carries their <em>index values</em> (what {@link
 * dev.rapport.crm.query.Criteria} see: field name → values) when the caller has them, so that a policy can decide
 * on exactly the values its data filter compares in the store. When they are absent, {@link #currentValues()} and
 * {@link #proposedValues()} derive them from the JSON state with {@link ResourceType#valuesOf}.
 *
 * @param current the stored state (the JSON form of the record), null for a creation or a type-level question
 * @param proposed the state after the write, null when not known yet or not a write
 * @param storedValues the index values of {@code current}, or null to derive them when asked
 * @param proposedIndexValues the index values of {@code proposed}, or null to derive them when asked
 */
public record Resource(ResourceType type, @Nullable String id, @Nullable ObjectNode current,
                       @Nullable ObjectNode proposed, @Nullable Map<String, List<Object>> storedValues,
                       @Nullable Map<String, List<Object>> proposedIndexValues) {
  public Resource {
    Objects.requireNonNull(type, "type");
  }

  /** A resource whose index values are derived from its states when a policy asks for them. */
  public Resource(ResourceType type, @Nullable String id, @Nullable ObjectNode current,
                  @Nullable ObjectNode proposed) {
    this(type, id, current, proposed, null, null);
  }

  /** The type itself, no particular record: "may this actor create customers?" */
  public static Resource ofType(ResourceType type) {
    return new Resource(type, null, null, null);
  }

  /** A stored record as it is. */
  public static Resource stored(ResourceType type, String id, ObjectNode current) {
    return new Resource(type, id, current, null);
  }

  /** A stored record as it is, with the index values the store holds for it. */
  public static Resource stored(ResourceType type, String id, ObjectNode current, Map<String, List<Object>> values) {
    return new Resource(type, id, current, null, Objects.requireNonNull(values, "values"), null);
  }

  /** Whether this is the second question of a write, with the result known. */
  public boolean isWriteResult() {
    return proposed != null;
  }

  /** The state conditions on "the resource" should read: the proposed state of a write, else the stored one. */
  public @Nullable ObjectNode effective() {
    return proposed != null ? proposed : current;
  }

  /** The index values of the stored state (empty for a creation or a type-level question). */
  public Map<String, List<Object>> currentValues() {
    if (storedValues != null) {
      return storedValues;
    }
    return current == null ? Map.of() : type.valuesOf(current);
  }

  /** The index values of the proposed state (empty when there is none). */
  public Map<String, List<Object>> proposedValues() {
    if (proposedIndexValues != null) {
      return proposedIndexValues;
    }
    return proposed == null ? Map.of() : type.valuesOf(proposed);
  }

  /** The index values conditions on "the resource" read: of the proposed state of a write, else the stored one. */
  public Map<String, List<Object>> effectiveValues() {
    return proposed != null ? proposedValues() : currentValues();
  }
}
