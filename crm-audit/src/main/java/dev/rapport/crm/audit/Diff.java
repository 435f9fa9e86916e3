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
 * A path joins member names with {@code .}; a {@code .} or a backslash inside a name is escaped with a backslash.
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
      String path = prefix.isEmpty() ? escape(name) : prefix + "." + escape(name);
      if ((b == null || b.isObject()) && (a == null || a.isObject())) {
        walk(path, b, a, out);
      } else {
        leaf(path, b, a, out);
      }
    }
  }

  static String escape(String name) {
    if (name.indexOf('.') < 0 && name.indexOf('\\') < 0) {
      return name;
    }
    StringBuilder b = new StringBuilder(name.length() + 2);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '.' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  /** The member names of a path, unescaped. */
  static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\\' && i + 1 < path.length()) {
        b.append(path.charAt(++i));
      } else if (c == '.') {
        out.add(b.toString());
        b.setLength(0);
      } else {
        b.append(c);
      }
    }
    out.add(b.toString());
    return out;
  }

  /**
   * Applies {@code changes} (as {@link #between} computes them) to {@code state}, in place: each path's new value set,
   * or removed when the change has none; objects on the way created, and removed when they end up empty.
   */
  static void apply(ObjectNode state, JsonNode changes) {
    for (JsonNode change : changes) {
      List<String> path = segments(change.path("field").asText());
      ObjectNode at = state;
      List<ObjectNode> parents = new ArrayList<>();
      for (int i = 0; i < path.size() - 1; i++) {
        JsonNode next = at.get(path.get(i));
        if (next == null || !next.isObject()) {
          next = at.putObject(path.get(i));
        }
        parents.add(at);
        at = (ObjectNode) next;
      }
      String last = path.get(path.size() - 1);
      if (change.has("new")) {
        at.set(last, change.get("new").deepCopy());
      } else {
        at.remove(last);
        for (int i = parents.size() - 1; i >= 0 && at.isEmpty(); i--) {
          parents.get(i).remove(path.get(i));
          at = parents.get(i);
        }
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
