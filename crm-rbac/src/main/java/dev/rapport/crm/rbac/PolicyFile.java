package dev.rapport.crm.rbac;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.FieldAccess;
import dev.rapport.crm.access.FieldSet;
import dev.rapport.crm.access.Mask;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.rbac.Defs.Loc;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a policy file (YAML or JSON) into {@link Defs}, remembering the line of every part so that each problem is
 * reported where it was written. Unknown keys, wrong shapes and unknown action or mask names are problems too; all
 * of them are collected, none stops the reading.
 */
final class PolicyFile {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String source;
  private final Map<String, Integer> lines = new HashMap<>();
  private final Defs defs;

  private PolicyFile(String source, Defs defs) {
    this.source = source;
    this.defs = defs;
  }

  /** Reads {@code text} (YAML when {@code yaml}, else JSON) into {@code defs}. */
  public static void read(String text, boolean yaml, String source, Defs defs) {
    PolicyFile f = new PolicyFile(source, defs);
    ObjectMapper mapper = yaml ? YAML : JSON;
    JsonNode root;
    try {
      f.locate(mapper.getFactory(), text);
      root = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      defs.readProblems.add(new PolicyProblem(PolicyProblem.Severity.ERROR, source, line, null,
          "not valid " + (yaml ? "YAML" : "JSON") + ": " + e.getOriginalMessage()));
      return;
    } catch (IOException e) {
      defs.readProblems.add(new PolicyProblem(PolicyProblem.Severity.ERROR, source, 0, null, e.getMessage()));
      return;
    }
    if (root == null || !root.isObject()) {
      f.error("", null, "a policy file is a mapping with attributes, roles, policies, exclusive and assignments");
      return;
    }
    f.document(root);
  }

  /** Reads one stored role (the file's role mapping) into {@code defs}. */
  static void readRole(String id, JsonNode node, String source, Defs defs) {
    new PolicyFile(source, defs).role(id, node, "");
  }

  /** Reads one stored policy (the file's rule mapping, with {@code effect} and {@code roles}) into {@code defs}. */
  static void readPolicy(JsonNode node, String source, Defs defs) {
    PolicyFile f = new PolicyFile(source, defs);
    Defs.RuleDef d = f.rule(node, "", null, node.path("id").asText("policy"));
    if (d != null) {
      defs.policies.add(d);
    }
  }

  /** Records the line of every value by its JSON pointer. */
  private void locate(JsonFactory factory, String text) throws IOException {
    try (JsonParser p = factory.createParser(text)) {
      while (p.nextToken() != null) {
        JsonToken t = p.currentToken();
        if (t == JsonToken.FIELD_NAME) {
          // a key's line is where what it names starts (a role, a rule's field)
          lines.putIfAbsent(p.getParsingContext().pathAsPointer().toString(), p.currentTokenLocation().getLineNr());
          continue;
        }
        String pointer = p.getParsingContext().pathAsPointer().toString();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          pointer = p.getParsingContext().getParent() == null ? ""
              : p.getParsingContext().getParent().pathAsPointer().toString();
        }
        lines.putIfAbsent(pointer, p.currentTokenLocation().getLineNr());
      }
    }
  }

  private int line(String pointer) {
    for (String p = pointer; ; ) {
      Integer l = lines.get(p);
      if (l != null) {
        return l;
      }
      int slash = p.lastIndexOf('/');
      if (slash < 0) {
        return 0;
      }
      p = p.substring(0, slash);
    }
  }

  private Loc loc(String pointer) {
    return new Loc(source, line(pointer));
  }

  private void error(String pointer, String subject, String message) {
    defs.readProblems.add(new PolicyProblem(PolicyProblem.Severity.ERROR, source, line(pointer), subject, message));
  }

  private static String esc(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private void keys(JsonNode node, String pointer, String subject, String... known) {
    Set<String> k = Set.of(known);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!k.contains(name)) {
        error(pointer + "/" + esc(name), subject, "unknown key '" + name + "' (known: " + String.join(", ", known)
            + ")");
      }
    }
  }

  private void document(JsonNode root) {
    keys(root, "", null, "attributes", "roles", "policies", "exclusive", "assignments");
    for (String a : strings(root.get("attributes"), "/attributes", null)) {
      defs.attributes.add(a);
    }
    JsonNode roles = root.get("roles");
    if (roles != null) {
      if (!roles.isObject()) {
        error("/roles", null, "roles is a mapping of role id to role");
      } else {
        roles.fields().forEachRemaining(e -> role(e.getKey(), e.getValue(), "/roles/" + esc(e.getKey())));
      }
    }
    JsonNode policies = root.get("policies");
    if (policies != null) {
      if (!policies.isArray()) {
        error("/policies", null, "policies is a list of rules");
      } else {
        for (int i = 0; i < policies.size(); i++) {
          Defs.RuleDef d = rule(policies.get(i), "/policies/" + i, null, "policies[" + i + "]");
          if (d != null) {
            defs.policies.add(d);
          }
        }
      }
    }
    JsonNode exclusive = root.get("exclusive");
    if (exclusive != null) {
      if (!exclusive.isArray()) {
        error("/exclusive", null, "exclusive is a list of lists of mutually exclusive roles");
      } else {
        for (int i = 0; i < exclusive.size(); i++) {
          String p = "/exclusive/" + i;
          defs.exclusive.add(new Defs.ExclusiveDef(strings(exclusive.get(i), p, null), loc(p)));
        }
      }
    }
    JsonNode assignments = root.get("assignments");
    if (assignments != null) {
      if (!assignments.isArray()) {
        error("/assignments", null, "assignments is a list");
      } else {
        for (int i = 0; i < assignments.size(); i++) {
          assignment(assignments.get(i), "/assignments/" + i);
        }
      }
    }
  }

  private void role(String id, JsonNode node, String pointer) {
    Defs.RoleDef role = new Defs.RoleDef(id, loc(pointer));
    if (node == null || node.isNull()) {
      defs.roles.add(role);
      return;
    }
    if (!node.isObject()) {
      error(pointer, id, "a role is a mapping with inherits, permissions, fields and description");
      return;
    }
    keys(node, pointer, id, "inherits", "permissions", "fields", "description");
    role.inherits.addAll(strings(node.get("inherits"), pointer + "/inherits", id));
    if (node.hasNonNull("description")) {
      role.description = node.get("description").asText();
    }
    JsonNode perms = node.get("permissions");
    if (perms != null) {
      if (!perms.isArray()) {
        error(pointer + "/permissions", id, "permissions is a list of rules");
      } else {
        for (int i = 0; i < perms.size(); i++) {
          Defs.RuleDef d = rule(perms.get(i), pointer + "/permissions/" + i, id, id + ".permissions[" + i + "]");
          if (d != null) {
            role.permissions.add(d);
          }
        }
      }
    }
    JsonNode fields = node.get("fields");
    if (fields != null) {
      if (!fields.isObject()) {
        error(pointer + "/fields", id, "fields is a mapping of resource type to read, write and mask");
      } else {
        fields.fields().forEachRemaining(e -> {
          FieldRules rules = fieldRules(e.getValue(), pointer + "/fields/" + esc(e.getKey()), id);
          if (rules != null) {
            role.fields.add(new Defs.FieldDef(e.getKey(), rules, loc(pointer + "/fields/" + esc(e.getKey()))));
          }
        });
      }
    }
    defs.roles.add(role);
  }

  private Defs.RuleDef rule(JsonNode node, String pointer, String role, String defaultId) {
    if (node == null || !node.isObject()) {
      error(pointer, role, "a rule is a mapping with id, resource, actions and optionally when"
          + (role == null ? ", effect and roles" : ""));
      return null;
    }
    if (role == null) {
      keys(node, pointer, defaultId, "id", "effect", "resource", "actions", "when", "roles", "description");
    } else {
      keys(node, pointer, defaultId, "id", "resource", "actions", "when", "description");
    }
    String id = node.hasNonNull("id") ? node.get("id").asText() : null;
    if (id == null) {
      id = role == null ? defaultId : role + ":" + node.path("resource").asText("?") + ":"
          + String.join(",", strings(node.get("actions"), null, null)).toLowerCase(Locale.ROOT);
    }
    Rule.Effect effect = Rule.Effect.PERMIT;
    if (node.hasNonNull("effect")) {
      String e = node.get("effect").asText().toUpperCase(Locale.ROOT);
      if (e.equals("PERMIT") || e.equals("ALLOW")) {
        effect = Rule.Effect.PERMIT;
      } else if (e.equals("FORBID") || e.equals("DENY")) {
        effect = Rule.Effect.FORBID;
      } else {
        error(pointer + "/effect", id, "effect is permit or forbid, not " + node.get("effect").asText());
      }
    }
    Set<Action> actions = EnumSet.noneOf(Action.class);
    for (String a : strings(node.get("actions"), pointer + "/actions", id)) {
      if (a.equals("*") || a.equalsIgnoreCase("all")) {
        actions.addAll(EnumSet.allOf(Action.class));
        continue;
      }
      try {
        actions.add(Action.valueOf(a.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        error(pointer + "/actions", id, "unknown action " + a + " (actions: "
            + String.join(", ", java.util.Arrays.stream(Action.values())
                .map(x -> x.name().toLowerCase(Locale.ROOT)).toList()) + ", or *)");
      }
    }
    String resource = node.hasNonNull("resource") ? node.get("resource").asText() : null;
    String when = node.hasNonNull("when") ? node.get("when").asText() : null;
    Rule r = new Rule(id, effect, resource, actions, when,
        new LinkedHashSet<>(strings(node.get("roles"), pointer + "/roles", id)));
    int whenLine = when == null ? 0 : lines.getOrDefault(pointer + "/when", line(pointer));
    return new Defs.RuleDef(r, role, loc(pointer), whenLine);
  }

  private FieldRules fieldRules(JsonNode node, String pointer, String role) {
    if (node == null || !node.isObject()) {
      error(pointer, role, "field rules are a mapping with read, write and mask");
      return null;
    }
    keys(node, pointer, role, "read", "write", "mask");
    FieldSet read = fieldSet(node.get("read"), pointer + "/read", role);
    FieldSet write = fieldSet(node.get("write"), pointer + "/write", role);
    Map<String, Mask> masks = new TreeMap<>();
    JsonNode mask = node.get("mask");
    if (mask != null) {
      if (!mask.isObject()) {
        error(pointer + "/mask", role, "mask is a mapping of field to mask (phone, email, hidden, last:N, "
            + "replace:TEXT)");
      } else {
        mask.fields().forEachRemaining(e -> {
          Mask m = mask(e.getValue().asText(), pointer + "/mask/" + esc(e.getKey()), role);
          if (m != null) {
            masks.put(e.getKey(), m);
          }
        });
      }
    }
    return new FieldRules(new FieldAccess(read, write, masks));
  }

  private FieldSet fieldSet(JsonNode node, String pointer, String role) {
    if (node == null || (node.isTextual() && (node.asText().equals("*") || node.asText().equals("all")))) {
      return FieldSet.all();
    }
    return FieldSet.of(new LinkedHashSet<>(strings(node, pointer, role)));
  }

  private Mask mask(String text, String pointer, String role) {
    String t = text.trim();
    String lower = t.toLowerCase(Locale.ROOT);
    if (lower.equals("phone")) {
      return Mask.phone();
    }
    if (lower.equals("email")) {
      return Mask.email();
    }
    if (lower.equals("hidden") || lower.equals("hide")) {
      return Mask.hidden();
    }
    if (lower.startsWith("last:")) {
      try {
        return Mask.keepLast(Integer.parseInt(t.substring(5).trim()));
      } catch (RuntimeException e) {
        // reported below
      }
    }
    if (lower.startsWith("replace:")) {
      return Mask.replaceWith(t.substring(8).trim());
    }
    error(pointer, role, "unknown mask " + text + " (masks: phone, email, hidden, last:N, replace:TEXT)");
    return null;
  }

  private void assignment(JsonNode node, String pointer) {
    if (node == null || !node.isObject()) {
      error(pointer, null, "an assignment is a mapping with tenant, user, role, and optionally scope, from, until");
      return;
    }
    keys(node, pointer, node.path("user").asText(null), "tenant", "user", "role", "scope", "from", "until");
    String user = node.path("user").asText(null);
    for (String required : List.of("tenant", "user", "role")) {
      if (!node.hasNonNull(required)) {
        error(pointer, user, "an assignment names its " + required);
        return;
      }
    }
    try {
      Assignment a = new Assignment(TenantId.of(node.get("tenant").asText()), user, node.get("role").asText(),
          null, null, null, null);
      JsonNode scope = node.get("scope");
      if (scope != null) {
        if (!scope.isObject() || scope.size() != 1) {
          error(pointer + "/scope", user, "a scope is one field and its value, e.g. {region: CN-East}");
          return;
        }
        Map.Entry<String, JsonNode> e = scope.fields().next();
        a = a.scopedTo(e.getKey(), e.getValue().asText());
      }
      if (node.hasNonNull("from")) {
        a = a.validFrom(Instant.parse(node.get("from").asText()));
      }
      if (node.hasNonNull("until")) {
        a = a.validUntil(Instant.parse(node.get("until").asText()));
      }
      defs.assignments.add(new Defs.AssignmentDef(a, loc(pointer)));
    } catch (RuntimeException e) {
      error(pointer, user, "not a valid assignment: " + e.getMessage());
    }
  }

  private List<String> strings(JsonNode node, String pointer, String subject) {
    List<String> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (node.isTextual()) {
      out.add(node.asText());
      return out;
    }
    if (!node.isArray()) {
      if (pointer != null) {
        error(pointer, subject, "expected a list of names");
      }
      return out;
    }
    for (JsonNode n : node) {
      if (n.isTextual()) {
        out.add(n.asText());
      } else if (pointer != null) {
        error(pointer, subject, "expected a name, not " + n);
      }
    }
    return out;
  }
}
