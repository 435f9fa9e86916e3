package dev.rapport.crm.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.contact.PhoneNumber;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Field-level security applied to the stored (JSON) form of a record: what the command path does to every record it
 * returns, and the hook other modules use so that what they show — audit diffs, history, exports of their own —
 * is masked exactly like a read, without depending on the module that decides the masks.
 *
 * <pre>{@code
 * ObjectNode shown = Masking.apply(CustomerFields.TYPE, decision.fields(), storedBody);
 * Optional<ObjectNode> asSeenBy = crmMasking.forViewer(viewer, CustomerFields.TYPE, id, oldBody);
 * }</pre>
 *
 * <p>The masked form still reads back as the typed record: masked text is text, a masked e-mail address is
 * {@code {"masked": "j***@example.com"}} (an {@code EmailAddress} whose {@code isMasked()} is true), a masked phone
 * number is its masked text ({@code +86 *** **** 5678}, a {@code PhoneNumber} whose {@code isMasked()} is true),
 * and a hidden value that is not text is absent (or an empty list or map).
 */
public final class Masking {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final AccessPolicy policy;

  private Masking(AccessPolicy policy) {
    this.policy = policy;
  }

  /** The hook for modules, deciding masks with {@code policy}. */
  public static Masking of(AccessPolicy policy) {
    return new Masking(Objects.requireNonNull(policy, "policy"));
  }

  /**
   * {@code body} (a state of record {@code id}) as {@code viewer} may see it, or empty when the viewer may not view
   * the record at all.
   */
  public Optional<ObjectNode> forViewer(Actor viewer, ResourceType type, @Nullable String id, ObjectNode body) {
    Decision d = policy.check(viewer, Action.VIEW, new Resource(type, id, body, null));
    return d.allowed() ? Optional.of(apply(type, d.fields(), body)) : Optional.empty();
  }

  /**
   * {@code body} with {@code access} applied: unreadable fields hidden, masks applied. Returns {@code body} itself
   * when nothing is hidden or masked; otherwise a copy (the argument is not changed).
   */
  public static ObjectNode apply(ResourceType type, FieldAccess access, ObjectNode body) {
    if (access.showsEverything()) {
      return body;
    }
    ObjectNode copy = body.deepCopy();
    List<FieldCatalog.Field> fields = new ArrayList<>(type.fields().fields());
    // parents first: a hidden parent takes its children with it
    fields.sort(Comparator.comparingInt(f -> f.segments().size()));
    for (FieldCatalog.Field f : fields) {
      for (Target t : targets(copy, f.segments())) {
        Mask mask = maskFor(access, f, t.path);
        if (mask != null) {
          t.container.set(t.name, masked(f, mask, t.container.get(t.name)));
          if (t.container.get(t.name) == null || t.container.get(t.name).isNull()) {
            t.container.remove(t.name);
          }
        }
      }
    }
    return copy;
  }

  private record Target(ObjectNode container, String name, String path) {}

  /** The places a catalog path names in {@code root}: lists are stepped into, {@code *} is every key. */
  private static List<Target> targets(ObjectNode root, List<String> segments) {
    List<Target> out = new ArrayList<>();
    collect(root, segments, 0, "", out);
    return out;
  }

  private static void collect(JsonNode node, List<String> segments, int i, String prefix, List<Target> out) {
    if (node instanceof ArrayNode array) {
      for (JsonNode element : array) {
        collect(element, segments, i, prefix, out);
      }
      return;
    }
    if (!(node instanceof ObjectNode object)) {
      return;
    }
    String seg = segments.get(i);
    List<String> names = new ArrayList<>();
    if (seg.equals("*")) {
      object.fieldNames().forEachRemaining(names::add);
    } else if (object.has(seg)) {
      names.add(seg);
    }
    for (String name : names) {
      String path = prefix.isEmpty() ? name : prefix + "." + name;
      if (i == segments.size() - 1) {
        out.add(new Target(object, name, path));
      } else {
        collect(object.get(name), segments, i + 1, path, out);
      }
    }
  }

  /** The mask for a concrete path: hidden when unreadable, else the most specific mask named for it or a parent. */
  private static @Nullable Mask maskFor(FieldAccess access, FieldCatalog.Field field, String path) {
    if (!readable(access.readable(), path)) {
      return Mask.hidden();
    }
    Map<String, Mask> masks = access.masks();
    if (masks.isEmpty()) {
      return null;
    }
    for (String p = path, template = field.path(); ; ) {
      Mask m = masks.get(p);
      if (m == null) {
        m = masks.get(template);
      }
      if (m != null) {
        return m;
      }
      int dot = p.lastIndexOf('.');
      if (dot < 0) {
        return null;
      }
      p = p.substring(0, dot);
      int tdot = template.lastIndexOf('.');
      template = tdot < 0 ? p : template.substring(0, tdot);
    }
  }

  /** Readable when the path, an ancestor, or a descendant is in the set (a parent shown for its readable child). */
  private static boolean readable(FieldSet set, String path) {
    if (set.contains(path)) {
      return true;
    }
    for (String p : set.paths()) {
      if (p.startsWith(path + ".")) {
        return true;
      }
    }
    return false;
  }

  private static @Nullable JsonNode masked(FieldCatalog.Field f, Mask mask, @Nullable JsonNode value) {
    if (value == null || value.isNull()) {
      return value;
    }
    boolean hide = mask instanceof Mask.Hidden;
    if (f.kind() == FieldCatalog.Kind.MAP) {
      return NODES.objectNode();
    }
    if (f.kind() == FieldCatalog.Kind.VALUE || (hide && !f.required())) {
      return value.isArray() ? NODES.arrayNode() : null;
    }
    return rewrite(value, s -> switch (f.kind()) {
      case EMAIL -> NODES.objectNode().put("masked", mask.apply(s));
      case PHONE -> {
        String m = mask.apply(s);
        yield new TextNode(PhoneNumber.isMaskedForm(m) ? m : "***");
      }
      default -> new TextNode(mask.apply(s));
    });
  }

  private static JsonNode rewrite(JsonNode value, java.util.function.Function<String, JsonNode> text) {
    if (value.isTextual()) {
      return text.apply(value.asText());
    }
    if (value instanceof ArrayNode array) {
      ArrayNode out = NODES.arrayNode();
      array.forEach(e -> out.add(rewrite(e, text)));
      return out;
    }
    if (value instanceof ObjectNode object) {
      ObjectNode out = NODES.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.set(e.getKey(), rewrite(e.getValue(), text));
      }
      return out;
    }
    return value;
  }
}
