package dev.rapport.crm.rbac;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** A policy set as written (by a file or the builder), with where each part was written: what {@link Snapshot} compiles. */
final class Defs {
  /** Where a definition was written: a file and line, or the builder (line 0). */
  public record Loc(String source, int line) {
    public static final Loc BUILDER = new Loc("builder", 0);
  }

  /** @param conditionLine the line of the file where the condition's text starts (0: as {@code loc}) */
  public record RuleDef(Rule rule, @Nullable String role, Loc loc, int conditionLine) {}

  public record FieldDef(String resource, FieldRules rules, Loc loc) {}

  public static final class RoleDef {
    public final String id;
    public final Loc loc;
    public final List<String> inherits = new ArrayList<>();
    public final List<RuleDef> permissions = new ArrayList<>();
    public final List<FieldDef> fields = new ArrayList<>();
    public @Nullable String description;

    public RoleDef(String id, Loc loc) {
      this.id = id;
      this.loc = loc;
    }
  }

  public record ExclusiveDef(List<String> roles, Loc loc) {}

  public record AssignmentDef(Assignment assignment, Loc loc) {}

  public final Set<String> attributes = new LinkedHashSet<>();
  public final Map<String, Loc> attributeLocs = new LinkedHashMap<>();
  public final List<RoleDef> roles = new ArrayList<>();
  public final List<RuleDef> policies = new ArrayList<>();
  public final List<ExclusiveDef> exclusive = new ArrayList<>();
  public final List<AssignmentDef> assignments = new ArrayList<>();
  /** Problems found while reading (a file's syntax, unknown keys): reported with the compiler's. */
  public final List<dev.rapport.crm.rbac.PolicyProblem> readProblems = new ArrayList<>();

  public Defs copy() {
    Defs d = new Defs();
    d.attributes.addAll(attributes);
    d.attributeLocs.putAll(attributeLocs);
    d.roles.addAll(roles);
    d.policies.addAll(policies);
    d.exclusive.addAll(exclusive);
    d.assignments.addAll(assignments);
    d.readProblems.addAll(readProblems);
    return d;
  }
}
