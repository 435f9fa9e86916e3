package dev.rapport.crm.rbac;

import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.DataFilter;
import dev.rapport.crm.access.Decision;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.interaction.InteractionFields;
import dev.rapport.crm.servicecase.CaseFields;
import dev.rapport.crm.store.IndexSet;
import dev.rapport.crm.module.CrmModule;
import dev.rapport.crm.module.ModuleContext;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Role- and attribute-based access control: core's {@link AccessPolicy}, built from a policy file or in Java.
 *
 * <ul>
 *   <li><b>Roles</b> grant permissions (a resource type, actions, optionally a CEL condition), inherit other roles
 *       (a DAG), and restrict and mask fields. The host puts roles on the {@code Actor}; {@link Assignment}s add
 *       roles per tenant, optionally scoped to a team, department or region and limited in time.</li>
 *   <li><b>Policies</b> are permit or forbid rules with a CEL condition over {@code subject}, {@code resource},
 *       {@code before} and {@code env}, for everyone or for some roles. Forbid overrides permit; no permit denies;
 *       a condition that cannot be evaluated denies.</li>
 *   <li><b>Decisions</b> take no lock and allocate almost nothing: conditions are compiled from CEL's checked AST to
 *       Java, and the compiled set is an immutable snapshot. {@link #filter} turns the same rules into the criteria
 *       the store runs, so a page shows exactly the records {@link #check} allows.</li>
 * </ul>
 *
 * <pre>{@code
 * Rbac rbac = Rbac.fromFile(Path.of("access.yaml"));
 * Crm crm = Crm.builder().store(store).accessPolicy(rbac).audit(AuditRecorder.none())
 *     .indexes(CustomerFields.COLLECTION, rbac.requiredIndexes(CustomerFields.TYPE))
 *     .build();
 * }</pre>
 *
 * <p>Loading checks everything at once and throws a {@link PolicyException} listing every error with its file, line
 * and rule id: unknown roles, resource types, fields and attributes, CEL type errors, inheritance cycles, view or
 * export rules the store cannot run, mutually exclusive roles held together. Rules that can never apply or are
 * shadowed load, with {@link #warnings()}.
 */
public final class Rbac implements AccessPolicy, CrmModule {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Rbac.class);

  /**
   * Roles as administration talks about them: {@link Action#ASSIGN} on a role grants or revokes it ({@code
   * resource.id} is the role's id), {@link Action#ADMINISTER} defines or removes it, {@link Action#VIEW} lists
   * assignments.
   */
  public static final ResourceType ROLE = new ResourceType("role", dev.rapport.crm.store.CollectionSpec.of(
      "rbac_roles", dev.rapport.crm.store.IndexSpec.single("name", dev.rapport.crm.store.IndexType.STRING)),
      dev.rapport.crm.access.FieldCatalog.builder().build());
  /** Policies as administration talks about them: {@link Action#ADMINISTER} defines or removes one. */
  public static final ResourceType POLICY = new ResourceType("policy", dev.rapport.crm.store.CollectionSpec.of(
      "rbac_policies", dev.rapport.crm.store.IndexSpec.single("name", dev.rapport.crm.store.IndexType.STRING)),
      dev.rapport.crm.access.FieldCatalog.builder().build());

  private final Defs base;
  private final Snapshot baseSnapshot;
  private final Map<String, ResourceType> types;
  private final Clock clock;
  /** Per tenant: its stored layer compiled with the base, once a decision or a refresh asked for it. */
  private final java.util.concurrent.ConcurrentHashMap<dev.rapport.crm.actor.TenantId, Layer> layers =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile @org.jspecify.annotations.Nullable ModuleContext context;

  /** @param valid false when the stored layer did not compile and {@code snapshot} denies everything */
  private record Layer(long version, Snapshot snapshot, boolean valid) {}

  private Rbac(Defs base, Snapshot snapshot, Map<String, ResourceType> types, Clock clock) {
    this.base = base;
    this.baseSnapshot = snapshot;
    this.types = types;
    this.clock = clock;
  }

  /** The policy of {@code tenant}: the base, with the tenant's stored layer once this Rbac is part of a Crm. */
  private Snapshot snapshot(dev.rapport.crm.actor.TenantId tenant) {
    if (context == null) {
      return baseSnapshot;
    }
    Layer l = layers.get(tenant);
    if (l == null) {
      // the first decision for a tenant on this node reads its stored layer, once
      l = layers.computeIfAbsent(tenant, this::load);
    }
    return l.snapshot();
  }

  private Layer load(dev.rapport.crm.actor.TenantId tenant) {
    StoredPolicy.Layer stored = StoredPolicy.load(context.store(), tenant);
    if (stored.version() == 0) {
      return new Layer(0, baseSnapshot, true);
    }
    List<PolicyProblem> problems = new ArrayList<>();
    Snapshot s = compile(tenant, stored, problems);
    boolean valid = s != null;
    if (s == null) {
      // validated before it was written, so only a change to the base (a new policy file) gets here: fail closed
      LOG.error("the stored access policy of tenant {} does not compile with this policy file; every decision for"
          + " the tenant denies until it is fixed: {}", tenant.value(), problems);
      s = Snapshot.compile(new Defs(), types.values(), clock, new ArrayList<>());
    }
    return new Layer(stored.version(), s, valid);
  }

  /**
   * The compiled policy of {@code tenant} at the stored {@code version}, when this node already holds it (so that
   * administration does not compile the whole policy again to decide who may change it), else null.
   */
  @org.jspecify.annotations.Nullable Snapshot compiled(dev.rapport.crm.actor.TenantId tenant, long version) {
    Layer l = layers.get(tenant);
    return l != null && l.valid() && l.version() == version ? l.snapshot() : null;
  }

  /** The base with {@code tenant}'s stored layer {@code stored}: null (and errors in {@code problems}) if invalid. */
  @org.jspecify.annotations.Nullable Snapshot compile(dev.rapport.crm.actor.TenantId tenant, StoredPolicy.Layer stored,
                                                     List<PolicyProblem> problems) {
    if (stored.version() == 0 && stored.definitions().isEmpty() && stored.assignments().isEmpty()) {
      return baseSnapshot;
    }
    Defs d = base.copy();
    StoredPolicy.addTo(d, tenant, stored);
    return Snapshot.compile(d, types.values(), clock, problems);
  }

  /** Reads {@code tenant}'s stored layer again (after a change this node made). */
  void reload(dev.rapport.crm.actor.TenantId tenant) {
    layers.put(tenant, load(tenant));
  }

  Set<String> baseRoles() {
    return baseSnapshot.roleIds();
  }

  static Resource definitionResource(String kind, String id) {
    ObjectNode body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("id", id);
    return new Resource(kind.equals("role") ? ROLE : POLICY, id, body, null, Map.of("id", List.of(id)), null);
  }

  /**
   * Picks up what other nodes changed: for every tenant this node has decided for, reads the tenant's policy version
   * (one document) and, when it moved, its stored layer. Call it on a schedule (every second, say); that interval
   * bounds how long another node's grant, revoke or policy change takes to apply here.
   *
   * @return the number of tenants whose policy changed
   */
  public int refresh() {
    recordUse();
    ModuleContext c = context;
    if (c == null) {
      return 0;
    }
    int changed = 0;
    for (Map.Entry<dev.rapport.crm.actor.TenantId, Layer> e : layers.entrySet()) {
      if (StoredPolicy.version(c.store(), e.getKey()) != e.getValue().version()) {
        reload(e.getKey());
        changed++;
      }
    }
    return changed;
  }

  // ---- access review -----------------------------------------------------------------------------------------------

  /** One person's access in a review: who, and why they may (the deciding rules and the roles they hold). */
  public record Reviewed(Actor actor, Explanation why) {}

  /**
   * Who among {@code people} may do {@code action} on {@code record}, and why. {@code people} are the actors as
   * your application knows them (with their roles and attributes); {@link #knownPeople} lists the users this
   * policy and the directory know of in a tenant.
   */
  public List<Reviewed> whoCan(java.util.Collection<Actor> people, Action action, Resource record) {
    List<Reviewed> out = new ArrayList<>();
    for (Actor a : people) {
      Explanation e = explain(a, action, record);
      if (e.allowed()) {
        out.add(new Reviewed(a, e));
      }
    }
    return out;
  }

  /**
   * The users of {@code tenant} this Rbac knows: those with assignments (in the policy file or stored), and the
   * members of every role in the directory of its Crm — each as an actor with the roles the directory gives it (and
   * no attributes: add them for conditions on the subject).
   */
  public List<Actor> knownPeople(dev.rapport.crm.actor.TenantId tenant) {
    Map<String, java.util.Set<String>> roles = new java.util.TreeMap<>();
    Snapshot s = snapshot(tenant);
    for (Assignment a : s.assignmentsOf(tenant)) {
      roles.computeIfAbsent(a.userId(), k -> new java.util.TreeSet<>());
    }
    ModuleContext c = context;
    if (c != null) {
      for (String role : s.roleIds()) {
        for (String user : c.directory().membersOfRole(tenant, role)) {
          roles.computeIfAbsent(user, k -> new java.util.TreeSet<>()).add(role);
        }
      }
    }
    List<Actor> out = new ArrayList<>();
    roles.forEach((user, rs) -> out.add(Actor.of(tenant, user).withRoles(rs.toArray(String[]::new))));
    return out;
  }

  /**
   * Everything {@code actor} can reach: for each resource type and action it may do on some record, the records
   * it may do it on (always, or a criteria over the type's fields; the view and export ones are exactly what its
   * lists show).
   */
  public Map<String, Map<Action, DataFilter>> reach(Actor actor) {
    Snapshot s = snapshot(actor.tenant());
    Map<String, Map<Action, DataFilter>> out = new java.util.LinkedHashMap<>();
    for (ResourceType t : types.values()) {
      Map<Action, DataFilter> byAction = new java.util.EnumMap<>(Action.class);
      for (Action a : Action.values()) {
        DataFilter f = s.reach(actor, a, t);
        if (!(f instanceof DataFilter.Never)) {
          byAction.put(a, f);
        }
      }
      if (!byAction.isEmpty()) {
        out.put(t.name(), byAction);
      }
    }
    return out;
  }

  /** An assignment nobody used lately, with when it was last used (null: not since it was granted, or known). */
  public record Dormant(Assignment assignment, java.time.@org.jspecify.annotations.Nullable Instant lastUsed) {}

  /** When grants last allowed a decision, as this node saw it: for assignments not stored (the file's). */
  private final java.util.concurrent.ConcurrentHashMap<String, java.time.Instant> lastUse =
      new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * Records which grants allowed decisions since the last call: in the stored assignment (its {@code lastUsedAt},
   * written at most once a day per grant) or, for the policy file's assignments, in this node's memory.
   * {@link #refresh()} calls it.
   */
  private void recordUse() {
    java.time.Instant now = clock.instant();
    List<Snapshot> snapshots = new ArrayList<>();
    snapshots.add(baseSnapshot);
    layers.values().forEach(l -> snapshots.add(l.snapshot()));
    ModuleContext c = context;
    for (Snapshot s : snapshots) {
      for (Assignment a : s.drainUsed()) {
        String id = StoredPolicy.assignmentId(a);
        lastUse.put(a.tenant().value() + "\u0000" + id, now);
        if (c != null) {
          StoredPolicy.recordUse(c.store(), a, id, now);
        }
      }
    }
  }

  /**
   * The grants of {@code tenant} that allowed no decision for {@code unusedFor} (or ever, as far as is known): the
   * stored ones by their recorded last use (or their grant time), the policy file's by this node's memory since it
   * started.
   */
  public List<Dormant> dormantGrants(dev.rapport.crm.actor.TenantId tenant, java.time.Duration unusedFor) {
    recordUse();
    java.time.Instant cutoff = clock.instant().minus(unusedFor);
    Map<String, com.fasterxml.jackson.databind.JsonNode> stored = new java.util.HashMap<>();
    ModuleContext c = context;
    if (c != null) {
      for (dev.rapport.crm.store.Document d : StoredPolicy.load(c.store(), tenant).assignments()) {
        stored.put(d.id(), d.body());
      }
    }
    List<Dormant> out = new ArrayList<>();
    for (Assignment a : snapshot(tenant).assignmentsOf(tenant)) {
      String id = StoredPolicy.assignmentId(a);
      com.fasterxml.jackson.databind.JsonNode body = stored.get(id);
      java.time.Instant used = lastUse.get(tenant.value() + "\u0000" + id);
      java.time.Instant since = used;
      if (body != null && body.hasNonNull("lastUsedAt")) {
        java.time.Instant recorded = java.time.Instant.parse(body.get("lastUsedAt").asText());
        used = used == null || recorded.isAfter(used) ? recorded : used;
        since = used;
      }
      if (since == null && body != null && body.hasNonNull("grantedAt")) {
        since = java.time.Instant.parse(body.get("grantedAt").asText());
      }
      if (since == null || since.isBefore(cutoff)) {
        out.add(new Dormant(a, used));
      }
    }
    return out;
  }

  /** Every assignment of {@code tenant}, from the policy file and stored, active or not. */
  public List<Assignment> assignments(dev.rapport.crm.actor.TenantId tenant) {
    return snapshot(tenant).assignmentsOf(tenant);
  }

  /** Administration at run time (grants, revokes, stored roles and policies); needs this Rbac to be in a Crm. */
  public RbacAdmin admin() {
    ModuleContext c = context;
    if (c == null) {
      throw new IllegalStateException("administration stores roles and grants in the Crm's store: build a Crm with"
          + " accessPolicy(rbac) first");
    }
    return new RbacAdmin(this, c);
  }

  @Override
  public String name() {
    return "rbac";
  }

  @Override
  public List<dev.rapport.crm.store.CollectionSpec> collections() {
    return List.of(StoredPolicy.DEFINITIONS_SPEC, StoredPolicy.ASSIGNMENTS_SPEC);
  }

  @Override
  public void start(ModuleContext value) {
    if (context != null) {
      throw new IllegalStateException("an Rbac serves one Crm");
    }
    context = value;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The policy in {@code file} (YAML for {@code .yaml}/{@code .yml}, JSON for {@code .json}). */
  public static Rbac fromFile(Path file) {
    return builder().load(file).build();
  }

  /** The policy in a class-path resource ({@code "access.yaml"}); see {@link Builder#loadResource}. */
  public static Rbac fromResource(String name) {
    return builder().loadResource(name).build();
  }

  /** The policy in {@code yaml}; {@code source} names it in problems. */
  public static Rbac fromYaml(String yaml, String source) {
    return builder().loadYaml(yaml, source).build();
  }

  @Override
  public Decision check(Actor actor, Action action, Resource resource) {
    return snapshot(actor.tenant()).check(actor, action, resource);
  }

  @Override
  public DataFilter filter(Actor actor, Action action, ResourceType type) {
    return snapshot(actor.tenant()).filter(actor, action, type);
  }

  /**
   * The decision with its reasons: the rules that decided it, and for the permits that did not apply, why not (the
   * role not held, the record out of an assignment's scope, or the parts of the condition that failed).
   */
  public Explanation explain(Actor actor, Action action, Resource resource) {
    return snapshot(actor.tenant()).explain(actor, action, resource);
  }

  /** Rules that can never apply, rules shadowed by others, roles granting nothing, unindexed filter fields. */
  public List<PolicyProblem> warnings() {
    return baseSnapshot.warnings();
  }

  /**
   * The index set {@code type}'s collection needs for this policy: its default set plus every field the view and
   * export rules filter on (and the fields assignments are scoped to). Pass it to {@code Crm.builder().indexes}.
   */
  public IndexSet requiredIndexes(ResourceType type) {
    Set<String> fields = baseSnapshot.listingFields(type.name());
    IndexSet set = type.collection().indexSet();
    return fields.isEmpty() ? set : set.with(fields.stream().filter(f -> !f.equals("id")).toArray(String[]::new));
  }

  /** The resource types this policy knows. */
  public Map<String, ResourceType> resourceTypes() {
    return types;
  }

  /** Builds an {@link Rbac}: files and Java definitions may be mixed; {@link #build()} checks them together. */
  public static final class Builder {
    private final Defs defs = new Defs();
    private final Map<String, ResourceType> types = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();

    private Builder() {
      for (ResourceType t : List.of(CustomerFields.TYPE, InteractionFields.TYPE, CaseFields.TYPE, ROLE, POLICY)) {
        types.put(t.name(), t);
      }
    }

    /** Reads a policy file: YAML for {@code .yaml}/{@code .yml}, JSON for {@code .json}. */
    public Builder load(Path file) {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
      if (!yaml && !name.endsWith(".json")) {
        throw new IllegalArgumentException("a policy file ends in .yaml, .yml or .json: " + file);
      }
      try {
        PolicyFile.read(Files.readString(file, StandardCharsets.UTF_8), yaml, file.getFileName().toString(), defs);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the policy file " + file, e);
      }
      return this;
    }

    /**
     * Reads a policy file from the class path ({@code "access.yaml"}, {@code "policies/crm.json"}), with the class
     * loader of the current thread: how an application ships its policy inside its jar.
     */
    public Builder loadResource(String name) {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      if (loader == null) {
        loader = Rbac.class.getClassLoader();
      }
      try (java.io.InputStream in = loader.getResourceAsStream(name)) {
        if (in == null) {
          throw new IllegalArgumentException("no policy file " + name + " on the class path");
        }
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".json")) {
          return loadJson(text, name);
        }
        if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
          return loadYaml(text, name);
        }
        throw new IllegalArgumentException("a policy file ends in .yaml, .yml or .json: " + name);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the policy file " + name, e);
      }
    }

    /** Reads a policy in YAML; {@code source} names it in problems. */
    public Builder loadYaml(String yaml, String source) {
      PolicyFile.read(yaml, true, source, defs);
      return this;
    }

    /** Reads a policy in JSON; {@code source} names it in problems. */
    public Builder loadJson(String json, String source) {
      PolicyFile.read(json, false, source, defs);
      return this;
    }

    /** Resource types beyond customer, interaction and case (or replacing them, by name). */
    public Builder resourceTypes(ResourceType... more) {
      for (ResourceType t : more) {
        types.put(t.name(), t);
      }
      return this;
    }

    /** Subject attributes conditions may read ({@code subject.region}): text the host puts on the actor. */
    public Builder attributes(String... names) {
      defs.attributes.addAll(Arrays.asList(names));
      return this;
    }

    /** A role, defined by {@code spec}. */
    public Builder role(String id, Consumer<RoleBuilder> spec) {
      Defs.RoleDef def = new Defs.RoleDef(Objects.requireNonNull(id, "id"), Defs.Loc.BUILDER);
      spec.accept(new RoleBuilder(def));
      defs.roles.add(def);
      return this;
    }

    /** A policy: a permit or forbid rule for everyone, or for the roles it names. */
    public Builder policy(Rule rule) {
      defs.policies.add(new Defs.RuleDef(rule, null, Defs.Loc.BUILDER, 0));
      return this;
    }

    /** Roles no one may hold together (separation of duties), directly, by inheritance or by assignment. */
    public Builder exclusive(String... roles) {
      defs.exclusive.add(new Defs.ExclusiveDef(List.of(roles), Defs.Loc.BUILDER));
      return this;
    }

    public Builder assign(Assignment assignment) {
      defs.assignments.add(new Defs.AssignmentDef(assignment, Defs.Loc.BUILDER));
      return this;
    }

    /** The clock for {@code env.now} and assignment validity. Default: the system clock, UTC. */
    public Builder clock(Clock value) {
      clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** Compiles everything; throws {@link PolicyException} listing every error. */
    public Rbac build() {
      List<PolicyProblem> problems = new ArrayList<>();
      Defs copy = defs.copy();
      Snapshot s = Snapshot.compile(copy, types.values(), clock, problems);
      if (s == null) {
        throw new PolicyException(problems);
      }
      return new Rbac(copy, s, Map.copyOf(types), clock);
    }
  }

  /** Defines one role. */
  public static final class RoleBuilder {
    private final Defs.RoleDef def;

    private RoleBuilder(Defs.RoleDef def) {
      this.def = def;
    }

    /** Roles whose permissions and fields this role has too. */
    public RoleBuilder inherits(String... roles) {
      def.inherits.addAll(Arrays.asList(roles));
      return this;
    }

    /** Permits {@code actions} on every record of {@code resource}. */
    public RoleBuilder permit(String resource, Action... actions) {
      return permit(Rule.permit(defaultId(resource, actions)).on(resource).actions(actions));
    }

    /** Permits {@code actions} on the records of {@code resource} for which the CEL {@code condition} holds. */
    public RoleBuilder permitWhen(String resource, String condition, Action... actions) {
      return permit(Rule.permit(defaultId(resource, actions)).on(resource).actions(actions).when(condition));
    }

    /** A permission given as a rule (its {@code roles} must be empty: the permission is this role's). */
    public RoleBuilder permit(Rule rule) {
      if (rule.effect() != Rule.Effect.PERMIT) {
        throw new IllegalArgumentException("a role's permission permits; a forbid is a policy: Builder.policy("
            + "Rule.forbid(...).forRoles(\"" + def.id + "\"))");
      }
      def.permissions.add(new Defs.RuleDef(rule, def.id, Defs.Loc.BUILDER, 0));
      return this;
    }

    /** What this role may read, write and sees masked of {@code resource}'s fields. */
    public RoleBuilder fields(String resource, FieldRules rules) {
      def.fields.add(new Defs.FieldDef(resource, rules, Defs.Loc.BUILDER));
      return this;
    }

    private String defaultId(String resource, Action... actions) {
      String base = def.id + ":" + resource + ":" + String.join(",", Arrays.stream(actions)
          .map(a -> a.name().toLowerCase(Locale.ROOT)).toList());
      String id = base;
      for (int n = 2; contains(id); n++) {
        id = base + "#" + n;
      }
      return id;
    }

    private boolean contains(String id) {
      return def.permissions.stream().anyMatch(p -> p.rule().id().equals(id));
    }
  }
}
