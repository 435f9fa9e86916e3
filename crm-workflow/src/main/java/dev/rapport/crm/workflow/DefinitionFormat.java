package dev.rapport.crm.workflow;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The JSON/YAML form of definitions, read with the line and column of every value so that each problem names where
 * it is. The same form is what a request keeps a copy of.
 */
final class DefinitionFormat {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Set<String> DEFINITION_FIELDS = Set.of("key", "version", "name", "trigger", "steps",
      "allowRepeatDeciders");
  private static final Set<String> STEP_FIELDS = Set.of("name", "approvers", "mode", "skipIf", "timeLimit",
      "onExpiry");

  private DefinitionFormat() {}

  // ---- writing -----------------------------------------------------------------------------------------------------

  static ObjectNode write(ApprovalDefinition d) {
    ObjectNode o = F.objectNode().put("key", d.key()).put("version", d.version()).put("name", d.name());
    ObjectNode t = o.putObject("trigger");
    d.trigger().commands().stream().sorted().forEach(t.putArray("commands")::add);
    if (d.trigger().condition() != null) {
      t.put("condition", d.trigger().condition());
    }
    if (d.allowRepeatDeciders()) {
      o.put("allowRepeatDeciders", true);
    }
    ArrayNode steps = o.putArray("steps");
    for (ApprovalStep s : d.steps()) {
      ObjectNode so = steps.addObject().put("name", s.name());
      so.set("approvers", approvers(s.approvers()));
      switch (s.mode().kind()) {
        case ANY -> so.put("mode", "any");
        case ALL -> so.put("mode", "all");
        case N_OF -> so.put("mode", s.mode().n());
      }
      if (s.skipIf() != null) {
        so.put("skipIf", s.skipIf());
      }
      if (s.timeLimit() != null && s.onExpiry() != null) {
        so.put("timeLimit", s.timeLimit().toString());
        OnExpiry e = s.onExpiry();
        if (e.action() == OnExpiry.Action.ESCALATE) {
          so.putObject("onExpiry").set("escalateTo", approvers(e.escalateTo()));
        } else {
          so.put("onExpiry", e.action().name().toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
    return o;
  }

  private static ArrayNode approvers(List<Approvers> list) {
    ArrayNode a = F.arrayNode();
    for (Approvers x : list) {
      ObjectNode o = a.addObject();
      if (x instanceof Approvers.Users u) {
        u.ids().forEach(o.putArray("users")::add);
      } else if (x instanceof Approvers.Role r) {
        o.put("role", r.name());
      } else if (x instanceof Approvers.Manager m) {
        o.put("manager", m.level());
      } else if (x instanceof Approvers.Field f) {
        o.put("field", f.path());
      } else if (x instanceof Approvers.Resolver r) {
        o.put("resolver", r.name());
      }
    }
    return a;
  }

  // ---- reading -----------------------------------------------------------------------------------------------------

  /** A parsed document and where each of its values starts (by path: {@code [0].steps[1].mode}). */
  record Located(JsonNode tree, Map<String, JsonLocation> at) {
    String where(String path) {
      JsonLocation l = at.get(path);
      while (l == null && !path.isEmpty()) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        path = cut < 0 ? "" : path.substring(0, cut);
        l = at.get(path);
      }
      return l == null ? "" : "line " + l.getLineNr() + ", column " + l.getColumnNr() + ": ";
    }
  }

  static Located parse(String text, String source) {
    JsonFactory factory = text.stripLeading().startsWith("{") || text.stripLeading().startsWith("[")
        ? new JsonFactory() : new YAMLFactory();
    Map<String, JsonLocation> at = new HashMap<>();
    try (JsonParser p = factory.createParser(text)) {
      if (p.nextToken() == null) {
        throw ValidationException.of("definitions", "definitions.empty", source + " holds no definition");
      }
      JsonNode tree = read(p, "", at);
      JsonToken next = p.nextToken();
      while (next == JsonToken.VALUE_NULL) {
        next = p.nextToken(); // an empty document, as after a closing ---
      }
      if (next != null) {
        // a second YAML document (after ---) or JSON value would otherwise be dropped without a word
        JsonLocation l = p.currentTokenLocation();
        throw ValidationException.of("definitions", "definitions.syntax", source + ": line " + l.getLineNr()
            + ", column " + l.getColumnNr()
            + ": a second document; give every definition in one (a list, or definitions: [...])");
      }
      return new Located(tree, at);
    } catch (JsonProcessingException e) {
      JsonLocation l = e.getLocation();
      throw ValidationException.of("definitions", "definitions.syntax", source
          + (l == null ? "" : ": line " + l.getLineNr() + ", column " + l.getColumnNr()) + ": "
          + e.getOriginalMessage());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonNode read(JsonParser p, String path, Map<String, JsonLocation> at) throws IOException {
    at.put(path, p.currentTokenLocation());
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        ObjectNode o = F.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          o.set(name, read(p, path.isEmpty() ? name : path + "." + name, at));
        }
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = F.arrayNode();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          a.add(read(p, path + "[" + i++ + "]", at));
        }
        return a;
      }
      case VALUE_STRING -> {
        return F.textNode(p.getText());
      }
      case VALUE_NUMBER_INT -> {
        return F.numberNode(p.getLongValue());
      }
      case VALUE_NUMBER_FLOAT -> {
        return F.numberNode(p.getDecimalValue());
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return F.booleanNode(t == JsonToken.VALUE_TRUE);
      }
      default -> {
        return F.nullNode();
      }
    }
  }

  /**
   * The definitions of a document: one definition, a list of them, or {@code {definitions: [...]}}. Every problem
   * of every definition is reported at once, each with its path and location.
   */
  static List<ApprovalDefinition> definitions(Located doc, String source) {
    JsonNode root = doc.tree();
    String base = "";
    if (root.isObject() && root.has("definitions")) {
      root = root.get("definitions");
      base = "definitions";
    }
    List<JsonNode> items = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    if (root.isArray()) {
      for (int i = 0; i < root.size(); i++) {
        items.add(root.get(i));
        paths.add(base + "[" + i + "]");
      }
    } else {
      items.add(root);
      paths.add(base);
    }
    List<Violation> out = new ArrayList<>();
    List<ApprovalDefinition> defs = new ArrayList<>();
    Set<String> keys = new java.util.HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      ApprovalDefinition d = definition(items.get(i), paths.get(i), doc, source, out);
      if (d != null) {
        defs.add(d);
      }
      JsonNode key = items.get(i).path("key");
      if (key.isTextual() && !keys.add(key.asText())) {
        new Problems(doc, source, paths.get(i), out).add("key", "definition.key.duplicate", "definition "
            + key.asText() + " is given twice; give one version per key");
      }
    }
    if (!out.isEmpty()) {
      throw new ValidationException(out);
    }
    return defs;
  }

  /** Reads a copy kept by a request (written by {@link #write}, so it is valid). */
  static ApprovalDefinition fromCopy(JsonNode node) {
    List<Violation> out = new ArrayList<>();
    ApprovalDefinition d = definition(node, "", new Located(node, Map.of()), "definition", out);
    if (d == null) {
      throw new ValidationException(out);
    }
    return d;
  }

  private static @Nullable ApprovalDefinition definition(JsonNode n, String path, Located doc, String source,
                                                         List<Violation> out) {
    Problems p = new Problems(doc, source, path, out);
    if (!n.isObject()) {
      p.add("", "definition.shape", "a definition is a mapping with key, version, trigger and steps");
      return null;
    }
    int before = out.size();
    p.unknownFields(n, "", DEFINITION_FIELDS);
    String key = p.text(n, "key", true);
    int version = (int) p.integer(n, "version", 1, Integer.MAX_VALUE);
    String name = p.text(n, "name", false);
    ApprovalDefinition.Trigger trigger = null;
    JsonNode t = n.get("trigger");
    if (t == null || !t.isObject()) {
      p.add("trigger", "definition.trigger.missing", "a definition needs a trigger: {commands: [...], condition: ...}");
    } else {
      p.unknownFields(t, "trigger", Set.of("commands", "condition"));
      Set<String> commands = new LinkedHashSet<>(p.texts(t, "trigger.commands"));
      String condition = p.text(t, "trigger.condition", false);
      p.condition("trigger.condition", condition);
      trigger = new ApprovalDefinition.Trigger(commands, condition);
    }
    List<@Nullable ApprovalStep> steps = new ArrayList<>();
    JsonNode s = n.get("steps");
    if (s == null || !s.isArray() || s.isEmpty()) {
      p.add("steps", "definition.steps.empty", "a definition has a list of at least one step");
    } else {
      Set<String> names = new java.util.HashSet<>();
      for (int i = 0; i < s.size(); i++) {
        steps.add(step(s.get(i), "steps[" + i + "]", p)); // null where it could not be read: indexes kept
        JsonNode stepName = s.get(i).path("name");
        if (stepName.isTextual() && !names.add(stepName.asText())) {
          p.add("steps[" + i + "].name", "step.name.duplicate", "step name used twice: " + stepName.asText());
        }
      }
    }
    boolean repeat = n.path("allowRepeatDeciders").asBoolean(false);
    // the definition's own rules too, on what could be read, so that every problem is reported at once; a value
    // the reading found wrong already is not reported twice
    Set<String> reported = new java.util.HashSet<>();
    out.subList(before, out.size()).forEach(v -> reported.add(v.path()));
    for (Violation v : ApprovalDefinition.problems(key, version, name == null ? key : name, trigger, steps)) {
      if (!reported.contains(p.full(v.path()))) {
        p.add(v.path(), v.rule(), v.message());
      }
    }
    if (out.size() > before || trigger == null || key == null || steps.contains(null)) {
      return null;
    }
    return new ApprovalDefinition(key, version, name == null ? key : name, trigger, steps, repeat);
  }

  private static @Nullable ApprovalStep step(JsonNode n, String path, Problems p) {
    if (!n.isObject()) {
      p.add(path, "step.shape", "a step is a mapping with name and approvers");
      return null;
    }
    int before = p.out.size();
    p.unknownFields(n, path, STEP_FIELDS);
    String name = p.text(n, path + ".name", true);
    List<Approvers> approvers = approvers(n.get("approvers"), path + ".approvers", p);
    DecisionMode mode = DecisionMode.any();
    JsonNode m = n.get("mode");
    if (m != null) {
      if (m.isIntegralNumber() && m.canConvertToInt() && m.asInt() >= 1 && m.asInt() <= 100) {
        mode = DecisionMode.nOf(m.asInt());
      } else if (m.isTextual() && m.asText().equals("any")) {
        mode = DecisionMode.any();
      } else if (m.isTextual() && m.asText().equals("all")) {
        mode = DecisionMode.all();
      } else {
        p.add(path + ".mode", "step.mode", "mode is any, all, or a number n (n of the candidates): " + m);
      }
    }
    String skipIf = p.text(n, path + ".skipIf", false);
    p.condition(path + ".skipIf", skipIf);
    Duration limit = null;
    String l = p.text(n, path + ".timeLimit", false);
    if (l != null) {
      try {
        limit = Duration.parse(l);
      } catch (DateTimeParseException e) {
        p.add(path + ".timeLimit", "step.timeLimit.format", "a time limit is an ISO-8601 duration (PT48H, P3D): " + l);
      }
    }
    OnExpiry onExpiry = null;
    JsonNode e = n.get("onExpiry");
    if (e != null && e.isNull()) {
      e = null;
    }
    if ((l == null) != (e == null)) {
      p.add(path + ".onExpiry", "step.onExpiry.pair", "a time limit and its action on expiry come together");
    }
    if (e != null) {
      if (e.isTextual() && Set.of("remind", "approve", "reject").contains(e.asText())) {
        onExpiry = new OnExpiry(OnExpiry.Action.valueOf(e.asText().toUpperCase(java.util.Locale.ROOT)), List.of());
      } else if (e.isObject() && e.has("escalateTo") && e.size() == 1) {
        List<Approvers> to = approvers(e.get("escalateTo"), path + ".onExpiry.escalateTo", p);
        if (!to.isEmpty()) {
          onExpiry = new OnExpiry(OnExpiry.Action.ESCALATE, to);
        }
      } else {
        p.add(path + ".onExpiry", "step.onExpiry", "onExpiry is remind, approve, reject or {escalateTo: [...]}");
      }
    }
    if (p.out.size() > before || name == null) {
      return null;
    }
    return new ApprovalStep(name, approvers, mode, skipIf, limit, onExpiry);
  }

  private static List<Approvers> approvers(@Nullable JsonNode n, String path, Problems p) {
    List<Approvers> out = new ArrayList<>();
    if (n == null || !n.isArray() || n.isEmpty()) {
      p.add(path, "step.approvers.empty", "approvers is a list of at least one of {users: [...]}, {role: r},"
          + " {manager: level}, {field: path}, {resolver: name}");
      return out;
    }
    for (int i = 0; i < n.size(); i++) {
      JsonNode a = n.get(i);
      String at = path + "[" + i + "]";
      if (!a.isObject() || a.size() != 1) {
        p.add(at, "approvers.shape", "an approver rule is one of {users: [...]}, {role: r}, {manager: level},"
            + " {field: path}, {resolver: name}");
        continue;
      }
      String kind = a.fieldNames().next();
      try {
        switch (kind) {
          case "users" -> {
            List<String> ids = p.texts(a, at + ".users");
            if (!ids.isEmpty()) {
              out.add(new Approvers.Users(ids));
            }
          }
          case "role", "field", "resolver" -> {
            String value = p.text(a, at + "." + kind, true);
            if (value != null) {
              out.add(switch (kind) {
                case "role" -> new Approvers.Role(value);
                case "field" -> new Approvers.Field(value);
                default -> new Approvers.Resolver(value);
              });
            }
          }
          case "manager" -> out.add(new Approvers.Manager(a.get("manager").asInt(0)));
          default -> p.add(at, "approvers.kind", "unknown approver rule '" + kind
              + "': use users, role, manager, field or resolver");
        }
      } catch (ValidationException e) {
        e.violations().forEach(v -> p.add(at + "." + kind, v.rule(), v.message()));
      }
    }
    return out;
  }

  /** Collects problems with the document's locations. */
  private static final class Problems {
    final Located doc;
    final String source;
    final String base;
    final List<Violation> out;

    Problems(Located doc, String source, String base, List<Violation> out) {
      this.doc = doc;
      this.source = source;
      this.base = base;
      this.out = out;
    }

    String full(String path) {
      return base.isEmpty() ? path : path.isEmpty() ? base : base + "." + path;
    }

    void add(String path, String rule, String message) {
      String full = full(path);
      out.add(new Violation(full, rule, source + ": " + doc.where(full) + message));
    }

    void condition(String path, @Nullable String text) {
      if (text != null) {
        Conditions.check(text).forEach(i -> add(path, "condition.invalid", i.toString()));
      }
    }

    void unknownFields(JsonNode n, String path, Set<String> known) {
      n.fieldNames().forEachRemaining(f -> {
        if (!known.contains(f)) {
          add(path.isEmpty() ? f : path + "." + f, "definition.field.unknown", "unknown field '" + f + "'; known: "
              + new java.util.TreeSet<>(known));
        }
      });
    }

    private static JsonNode at(JsonNode n, String path) {
      int dot = path.lastIndexOf('.');
      return n.path(dot < 0 ? path : path.substring(dot + 1));
    }

    @Nullable String text(JsonNode n, String path, boolean required) {
      JsonNode v = at(n, path);
      if (v.isMissingNode() || v.isNull()) {
        if (required) {
          add(path, "definition.field.missing", "required");
        }
        return null;
      }
      if (!v.isTextual() && !v.isNumber()) {
        add(path, "definition.field.type", "expected text, not " + v.getNodeType().name().toLowerCase());
        return null;
      }
      return v.asText();
    }

    long integer(JsonNode n, String path, long min, long max) {
      JsonNode v = at(n, path);
      if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
        add(path, "definition.field.integer", "expected a whole number from " + min);
        return min;
      }
      return v.asLong();
    }

    List<String> texts(JsonNode n, String path) {
      JsonNode v = at(n, path);
      List<String> out = new ArrayList<>();
      if (!v.isArray() || v.isEmpty()) {
        add(path, "definition.field.list", "expected a list of at least one name");
        return out;
      }
      for (JsonNode x : v) {
        out.add(x.asText());
      }
      return out;
    }
  }
}
