package dev.rapport.crm.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The field-level changes between two stored states of a record: one change per leaf path that differs (nested
 * objects are walked, custom fields included), each with its old and new value (absent when the field was absent).
 * A list (tags, e-mail addresses, phone numbers, contact persons) is one field, changed as a whole, and its change
 * also names the elements {@code added} and {@code removed}; an empty list and an absent one are the same. The
 * record's bookkeeping ({@link #BOOKKEEPING}: id, tenant, version, who and when) is not a change: the audit record
 * names them itself.
 */
final class Diff {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  static final java.util.Set<String> BOOKKEEPING =
      java.util.Set.of("id", "tenant", "version", "createdAt", "createdBy", "updatedAt", "updatedBy");

  private Diff() {}

  /** The changes from {@code before} to {@code after} (either may be null: a creation, a deletion), by path. */
  static ArrayNode between(@Nullable ObjectNode before, @Nullable ObjectNode after) {
    ArrayNode out = NODES.arrayNode();
    walk("", before, after, out);
    return out;
  }

  /** Objects on both sides (or one side absent) are walked member by member; anything else is a leaf. */
  private static void walk(String prefix, @Nullable JsonNode before, @Nullable JsonNode after, ArrayNode out) {
    TreeSet<String> names = new TreeSet<>();
    add(names, before);
    add(names, after);
    for (String name : names) {
      JsonNode b = before == null ? null : before.get(name);
      JsonNode a = after == null ? null : after.get(name);
      if (prefix.isEmpty() && BOOKKEEPING.contains(name)) {
        continue;
      }
      String path = prefix.isEmpty() ? name : prefix + "." + name;
      if ((b == null || b.isObject()) && (a == null || a.isObject())) {
        walk(path, b, a, out);
      } else {
        leaf(path, b, a, out);
      }
    }
  }

  private static void add(TreeSet<String> names, @Nullable JsonNode node) {
    if (node != null && node.isObject()) {
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
    }
  }

  private static void leaf(String path, @Nullable JsonNode before, @Nullable JsonNode after, ArrayNode out) {
    JsonNode b = absent(before) ? null : before;
    JsonNode a = absent(after) ? null : after;
    if (b == null ? a == null : b.equals(a)) {
      return;
    }
    ObjectNode change = out.addObject();
    change.put("field", path);
    if (b != null) {
      change.set("old", b.deepCopy());
    }
    if (a != null) {
      change.set("new", a.deepCopy());
    }
    if (b != null && b.isArray() || a != null && a.isArray()) {
      List<JsonNode> removed = elements(b);
      List<JsonNode> added = elements(a);
      // as multisets: an element present twice before and once after was removed once
      for (JsonNode e : new ArrayList<>(removed)) {
        if (added.remove(e)) {
          removed.remove(e);
        }
      }
      change.set("added", NODES.arrayNode().addAll(added));
      change.set("removed", NODES.arrayNode().addAll(removed));
    }
  }

  private static boolean absent(@Nullable JsonNode node) {
    return node == null || node.isMissingNode() || node.isArray() && node.isEmpty();
  }

  private static List<JsonNode> elements(@Nullable JsonNode node) {
    List<JsonNode> out = new ArrayList<>();
    if (node != null && node.isArray()) {
      node.forEach(out::add);
    }
    return out;
  }
}
