package dev.rapport.crm.internal.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.access.FieldCatalog;
import dev.rapport.crm.access.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** Which write-checked fields of a resource a write changes (what {@code FieldAccess.writable()} is held against). */
final class FieldWrites {
  private FieldWrites() {}

  /**
   * The concrete paths of the write-checked catalog fields whose values differ between {@code before} (null for a
   * creation: every present field counts as written) and {@code after}.
   */
  static List<String> changed(ResourceType type, @Nullable ObjectNode before, ObjectNode after) {
    List<String> out = new ArrayList<>();
    for (FieldCatalog.Field f : type.fields().fields()) {
      if (!f.writeChecked()) {
        continue;
      }
      List<String> segments = f.segments();
      if (segments.size() == 1) {
        if (differs(before == null ? null : before.get(f.path()), after.get(f.path()))) {
          out.add(f.path());
        }
      } else if (segments.size() == 2 && segments.get(1).equals("*")) {
        // a map of independent fields (custom fields): each key is a field of its own
        String map = segments.get(0);
        JsonNode b = before == null ? null : before.get(map);
        JsonNode a = after.get(map);
        TreeSet<String> keys = new TreeSet<>();
        if (b != null) {
          b.fieldNames().forEachRemaining(keys::add);
        }
        if (a != null) {
          a.fieldNames().forEachRemaining(keys::add);
        }
        for (String k : keys) {
          if (differs(b == null ? null : b.get(k), a == null ? null : a.get(k))) {
            out.add(map + "." + k);
          }
        }
      }
    }
    return out;
  }

  private static boolean differs(@Nullable JsonNode before, @Nullable JsonNode after) {
    return !Objects.equals(empty(before) ? null : before, empty(after) ? null : after);
  }

  /** Absent, null, an empty list and an empty map are all "no value". */
  private static boolean empty(@Nullable JsonNode n) {
    return n == null || n.isNull() || (n.isContainerNode() && n.isEmpty());
  }
}
