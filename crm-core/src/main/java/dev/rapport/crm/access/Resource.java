package dev.rapport.crm.access;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * @param current the stored state (the JSON form of the record), null for a creation or a type-level question
 * @param proposed the state after the write, null when not known yet or not a write
 */
public record Resource(ResourceType type, @Nullable String id, @Nullable ObjectNode current,
                       @Nullable ObjectNode proposed) {
  public Resource {
    Objects.requireNonNull(type, "type");
  }

  /** The type itself, no particular record: "may this actor create customers?" */
  public static Resource ofType(ResourceType type) {
    return new Resource(type, null, null, null);
  }

  /** A stored record as it is. */
  public static Resource stored(ResourceType type, String id, ObjectNode current) {
    return new Resource(type, id, current, null);
  }

  /** Whether this is the second question of a write, with the result known. */
  public boolean isWriteResult() {
    return proposed != null;
  }

  /** The state conditions on "the resource" should read: the proposed state of a write, else the stored one. */
  public @Nullable ObjectNode effective() {
    return proposed != null ? proposed : current;
  }
}
