package dev.rapport.crm.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One field's change in an audit record: its path ({@code name.default}, {@code creditLimit.amount},
 * {@code custom.segment}; a {@code .} inside a member name escaped with a backslash), the value before and after
 * (null when absent), and for a list the elements added and removed.
 */
public record FieldChange(String field, @Nullable JsonNode oldValue, @Nullable JsonNode newValue, List<JsonNode> added,
                          List<JsonNode> removed) {
  public FieldChange {
    Objects.requireNonNull(field, "field");
    added = List.copyOf(added);
    removed = List.copyOf(removed);
  }

  static FieldChange of(JsonNode change) {
    List<JsonNode> added = new ArrayList<>();
    change.path("added").forEach(added::add);
    List<JsonNode> removed = new ArrayList<>();
    change.path("removed").forEach(removed::add);
    return new FieldChange(change.path("field").asText(), change.get("old"), change.get("new"), added, removed);
  }

  static List<FieldChange> all(JsonNode changes) {
    List<FieldChange> out = new ArrayList<>(changes.size());
    changes.forEach(c -> out.add(of(c)));
    return out;
  }
}
