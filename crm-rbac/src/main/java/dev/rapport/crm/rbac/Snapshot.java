package dev.rapport.crm.rbac;

import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.DataFilter;
import dev.rapport.crm.access.Decision;
import dev.rapport.crm.access.FieldAccess;
import dev.rapport.crm.access.FieldSet;
import dev.rapport.crm.access.Mask;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.rbac.Explanation.Outcome;
import dev.rapport.crm.rbac.Explanation.RuleOutcome;
import dev.rapport.crm.rbac.Defs.Loc;
import dev.rapport.crm.rbac.Defs.RoleDef;
import dev.rapport.crm.rbac.Defs.RuleDef;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A compiled policy set: immutable, shared by every decision without locks. Role closures, rules per resource type,
 * action and role, the field access of each role, and the decisions a rule hands out are all computed here, once.
 */
final class Snapshot {
  private static final int ACTIONS = Action.values().length;
  private static final CRule[] NO_RULES = new CRule[0];
  private static final Set<Action> LISTING = EnumSet.of(Action.VIEW, Action.EXPORT);
  static final String NO_PERMIT = "no-permit";
  static final String UNKNOWN_TYPE = "unknown-resource-type";
  private static final Decision DENY_NO_PERMIT = Decision.deny(NO_PERMIT);
  private static final Decision DENY_UNKNOWN_TYPE = Decision.deny(UNKNOWN_TYPE);

  private final Clock clock;
  private final Map<String, TypeRules> types;
  private final Map<String, Set<String>> closure;
  private final Map<TenantId, Map<String, List<Assignment>>> assignments;
  /** Per tenant and user whose assignments are all unscoped and open-ended: the roles they hold, computed once. */
  private final SteadyTable steadyHeld;
  private final Map<TenantId, Map<String, Usage>> usage;
  private final TypeRules[] typeArray;
  /** Per set of host roles (actors without assignments): the resolved roles, up to {@link #HOST_SETS} sets. */
  private final java.util.concurrent.ConcurrentHashMap<Set<String>, Held> hostHeld =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final int HOST_SETS = 4096;
  private final List<PolicyProblem> warnings;
  private final Map<String, Set<String>> listingFields;
  private final Map<String, RoleInfo> roles;
  private final List<Set<String>> exclusive;

  /** A compiled rule. */
  static final class CRule {
    final String id;
    final Rule.Effect effect;
    final String type;
    final Set<Action> actions;
    final @Nullable String role;
    final Set<String> forRoles;
    final @Nullable Cond cond;
    final @Nullable String text;
    final List<Conjunct> conjuncts;
    final Decision deny;
    final Loc loc;

    CRule(RuleDef def, @Nullable Cond cond, List<Conjunct> conjuncts) {
      Rule r = def.rule();
      this.id = r.id();
      this.effect = r.effect();
      this.type = r.resource();
      this.actions = r.actions();
      this.role = def.role();
      this.forRoles = r.roles();
      this.cond = cond;
      this.text = r.condition();
      this.conjuncts = conjuncts;
      this.deny = Decision.deny(r.id());
      this.loc = def.loc();
    }
  }

  record Conjunct(String text, Cond cond) {}

  /** What one role (with what it inherits) has on one resource type. */
  static final class RoleRules {
    final CRule[][] permits = new CRule[ACTIONS][];
    final Decision[][] allow = new Decision[ACTIONS][];
    final CRule[][] forbids = new CRule[ACTIONS][];
    FieldAccess fields = FieldAccess.all();
    boolean contributes;
  }

  static final class TypeRules {
    /** This type's place in every {@link Held}'s resolved arrays. */
    int index;
    final ResourceType type;
    final Map<String, RoleRules> byRole = new HashMap<>();
    final CRule[][] openPermits = new CRule[ACTIONS][];
    final CRule[][] openForbids = new CRule[ACTIONS][];
    final List<CRule> all = new ArrayList<>();

    TypeRules(ResourceType type) {
      this.type = type;
    }
  }

  record RoleInfo(String id, Set<String> closure, Loc loc) {}

  private Snapshot(Clock clock, Map<String, TypeRules> types, Map<String, Set<String>> closure,
                   Map<TenantId, Map<String, List<Assignment>>> assignments, List<PolicyProblem> warnings,
                   Map<String, Set<String>> listingFields, Map<String, RoleInfo> roles, List<Set<String>> exclusive) {
    this.clock = clock;
    this.types = types;
    this.closure = closure;
    this.assignments = assignments;
    this.typeArray = types.values().toArray(TypeRules[]::new);
    for (int i = 0; i < typeArray.length; i++) {
      typeArray[i].index = i;
    }
    Map<TenantId, Map<String, Held>> steady = new HashMap<>();
    Map<Set<String>, Held> sharedHeld = new HashMap<>();
    Map<TenantId, Map<String, Usage>> uses = new HashMap<>();
    assignments.forEach((tenant, users) -> users.forEach((user, list) -> {
      Usage u = new Usage(list);
      uses.computeIfAbsent(tenant, k -> new HashMap<>()).put(user, u);
      if (list.stream().allMatch(a -> a.scopeField() == null && a.validFrom() == null && a.validUntil() == null)) {
        Set<String> held = new java.util.LinkedHashSet<>();
        list.forEach(a -> held.add(a.role()));
        // users holding the same roles share the resolved arrays: fewer distinct objects for decisions to touch
        Held base = sharedHeld.computeIfAbsent(Set.copyOf(held), r -> new Held(r, List.of(), null, typeArray, true));
        Held mine = base.withUsage(u);
        steady.computeIfAbsent(tenant, k -> new HashMap<>()).put(user, mine);
      }
    }));
    this.steadyHeld = new SteadyTable(steady, typeArray.length * ACTIONS);
    this.usage = uses;
    this.warnings = warnings;
    this.listingFields = listingFields;
    this.roles = roles;
    this.exclusive = exclusive;
  }

  public List<PolicyProblem> warnings() {
    return warnings;
  }

  /** The fields the listing rules of {@code type} filter on (they must be indexed in its collection). */
  public Set<String> listingFields(String type) {
    return listingFields.getOrDefault(type, Set.of());
  }

  public Set<String> roleIds() {
    return roles.keySet();
  }

  public List<Set<String>> exclusive() {
    return exclusive;
  }

  public Map<String, Set<String>> closures() {
    return closure;
  }

  public Clock clock() {
    return clock;
  }

  public Collection<Map<String, List<Assignment>>> assignmentsByTenant() {
    return assignments.values();
  }

  // ---- decisions ---------------------------------------------------------------------------------------------------

  /** The roles an actor holds now: the host's, plus active unscoped assignments; scoped ones apart. */
  /**
   * The roles an actor holds in one decision, resolved once against every type: for each type, the {@link RoleRules}
   * of the unscoped roles that have any (in the roles' order), and the field access of their union. Precomputed for
   * users whose roles come from steady assignments and cached per set of host roles, so that a decision makes no
   * map look-up per role and iterates arrays.
   */
  private static final class Held {
    final Set<String> roles;
    final List<Assignment> scoped;
    final @Nullable Usage usage;
    final RoleRules[][] rules;
    final String[][] names;
    /** Per type: the union of the contributing unscoped roles' field access, or null when none contributes. */
    final @Nullable FieldAccess[] fields;
    /** Per type: the one contributing unscoped role's rules, when exactly one contributes (its decisions are precomputed). */
    final @Nullable RoleRules[] single;
    /**
     * Per type and action ({@code type * ACTIONS + action}): the decision when it does not depend on the request (no
     * condition is read before an unconditional rule decides, and no scoped role takes part), else null.
     */
    final @Nullable Decision @Nullable [] fixed;
    /** Per type and action: the place in {@link #names} of the role whose permit makes {@link #fixed}, else -1. */
    final int @Nullable [] fixedBy;

    private Held(Held base, @Nullable Usage usage) {
      this.roles = base.roles;
      this.scoped = base.scoped;
      this.usage = usage;
      this.rules = base.rules;
      this.names = base.names;
      this.fields = base.fields;
      this.single = base.single;
      this.fixed = base.fixed;
      this.fixedBy = base.fixedBy;
    }

    /** The same resolved roles, counting the uses of one user's assignments. */
    Held withUsage(@Nullable Usage value) {
      return new Held(this, value);
    }

    /** @param reused whether the holder serves many decisions (then its {@link #fixed} decisions are computed) */
    Held(Set<String> roles, List<Assignment> scoped, @Nullable Usage usage, TypeRules[] types, boolean reused) {
      this.roles = roles;
      this.scoped = scoped;
      this.usage = usage;
      this.rules = new RoleRules[types.length][];
      this.names = new String[types.length][];
      this.fields = new FieldAccess[types.length];
      this.single = new RoleRules[types.length];
      for (TypeRules t : types) {
        List<RoleRules> rs = new ArrayList<>();
        List<String> ns = new ArrayList<>();
        List<FieldAccess> contributing = new ArrayList<>();
        RoleRules one = null;
        for (String role : roles) {
          RoleRules rr = t.byRole.get(role);
          if (rr != null) {
            rs.add(rr);
            ns.add(role);
            if (rr.contributes) {
              contributing.add(rr.fields);
              one = contributing.size() == 1 ? rr : null;
            }
          }
        }
        rules[t.index] = rs.toArray(RoleRules[]::new);
        names[t.index] = ns.toArray(String[]::new);
        fields[t.index] = contributing.isEmpty() ? null : union(contributing);
        single[t.index] = one;
      }
      if (!reused || !scoped.isEmpty()) {
        this.fixed = null;
        this.fixedBy = null;
      } else {
        this.fixed = new Decision[types.length * ACTIONS];
        this.fixedBy = new int[types.length * ACTIONS];
        java.util.Arrays.fill(fixedBy, -1);
        for (TypeRules t : types) {
          for (int a = 0; a < ACTIONS; a++) {
            fix(t, a);
          }
        }
      }
    }

    /**
     * Walks the rules {@link #check} would walk, in its order, up to the first that decides: fixed when that rule
     * is unconditional (a forbid denies, a permit allows) and no conditional rule comes before it, or when no rule
     * applies at all.
     */
    private void fix(TypeRules t, int a) {
      Decision[] fixed = java.util.Objects.requireNonNull(this.fixed);
      int[] fixedBy = java.util.Objects.requireNonNull(this.fixedBy);
      int at = t.index * ACTIONS + a;
      RoleRules[] mine = rules[t.index];
      for (RoleRules rr : mine) {
        for (CRule f : rr.forbids[a]) {
          if (f.cond != null) {
            return;
          }
          fixed[at] = f.deny;
          return;
        }
      }
      for (CRule f : t.openForbids[a]) {
        if (f.cond != null) {
          return;
        }
        fixed[at] = f.deny;
        return;
      }
      for (int k = 0; k < mine.length; k++) {
        RoleRules rr = mine[k];
        CRule[] ps = rr.permits[a];
        if (ps.length > 0) {
          if (ps[0].cond != null) {
            return;
          }
          fixed[at] = allowedWith(t, rr, rr.allow[a][0], ps[0]);
          fixedBy[at] = k;
          return;
        }
      }
      for (CRule p : t.openPermits[a]) {
        if (p.cond != null) {
          return;
        }
        fixed[at] = allowedWith(t, null, null, p);
        return;
      }
      fixed[at] = DENY_NO_PERMIT;
    }

    /** {@link Snapshot#allowed} for a holder without scoped roles. */
    private Decision allowedWith(TypeRules t, @Nullable RoleRules decider, @Nullable Decision precomputed, CRule rule) {
      RoleRules one = single[t.index];
      if (one != null && one == decider && precomputed != null) {
        return precomputed;
      }
      FieldAccess union = fields[t.index];
      return Decision.allow(union == null ? FieldAccess.all() : union, rule.id);
    }
  }

  /**
   * The steady holders by tenant and user, laid out flat for the decisions that need no condition: an open-addressed
   * {@code int[]} of four words per slot (hash, key offset, key lengths, holder profile and a used flag), the keys back
   * to back in one string, and the fixed decisions of every distinct set of roles in one array. At 110,000 policy
   * lines such a decision is bound by memory reads, not by computation: it reads the slot, the key's characters and
   * one element of the decisions, instead of a slot, a key string and its bytes, a holder and its array.
   */
  static final class SteadyTable {
    private static final int STRIDE = 4;
    private static final int MAX_TENANT = 0xFF;
    private static final int MAX_USER = 0x7FFFFF;
    private final int[] meta;
    private final int mask;
    private final String keys;
    /** Per slot: the user's holder (its roles' resolved arrays and its usage), for every other path. */
    private final Held[] holders;
    /** Per profile (distinct set of roles) and {@code type * ACTIONS + action}: the fixed decision, else null. */
    private final @Nullable Decision[] fixed;
    private final int[] fixedBy;
    private final int width;

    /**
     * @param byTenant the users' holders; users sharing a set of roles share its {@link Held#fixed} array, whose
     *     identity makes the profile
     * @param width the length of a holder's {@link Held#fixed} array
     */
    SteadyTable(Map<TenantId, Map<String, Held>> byTenant, int width) {
      this.width = width;
      List<String> tenants = new ArrayList<>();
      List<String> users = new ArrayList<>();
      List<Held> held = new ArrayList<>();
      byTenant.forEach((tenant, us) -> us.forEach((user, h) -> {
        if (tenant.value().length() <= MAX_TENANT && user.length() <= MAX_USER && h.fixed != null) {
          tenants.add(tenant.value());
          users.add(user);
          held.add(h);
        }
      }));
      int n = held.size();
      int size = Integer.highestOneBit(Math.max(4, n * 2 + 1)) << 1; // load factor at most 1/2
      this.mask = size - 1;
      this.meta = new int[size * STRIDE];
      this.holders = new Held[size];
      int[] entryAt = new int[size];
      java.util.Arrays.fill(entryAt, -1);
      for (int e = 0; e < n; e++) {
        int i = hash(tenants.get(e), users.get(e)) & mask;
        while (entryAt[i] >= 0) {
          i = (i + 1) & mask;
        }
        entryAt[i] = e;
      }
      java.util.IdentityHashMap<Object, Integer> profiles = new java.util.IdentityHashMap<>();
      List<Held> profileHeld = new ArrayList<>();
      StringBuilder chars = new StringBuilder();
      for (int i = 0; i < size; i++) {
        int e = entryAt[i];
        if (e < 0) {
          continue;
        }
        String tenant = tenants.get(e);
        String user = users.get(e);
        Held h = held.get(e);
        int profile = profiles.computeIfAbsent(java.util.Objects.requireNonNull(h.fixed), f -> {
          profileHeld.add(h);
          return profileHeld.size() - 1;
        });
        meta[i * STRIDE] = hash(tenant, user);
        meta[i * STRIDE + 1] = chars.length();
        meta[i * STRIDE + 2] = ~(tenant.length() << 23 | user.length()); // never 0: 0 marks an empty slot
        meta[i * STRIDE + 3] = profile << 1;
        chars.append(tenant).append(user);
        holders[i] = h;
        if (h.usage != null) {
          h.usage.slot = i;
        }
      }
      this.keys = chars.toString();
      this.fixed = new Decision[profileHeld.size() * width];
      this.fixedBy = new int[profileHeld.size() * width];
      for (int p = 0; p < profileHeld.size(); p++) {
        Held h = profileHeld.get(p);
        System.arraycopy(java.util.Objects.requireNonNull(h.fixed), 0, fixed, p * width, width);
        System.arraycopy(java.util.Objects.requireNonNull(h.fixedBy), 0, fixedBy, p * width, width);
      }
    }

    /** Both strings' cached hashes, mixed (murmur3's finalizer): ids like t17/u5 differ in few low bits. */
    private static int hash(String tenant, String user) {
      int h = tenant.hashCode() * 0x9E3779B9 ^ user.hashCode();
      h ^= h >>> 16;
      h *= 0x85EBCA6B;
      h ^= h >>> 13;
      h *= 0xC2B2AE35;
      return h ^ (h >>> 16);
    }

    /** The slot of (tenant, user), or -1. */
    int find(String tenant, String user) {
      int[] m = meta;
      int h = hash(tenant, user);
      int lens = ~(tenant.length() << 23 | user.length());
      for (int i = h & mask; ; i = (i + 1) & mask) {
        int at = i * STRIDE;
        int l = m[at + 2];
        if (l == 0) {
          return -1;
        }
        if (m[at] == h && l == lens) {
          int off = m[at + 1];
          if (keys.regionMatches(off + tenant.length(), user, 0, user.length())
              && keys.regionMatches(off, tenant, 0, tenant.length())) {
            return i;
          }
        }
      }
    }

    Held holder(int slot) {
      return holders[slot];
    }

    /** The decision for {@code at} ({@code type * ACTIONS + action}) that needs no condition, else null. */
    @Nullable Decision fixed(int slot, int at) {
      return fixed[(meta[slot * STRIDE + 3] >>> 1) * width + at];
    }

    /** The place in {@link Held#names} of the role whose permit makes {@link #fixed}, else -1. */
    int fixedBy(int slot, int at) {
      return fixedBy[(meta[slot * STRIDE + 3] >>> 1) * width + at];
    }

    /**
     * Every assignment of the slot's usage is flagged: a decision reads this bit in the slot it already has and
     * returns. Plain, not volatile: a race with {@link #drainUsed} can lose one mark, which the next decision by the
     * same grant sets again.
     */
    boolean marked(int slot) {
      return (meta[slot * STRIDE + 3] & 1) != 0;
    }

    void mark(int slot, boolean value) {
      int w = meta[slot * STRIDE + 3];
      meta[slot * STRIDE + 3] = value ? w | 1 : w & ~1;
    }
  }

  /**
   * Which of a user's assignments allowed a decision since the last {@link #drainUsed}: one flag per assignment,
   * set without a lock or a clock (a lost race only sets a flag already being set).
   */
  static final class Usage {
    final Assignment[] assignments;
    final boolean[] used;
    /** The user's slot in the {@link SteadyTable}, whose used flag {@link #drainUsed} clears; -1 when none. */
    int slot = -1;

    Usage(List<Assignment> assignments) {
      this.assignments = assignments.toArray(Assignment[]::new);
      this.used = new boolean[this.assignments.length];
    }

    /** Flags the unscoped assignments of {@code role}; whether every flag is now set. */
    boolean mark(String role) {
      boolean all = true;
      for (int i = 0; i < assignments.length; i++) {
        if (!used[i] && assignments[i].scopeField() == null && assignments[i].role().equals(role)) {
          used[i] = true;
        }
        all &= used[i];
      }
      return all;
    }

    void mark(Assignment scoped) {
      for (int i = 0; i < assignments.length; i++) {
        if (assignments[i] == scoped) {
          used[i] = true;
        }
      }
    }
  }

  /** The assignments that allowed a decision since the last call, flags cleared. */
  List<Assignment> drainUsed() {
    List<Assignment> out = new ArrayList<>();
    for (Map<String, Usage> users : usage.values()) {
      for (Usage u : users.values()) {
        if (u.slot >= 0) {
          steadyHeld.mark(u.slot, false);
        }
        for (int i = 0; i < u.used.length; i++) {
          if (u.used[i]) {
            u.used[i] = false;
            out.add(u.assignments[i]);
          }
        }
      }
    }
    return out;
  }

  private Held held(Actor actor) {
    if (actor.roles().isEmpty()) {
      // the usual shape when roles come from assignments: nothing to compute per decision
      int slot = steadyHeld.find(actor.tenant().value(), actor.userId());
      if (slot >= 0) {
        return steadyHeld.holder(slot);
      }
    }
    return unsteadyHeld(actor);
  }

  /** The roles of an actor the {@link SteadyTable} does not hold: host roles, or assignments to resolve now. */
  private Held unsteadyHeld(Actor actor) {
    Map<String, List<Assignment>> ofTenant = assignments.get(actor.tenant());
    List<Assignment> mine = ofTenant == null ? null : ofTenant.get(actor.userId());
    if (mine == null) {
      Held h = hostHeld.get(actor.roles());
      if (h == null) {
        h = new Held(actor.roles(), List.of(), null, typeArray, true);
        if (hostHeld.size() < HOST_SETS) {
          hostHeld.put(actor.roles(), h);
        }
      }
      return h;
    }
    java.time.Instant now = clock.instant();
    Set<String> all = new HashSet<>(actor.roles());
    List<Assignment> scoped = new ArrayList<>();
    for (Assignment a : mine) {
      if (!a.activeAt(now)) {
        continue;
      }
      if (a.scopeField() == null) {
        all.add(a.role());
      } else {
        scoped.add(a);
      }
    }
    return new Held(all, scoped, usage.get(actor.tenant()).get(actor.userId()), typeArray, false);
  }

  public Decision check(Actor actor, Action action, Resource resource) {
    TypeRules t = types.get(resource.type().name());
    if (t == null) {
      return DENY_UNKNOWN_TYPE;
    }
    int a = action.ordinal();
    int at = t.index * ACTIONS + a;
    Held held;
    int slot = actor.roles().isEmpty() ? steadyHeld.find(actor.tenant().value(), actor.userId()) : -1;
    if (slot >= 0) {
      // a decision that reads no condition: the record is not even looked at
      SteadyTable st = steadyHeld;
      Decision fixed = st.fixed(slot, at);
      if (fixed != null) {
        if (!st.marked(slot)) {
          int k = st.fixedBy(slot, at);
          Usage usage = st.holder(slot).usage;
          if (k >= 0 && usage != null) {
            st.mark(slot, usage.mark(st.holder(slot).names[t.index][k]));
          }
        }
        return fixed;
      }
      held = st.holder(slot);
    } else {
      held = unsteadyHeld(actor);   // not in the table: no second look-up
      Decision[] fixedDecisions = held.fixed;
      Decision fixed = fixedDecisions == null ? null : fixedDecisions[at];
      if (fixed != null) {
        return fixed;
      }
    }
    Map<String, List<Object>> res;
    Map<String, List<Object>> before;
    if (resource.proposed() != null) {
      res = resource.proposedValues();
      before = resource.current() != null ? resource.currentValues() : null;
    } else if (resource.current() != null) {
      res = resource.currentValues();
      before = res;
    } else {
      res = null;
      before = null;
    }
    Req req = new Req(actor, held.roles, resource.id(), res, before, clock);
    boolean known = res != null;

    // forbid overrides permit
    RoleRules[] mine = held.rules[t.index];
    for (RoleRules rr : mine) {
      CRule f = firstForbid(rr.forbids[a], req, known);
      if (f != null) {
        return f.deny;
      }
    }
    for (Assignment s : held.scoped) {
      RoleRules rr = t.byRole.get(s.role());
      if (rr != null) {
        CRule f = firstForbid(rr.forbids[a], req, known);
        if (f != null) {
          return f.deny;
        }
      }
    }
    CRule f = firstForbid(t.openForbids[a], req, known);
    if (f != null) {
      return f.deny;
    }

    // the first permit that applies decides
    for (int k = 0; k < mine.length; k++) {
      RoleRules rr = mine[k];
      CRule[] ps = rr.permits[a];
      for (int i = 0; i < ps.length; i++) {
        if (permits(ps[i], req, known, null)) {
          if (held.usage != null && (slot < 0 || !steadyHeld.marked(slot))) {
            // like a fixed decision: once every grant of a steady holder is flagged, nothing to read or write
            boolean all = held.usage.mark(held.names[t.index][k]);
            if (slot >= 0) {
              steadyHeld.mark(slot, all);
            }
          }
          return allowed(t, held, rr, rr.allow[a][i], ps[i]);
        }
      }
    }
    for (Assignment s : held.scoped) {
      RoleRules rr = t.byRole.get(s.role());
      if (rr != null && t.type.collection().index(s.scopeField()).isPresent()) {
        CRule[] ps = rr.permits[a];
        for (int i = 0; i < ps.length; i++) {
          if (permits(ps[i], req, known, s)) {
            if (held.usage != null) {
              held.usage.mark(s);
            }
            return allowed(t, held, rr, rr.allow[a][i], ps[i]);
          }
        }
      }
    }
    CRule[] open = t.openPermits[a];
    for (CRule p : open) {
      if (permits(p, req, known, null)) {
        return allowed(t, held, null, null, p);
      }
    }
    return DENY_NO_PERMIT;
  }

  private static @Nullable CRule firstForbid(CRule[] forbids, Req req, boolean known) {
    for (CRule f : forbids) {
      if (forbids(f, req, known)) {
        return f;
      }
    }
    return null;
  }

  /** Whether a forbid fires: its condition holds or cannot be evaluated; for an unknown record, when it must hold. */
  private static boolean forbids(CRule f, Req req, boolean known) {
    if (f.cond == null) {
      return true;
    }
    try {
      return known ? f.cond.test(req) : f.cond.residual(req) instanceof Criteria.All;
    } catch (Cond.Undecidable e) {
      return true;
    }
  }

  /** Whether a permit applies; for an unknown record (a creation's first question), when it may. */
  private static boolean permits(CRule p, Req req, boolean known, @Nullable Assignment scope) {
    try {
      if (known) {
        if (scope != null && !inScope(req, scope)) {
          return false;
        }
        return p.cond == null || p.cond.test(req);
      }
      return p.cond == null || !(p.cond.residual(req) instanceof Criteria.None);
    } catch (Cond.Undecidable e) {
      return false;
    }
  }

  private static boolean inScope(Req req, Assignment scope) {
    List<Object> vs = req.resource == null ? null : req.resource.get(scope.scopeField());
    return vs != null && vs.contains(scope.scopeValue());
  }

  private Decision allowed(TypeRules t, Held held, @Nullable RoleRules decider, @Nullable Decision precomputed,
                           CRule rule) {
    if (held.scoped.isEmpty()) {
      RoleRules one = held.single[t.index];
      if (one != null && one == decider && precomputed != null) {
        return precomputed;
      }
      FieldAccess union = held.fields[t.index];
      return Decision.allow(union == null ? FieldAccess.all() : union, rule.id);
    }
    // with scoped roles too: the union over every role the actor holds that has something on this type
    List<RoleRules> contributing = new ArrayList<>();
    for (RoleRules rr : held.rules[t.index]) {
      if (rr.contributes) {
        contributing.add(rr);
      }
    }
    for (Assignment s : held.scoped) {
      RoleRules rr = t.byRole.get(s.role());
      if (rr != null && rr.contributes) {
        contributing.add(rr);
      }
    }
    if (contributing.isEmpty()) {
      return Decision.allow(FieldAccess.all(), rule.id);
    }
    if (contributing.size() == 1 && contributing.get(0) == decider && precomputed != null) {
      return precomputed;
    }
    return Decision.allow(union(contributing.stream().map(rr -> rr.fields).toList()), rule.id);
  }

  /** The union of field access: readable/writable when one allows it; masked only when every reader masks it. */
  static FieldAccess union(List<FieldAccess> list) {
    if (list.size() == 1) {
      return list.get(0);
    }
    FieldSet readable = unionSets(list.stream().map(FieldAccess::readable).toList());
    FieldSet writable = unionSets(list.stream().map(FieldAccess::writable).toList());
    Map<String, Mask> masks = new TreeMap<>();
    for (FieldAccess fa : list) {
      for (Map.Entry<String, Mask> m : fa.masks().entrySet()) {
        String path = m.getKey();
        boolean everyReaderMasks = true;
        for (FieldAccess other : list) {
          if (other != fa && other.readable().contains(path) && !masks(other, path)) {
            everyReaderMasks = false;
          }
        }
        if (everyReaderMasks) {
          masks.putIfAbsent(path, m.getValue());
        }
      }
    }
    return new FieldAccess(readable, writable, masks);
  }

  private static boolean masks(FieldAccess fa, String path) {
    for (String p = path; ; ) {
      if (fa.masks().containsKey(p)) {
        return true;
      }
      int dot = p.lastIndexOf('.');
      if (dot < 0) {
        return false;
      }
      p = p.substring(0, dot);
    }
  }

  private static FieldSet unionSets(List<FieldSet> sets) {
    Set<String> paths = new TreeSet<>();
    for (FieldSet s : sets) {
      if (s.isAll()) {
        return FieldSet.all();
      }
      paths.addAll(s.paths());
    }
    return FieldSet.of(paths);
  }

  public DataFilter filter(Actor actor, Action action, ResourceType type) {
    TypeRules t = types.get(type.name());
    if (t == null) {
      return DataFilter.never();
    }
    int a = action.ordinal();
    Held held = held(actor);
    Req req = new Req(actor, held.roles, null, null, null, clock);
    List<CRule> seen = new ArrayList<>();
    Criteria forbid = Criteria.none();
    List<CRule[]> forbidLists = new ArrayList<>();
    for (String role : held.roles) {
      RoleRules rr = t.byRole.get(role);
      if (rr != null) {
        forbidLists.add(rr.forbids[a]);
      }
    }
    for (Assignment s : held.scoped) {
      RoleRules rr = t.byRole.get(s.role());
      if (rr != null) {
        forbidLists.add(rr.forbids[a]);
      }
    }
    forbidLists.add(t.openForbids[a]);
    for (CRule[] list : forbidLists) {
      for (CRule f : list) {
        if (seen.contains(f)) {
          continue;
        }
        seen.add(f);
        if (f.cond == null) {
          return DataFilter.never();
        }
        try {
          forbid = Cond.or(forbid, f.cond.residual(req));
        } catch (Cond.Undecidable e) {
          return DataFilter.never();
        }
        if (forbid instanceof Criteria.All) {
          return DataFilter.never();
        }
      }
    }
    Criteria permit = Criteria.none();
    for (String role : held.roles) {
      RoleRules rr = t.byRole.get(role);
      if (rr != null) {
        permit = Cond.or(permit, permitResidual(rr.permits[a], req, null));
      }
    }
    for (Assignment s : held.scoped) {
      RoleRules rr = t.byRole.get(s.role());
      if (rr != null && t.type.collection().index(s.scopeField()).isPresent()) {
        permit = Cond.or(permit, permitResidual(rr.permits[a], req, s));
      }
    }
    permit = Cond.or(permit, permitResidual(t.openPermits[a], req, null));
    Criteria result = Cond.and(permit, Cond.not(forbid));
    if (result instanceof Criteria.All) {
      return DataFilter.always();
    }
    if (result instanceof Criteria.None) {
      return DataFilter.never();
    }
    return DataFilter.where(result);
  }

  private static Criteria permitResidual(CRule[] permits, Req req, @Nullable Assignment scope) {
    Criteria any = Criteria.none();
    for (CRule p : permits) {
      Criteria r;
      try {
        r = p.cond == null ? Criteria.all() : p.cond.residual(req);
      } catch (Cond.Undecidable e) {
        continue;
      }
      if (scope != null) {
        r = Cond.and(r, Criteria.eq(scope.scopeField(), scope.scopeValue()));
      }
      any = Cond.or(any, r);
      if (any instanceof Criteria.All) {
        return any;
      }
    }
    return any;
  }

  // ---- review ------------------------------------------------------------------------------------------------------

  List<Assignment> assignmentsOf(TenantId tenant) {
    List<Assignment> out = new ArrayList<>();
    Map<String, List<Assignment>> ofTenant = assignments.get(tenant);
    if (ofTenant != null) {
      ofTenant.values().forEach(out::addAll);
    }
    return out;
  }

  /**
   * What {@code actor} may do {@code action} on: the filter, with conditions that need a record kept as criteria —
   * for any action, not only the listing ones (an interpreted condition makes it "some records": a where on all).
   */
  DataFilter reach(Actor actor, Action action, ResourceType type) {
    TypeRules t = types.get(type.name());
    if (t == null) {
      return DataFilter.never();
    }
    boolean pushable = t.all.stream().filter(r -> r.actions.contains(action))
        .allMatch(r -> r.cond == null || r.cond.pushable());
    if (pushable) {
      return filter(actor, action, type);
    }
    return check(actor, action, Resource.ofType(type)).allowed() ? DataFilter.where(Criteria.all())
        : DataFilter.never();
  }

  // ---- administration ---------------------------------------------------------------------------------------------

  /** How an actor holds a role: unscoped or only within some scopes ({@code field=value}), until when (null: open). */
  record Holding(boolean unscoped, Set<String> scopes, java.time.@Nullable Instant until) {}

  /** How {@code actor} holds {@code role} now (directly or through inheritance), or null when it does not. */
  @Nullable Holding holding(Actor actor, String role) {
    boolean unscoped = false;
    Set<String> scopes = new TreeSet<>();
    java.time.Instant until = null;
    boolean open = false;
    for (String r : actor.roles()) {
      if (closure.getOrDefault(r, Set.of()).contains(role)) {
        unscoped = true;
        open = true;
      }
    }
    Map<String, List<Assignment>> ofTenant = assignments.get(actor.tenant());
    java.time.Instant now = clock.instant();
    for (Assignment a : ofTenant == null ? List.<Assignment>of() : ofTenant.getOrDefault(actor.userId(), List.of())) {
      if (!a.activeAt(now) || !closure.getOrDefault(a.role(), Set.of()).contains(role)) {
        continue;
      }
      if (a.scopeField() == null) {
        unscoped = true;
      } else {
        scopes.add(a.scopeField() + "=" + a.scopeValue());
      }
      if (a.validUntil() == null) {
        open = true;
      } else if (until == null || a.validUntil().isAfter(until)) {
        until = a.validUntil();
      }
    }
    if (!unscoped && scopes.isEmpty()) {
      return null;
    }
    return new Holding(unscoped, scopes, open ? null : until);
  }

  record Permission(String type, Action action) {}

  /**
   * Whether {@code actor} may do {@code p} on every record: an unconditional permit through a role it holds
   * unscoped, or for everyone, and no forbid for it.
   */
  boolean holdsUnconditionally(Actor actor, Permission p) {
    TypeRules t = types.get(p.type());
    if (t == null) {
      return false;
    }
    int a = p.action().ordinal();
    Held held = held(actor);
    boolean permitted = false;
    List<CRule[]> forbidLists = new ArrayList<>();
    for (String role : held.roles) {
      RoleRules rr = t.byRole.get(role);
      if (rr != null) {
        forbidLists.add(rr.forbids[a]);
        for (CRule r : rr.permits[a]) {
          permitted |= r.cond == null;
        }
      }
    }
    for (CRule r : t.openPermits[a]) {
      permitted |= r.cond == null;
    }
    forbidLists.add(t.openForbids[a]);
    for (CRule[] list : forbidLists) {
      if (list.length > 0) {
        return false;
      }
    }
    return permitted;
  }

  /** What a role permits (its own permissions and those it inherits), or what a permit policy permits. */
  List<Permission> permissionsOf(String kind, String id) {
    List<Permission> out = new ArrayList<>();
    Set<String> roles = closure.getOrDefault(id, Set.of(id));
    for (TypeRules t : types.values()) {
      for (CRule r : t.all) {
        boolean mine = kind.equals("role") ? r.role != null && roles.contains(r.role)
            : r.role == null && r.id.equals(id) && r.effect == Rule.Effect.PERMIT;
        if (mine) {
          for (Action a : Action.values()) {
            if (r.actions.contains(a)) {
              out.add(new Permission(r.type, a));
            }
          }
        }
      }
    }
    return out;
  }

  // ---- explanations ------------------------------------------------------------------------------------------------

  public Explanation explain(Actor actor, Action action, Resource resource) {
    Decision decision = check(actor, action, resource);
    TypeRules t = types.get(resource.type().name());
    Held held = held(actor);
    List<String> heldRoles = new ArrayList<>(new TreeSet<>(held.roles));
    held.scoped.forEach(s -> heldRoles.add(s.role() + " (" + s.scopeField() + " = " + s.scopeValue() + ")"));
    if (t == null) {
      return new Explanation(decision, heldRoles, List.of());
    }
    Map<String, List<Object>> res = resource.proposed() != null ? resource.proposedValues()
        : resource.current() != null ? resource.currentValues() : null;
    Map<String, List<Object>> before = resource.current() != null ? resource.currentValues() : null;
    Req req = new Req(actor, held.roles, resource.id(), res, before, clock);
    boolean known = res != null;
    List<RuleOutcome> applied = new ArrayList<>();
    List<RuleOutcome> heldButFailed = new ArrayList<>();
    List<RuleOutcome> notHeld = new ArrayList<>();
    for (CRule r : t.all) {
      if (!r.actions.contains(action)) {
        continue;
      }
      Set<String> owners = r.role != null ? Set.of(r.role) : r.forRoles;
      boolean applies = owners.isEmpty();
      Assignment scopedBy = null;
      for (String role : held.roles) {
        Set<String> c = closure.getOrDefault(role, Set.of());
        for (String o : owners) {
          applies |= c.contains(o);
        }
      }
      if (!applies) {
        for (Assignment s : held.scoped) {
          Set<String> c = closure.getOrDefault(s.role(), Set.of());
          for (String o : owners) {
            if (c.contains(o)) {
              scopedBy = s;
            }
          }
        }
      }
      if (!applies && scopedBy == null) {
        notHeld.add(new RuleOutcome(r.id, r.effect, r.role, r.text, Outcome.ROLE_NOT_HELD, List.of()));
        continue;
      }
      if (scopedBy != null && r.effect == Rule.Effect.PERMIT && known && !inScope(req, scopedBy)) {
        heldButFailed.add(new RuleOutcome(r.id, r.effect, r.role, r.text, Outcome.OUT_OF_SCOPE,
            List.of("resource." + scopedBy.scopeField() + " == \"" + scopedBy.scopeValue() + "\"")));
        continue;
      }
      boolean fires = r.effect == Rule.Effect.FORBID ? forbids(r, req, known) : permits(r, req, known, null);
      if (fires) {
        applied.add(new RuleOutcome(r.id, r.effect, r.role, r.text, Outcome.APPLIED, List.of()));
        continue;
      }
      List<String> failing = new ArrayList<>();
      boolean undecidable = false;
      for (Conjunct c : r.conjuncts) {
        try {
          boolean holds = known ? c.cond().test(req) : !(c.cond().residual(req) instanceof Criteria.None);
          if (!holds) {
            failing.add(c.text());
          }
        } catch (Cond.Undecidable e) {
          undecidable = true;
          failing.add(c.text());
        } catch (IllegalStateException e) {
          failing.add(c.text());
        }
      }
      heldButFailed.add(new RuleOutcome(r.id, r.effect, r.role, r.text,
          undecidable ? Outcome.UNDECIDABLE : Outcome.CONDITION_FALSE, failing));
    }
    List<RuleOutcome> all = new ArrayList<>(applied);
    all.addAll(heldButFailed);
    all.addAll(notHeld);
    return new Explanation(decision, heldRoles, all);
  }

  // ---- compilation -------------------------------------------------------------------------------------------------

  /** Compiles {@code defs}; every error and warning found goes to {@code problems}; null when there are errors. */
  public static @Nullable Snapshot compile(Defs defs, Collection<ResourceType> resourceTypes, Clock clock,
                                           List<PolicyProblem> problems) {
    return new Compilation(defs, resourceTypes, clock, problems).run();
  }

  private static final class Compilation {
    final Defs defs;
    final Map<String, ResourceType> types = new LinkedHashMap<>();
    final Clock clock;
    final List<PolicyProblem> problems;
    final Map<String, CelConditions> envs = new HashMap<>();
    final Map<String, RoleDef> roleDefs = new LinkedHashMap<>();

    Compilation(Defs defs, Collection<ResourceType> resourceTypes, Clock clock, List<PolicyProblem> problems) {
      this.defs = defs;
      resourceTypes.forEach(t -> types.put(t.name(), t));
      this.clock = clock;
      this.problems = problems;
    }

    void error(Loc loc, @Nullable String subject, String message) {
      problems.add(new PolicyProblem(PolicyProblem.Severity.ERROR, loc.source(), loc.line(), subject, message));
    }

    void warn(Loc loc, @Nullable String subject, String message) {
      problems.add(new PolicyProblem(PolicyProblem.Severity.WARNING, loc.source(), loc.line(), subject, message));
    }

    @Nullable Snapshot run() {
      problems.addAll(defs.readProblems);
      for (RoleDef r : defs.roles) {
        if (roleDefs.putIfAbsent(r.id, r) != null) {
          error(r.loc, r.id, "role " + r.id + " is defined twice (first at line " + roleDefs.get(r.id).loc.line()
              + ")");
        }
      }
      Map<String, Set<String>> closure = closures();

      // rules
      Map<String, Loc> ruleIds = new HashMap<>();
      List<CRule> rules = new ArrayList<>();
      List<RuleDef> allDefs = new ArrayList<>();
      for (RoleDef r : defs.roles) {
        allDefs.addAll(r.permissions);
      }
      allDefs.addAll(defs.policies);
      for (RuleDef d : allDefs) {
        Loc first = ruleIds.putIfAbsent(d.rule().id(), d.loc());
        if (first != null) {
          error(d.loc(), d.rule().id(), "rule id " + d.rule().id() + " is used twice"
              + (first.line() > 0 ? " (first at line " + first.line() + ")" : ""));
        }
        CRule c = rule(d);
        if (c != null) {
          rules.add(c);
        }
      }
      for (RuleDef d : defs.policies) {
        for (String role : d.rule().roles()) {
          if (!roleDefs.containsKey(role)) {
            error(d.loc(), d.rule().id(), "unknown role " + role + knownRoles());
          }
        }
      }

      // field rules
      for (RoleDef r : defs.roles) {
        Set<String> seenTypes = new HashSet<>();
        for (Defs.FieldDef f : r.fields) {
          ResourceType t = types.get(f.resource());
          if (t == null) {
            error(f.loc(), r.id, "unknown resource type " + f.resource() + knownTypes());
            continue;
          }
          if (!seenTypes.add(f.resource())) {
            error(f.loc(), r.id, "field rules for " + f.resource() + " given twice");
          }
          List<String> unknown = t.fields().unknownPaths(f.rules().access());
          if (!unknown.isEmpty()) {
            error(f.loc(), r.id, "unknown field(s) of " + t.name() + ": " + String.join(", ", unknown)
                + " (its fields: " + String.join(", ", t.fields().fields().stream()
                    .map(x -> x.path()).toList()) + ")");
          }
        }
      }

      // separation of duties, assignments
      List<Set<String>> exclusive = new ArrayList<>();
      for (Defs.ExclusiveDef x : defs.exclusive) {
        boolean ok = x.roles().size() >= 2;
        if (!ok) {
          error(x.loc(), null, "mutually exclusive roles name at least two roles: " + x.roles());
        }
        for (String role : x.roles()) {
          if (!roleDefs.containsKey(role)) {
            error(x.loc(), null, "unknown role " + role + " in mutually exclusive roles" + knownRoles());
            ok = false;
          }
        }
        if (ok) {
          exclusive.add(Set.copyOf(x.roles()));
        }
      }
      for (RoleDef r : defs.roles) {
        for (Set<String> x : exclusive) {
          List<String> both = closure.getOrDefault(r.id, Set.of()).stream().filter(x::contains).sorted().toList();
          if (both.size() >= 2) {
            error(r.loc, r.id, "role " + r.id + " holds mutually exclusive roles " + String.join(" and ", both)
                + " through its inheritance");
          }
        }
      }
      Map<TenantId, Map<String, List<Assignment>>> assignments = new HashMap<>();
      Map<String, Set<String>> typesOfRole = new HashMap<>();
      for (CRule c : rules) {
        if (c.role != null && types.containsKey(c.type)) {
          typesOfRole.computeIfAbsent(c.role, k -> new HashSet<>()).add(c.type);
        }
      }
      for (Defs.AssignmentDef ad : defs.assignments) {
        Assignment a = ad.assignment();
        if (!roleDefs.containsKey(a.role())) {
          error(ad.loc(), a.userId(), "unknown role " + a.role() + " assigned to " + a.userId() + knownRoles());
          continue;
        }
        if (a.scopeField() != null && closure.getOrDefault(a.role(), Set.of()).stream()
            .flatMap(q -> typesOfRole.getOrDefault(q, Set.of()).stream())
            .noneMatch(t -> types.get(t).collection().index(a.scopeField()).isPresent())) {
          error(ad.loc(), a.userId(), "scope field " + a.scopeField() + " is not a queryable field of any resource "
              + "type role " + a.role() + " has permissions on");
          continue;
        }
        // a scope's value is text: on a field of another kind, check would never match it and the filter's
        // criteria (a text compared with a number, a time or a boolean) would be refused at every read
        String notText = a.scopeField() == null ? null : types.values().stream()
            .flatMap(t -> t.collection().index(a.scopeField()).stream()
                .filter(f -> f.type() != IndexType.STRING)
                .map(f -> t.name() + " holds " + f.type() + " values"))
            .findFirst().orElse(null);
        if (notText != null) {
          error(ad.loc(), a.userId(), "scope field " + a.scopeField() + " of " + notText + ": a scope is a text field "
              + "and its value (a team, a department, a region)");
          continue;
        }
        assignments.computeIfAbsent(a.tenant(), k -> new HashMap<>())
            .computeIfAbsent(a.userId(), k -> new ArrayList<>()).add(a);
      }
      for (Map.Entry<TenantId, Map<String, List<Assignment>>> tenant : assignments.entrySet()) {
        for (Map.Entry<String, List<Assignment>> user : tenant.getValue().entrySet()) {
          String conflict = sodConflict(closure, exclusive, user.getValue().stream().map(Assignment::role).toList());
          if (conflict != null) {
            error(Loc.BUILDER, user.getKey(), "user " + user.getKey() + " of tenant " + tenant.getKey().value()
                + " would hold mutually exclusive roles " + conflict);
          }
        }
      }

      boolean failed = problems.stream().anyMatch(p -> p.severity() == PolicyProblem.Severity.ERROR);
      if (failed) {
        return null;
      }
      warnings(rules, closure);

      // indexes
      Map<String, TypeRules> byType = new LinkedHashMap<>();
      for (ResourceType t : types.values()) {
        byType.put(t.name(), index(t, rules, closure));
      }
      Map<String, Set<String>> listing = new HashMap<>();
      for (CRule c : rules) {
        if (c.cond != null && c.actions.stream().anyMatch(LISTING::contains)) {
          List<String> fs = new ArrayList<>();
          c.cond.fields(fs);
          listing.computeIfAbsent(c.type, k -> new TreeSet<>()).addAll(fs);
        }
      }
      for (Defs.AssignmentDef ad : defs.assignments) {
        if (ad.assignment().scopeField() != null) {
          for (ResourceType t : types.values()) {
            if (t.collection().index(ad.assignment().scopeField()).isPresent()) {
              listing.computeIfAbsent(t.name(), k -> new TreeSet<>()).add(ad.assignment().scopeField());
            }
          }
        }
      }
      for (Map.Entry<String, Set<String>> e : listing.entrySet()) {
        ResourceType t = types.get(e.getKey());
        List<String> unindexed = e.getValue().stream()
            .filter(f -> !f.equals("id") && !t.collection().indexSet().fields().contains(f)).toList();
        if (!unindexed.isEmpty()) {
          warn(Loc.BUILDER, null, "the view/export rules of " + t.name() + " filter on " + String.join(", ", unindexed)
              + ", which the default index set of " + t.collection().name() + " does not index: declare them with "
              + "Crm.builder().indexes(...) (Rbac.requiredIndexes lists them)");
        }
      }
      Map<String, RoleInfo> roleInfo = new LinkedHashMap<>();
      roleDefs.forEach((id, r) -> roleInfo.put(id, new RoleInfo(id, closure.get(id), r.loc)));
      List<PolicyProblem> warnings = problems.stream()
          .filter(p -> p.severity() == PolicyProblem.Severity.WARNING).toList();
      Map<String, Set<String>> listingCopy = new HashMap<>();
      listing.forEach((k, v) -> listingCopy.put(k, Set.copyOf(v)));
      return new Snapshot(clock, byType, closure, assignments, warnings, listingCopy, roleInfo, exclusive);
    }

    private String knownRoles() {
      return " (roles: " + String.join(", ", roleDefs.keySet()) + ")";
    }

    private String knownTypes() {
      return " (resource types: " + String.join(", ", types.keySet()) + ")";
    }

    /** Each role with every role it inherits, transitively; an unknown parent or a cycle is an error. */
    private Map<String, Set<String>> closures() {
      Map<String, Set<String>> out = new HashMap<>();
      for (RoleDef r : roleDefs.values()) {
        for (String p : r.inherits) {
          if (!roleDefs.containsKey(p)) {
            error(r.loc, r.id, "role " + r.id + " inherits unknown role " + p + knownRoles());
          }
        }
      }
      Set<String> reported = new HashSet<>();
      for (RoleDef r : roleDefs.values()) {
        Set<String> c = new LinkedHashSet<>();
        walk(r.id, c, new ArrayList<>(), reported);
        out.put(r.id, Set.copyOf(c));
      }
      return out;
    }

    private void walk(String role, Set<String> into, List<String> path, Set<String> reported) {
      if (path.contains(role)) {
        List<String> cycle = new ArrayList<>(path.subList(path.indexOf(role), path.size()));
        cycle.add(role);
        String key = new TreeSet<>(cycle).toString();
        if (reported.add(key)) {
          RoleDef at = roleDefs.get(cycle.get(0));
          error(at.loc, at.id, "role inheritance has a cycle: " + String.join(" -> ", cycle));
        }
        return;
      }
      RoleDef def = roleDefs.get(role);
      if (def == null) {
        return;
      }
      into.add(role);
      path.add(role);
      for (String p : def.inherits) {
        walk(p, into, path, reported);
      }
      path.remove(path.size() - 1);
    }

    private @Nullable String sodConflict(Map<String, Set<String>> closure, List<Set<String>> exclusive,
                                         List<String> held) {
      Set<String> all = new TreeSet<>();
      held.forEach(r -> all.addAll(closure.getOrDefault(r, Set.of(r))));
      for (Set<String> x : exclusive) {
        List<String> both = all.stream().filter(x::contains).toList();
        if (both.size() >= 2) {
          return String.join(" and ", both);
        }
      }
      return null;
    }

    private @Nullable CRule rule(RuleDef d) {
      Rule r = d.rule();
      String who = r.id();
      if (r.resource() == null) {
        error(d.loc(), who, "the rule names no resource type" + knownTypes());
        return null;
      }
      ResourceType t = types.get(r.resource());
      if (t == null) {
        error(d.loc(), who, "unknown resource type " + r.resource() + knownTypes());
        return null;
      }
      if (r.actions().isEmpty()) {
        error(d.loc(), who, "the rule names no action (actions: " + java.util.Arrays.stream(Action.values())
            .map(a -> a.name().toLowerCase(java.util.Locale.ROOT)).toList() + ")");
        return null;
      }
      if (d.role() != null && !r.roles().isEmpty()) {
        error(d.loc(), who, "a role's permission does not name roles (it is the role's own)");
      }
      if (r.condition() == null) {
        return new CRule(d, null, List.of());
      }
      CelConditions env = envs.computeIfAbsent(t.name(), k -> new CelConditions(t, defs.attributes));
      CelConditions.Compiled c = env.compile(r.condition());
      if (c.cond() == null) {
        for (CelConditions.Issue i : c.issues()) {
          int line = d.conditionLine() > 0 ? d.conditionLine() + i.line() - 1 : d.loc().line();
          error(new Loc(d.loc().source(), line), who, "condition, column " + i.column() + ": " + i.message());
        }
        return null;
      }
      if (!c.cond().pushable() && r.actions().stream().anyMatch(LISTING::contains)) {
        error(d.loc(), who, "a rule for view or export must translate into a query the store runs, and this "
            + "condition does not: use comparisons of resource fields with subject attributes, env.now and "
            + "constants (==, !=, <, <=, >, >=), in, startsWith, exists(x, x.startsWith(..) or x == ..), has(), "
            + "&&, || and ! (" + r.condition() + ")");
        return null;
      }
      return new CRule(d, c.cond(), conjuncts(env, r.condition(), c.cond()));
    }

    /** The top-level conjuncts of a condition, compiled alone (for why-not explanations). */
    private List<Conjunct> conjuncts(CelConditions env, String text, Cond whole) {
      List<String> parts = splitTopLevelAnd(text);
      if (parts.size() <= 1) {
        return List.of(new Conjunct(text.strip(), whole));
      }
      List<Conjunct> out = new ArrayList<>();
      for (String p : parts) {
        CelConditions.Compiled c = env.compile(p);
        if (c.cond() == null) {
          return List.of(new Conjunct(text.strip(), whole));
        }
        out.add(new Conjunct(p.strip(), c.cond()));
      }
      return out;
    }

    private void warnings(List<CRule> rules, Map<String, Set<String>> closure) {
      // indexes, so that a policy of 100,000 rules is checked in linear time
      Map<String, List<CRule>> byRole = new HashMap<>();
      Map<String, List<CRule>> openByType = new HashMap<>();
      Map<String, List<CRule>> voidingForbids = new HashMap<>();
      Map<CRule, Integer> order = new java.util.IdentityHashMap<>();
      for (CRule r : rules) {
        order.put(r, order.size());
        if (r.role != null) {
          byRole.computeIfAbsent(r.role, k -> new ArrayList<>()).add(r);
        } else if (r.effect == Rule.Effect.PERMIT) {
          openByType.computeIfAbsent(r.type, k -> new ArrayList<>()).add(r);
        } else if (r.cond == null && r.forRoles.isEmpty()) {
          voidingForbids.computeIfAbsent(r.type, k -> new ArrayList<>()).add(r);
        }
      }
      for (CRule r : rules) {
        if (r.cond != null && Boolean.FALSE.equals(r.cond.fold())) {
          warn(r.loc, r.id, "the condition is always false: the rule can never apply");
        }
        if (r.effect != Rule.Effect.PERMIT) {
          continue;
        }
        List<CRule> candidates = new ArrayList<>();
        if (r.role != null) {
          for (String q : closure.getOrDefault(r.role, Set.of(r.role))) {
            candidates.addAll(byRole.getOrDefault(q, List.of()));
          }
        } else {
          candidates.addAll(openByType.getOrDefault(r.type, List.of()));
        }
        for (CRule o : candidates) {
          if (o == r || o.effect != Rule.Effect.PERMIT || o.cond != null || !o.type.equals(r.type)
              || !o.actions.containsAll(r.actions)) {
            continue;
          }
          boolean sameHolders = r.role != null || o.forRoles.isEmpty()
              || (r.forRoles.containsAll(o.forRoles) && o.forRoles.containsAll(r.forRoles));
          if (sameHolders && (r.cond != null || order.get(o) < order.get(r))) {
            warn(r.loc, r.id, "shadowed by rule " + o.id + ", which permits the same without a condition");
            break;
          }
        }
        for (CRule o : voidingForbids.getOrDefault(r.type, List.of())) {
          if (o.actions.containsAll(r.actions)) {
            warn(r.loc, r.id, "can never apply: forbid " + o.id + " denies " + r.actions + " on " + r.type
                + " to everyone");
            break;
          }
        }
      }
      Set<String> named = new HashSet<>();
      defs.policies.forEach(p -> named.addAll(p.rule().roles()));
      for (RoleDef r : roleDefs.values()) {
        if (r.permissions.isEmpty() && r.inherits.isEmpty() && !named.contains(r.id)) {
          warn(r.loc, r.id, "role " + r.id + " grants nothing: no permissions, no inherited role, no policy names it");
        }
      }
    }

    private TypeRules index(ResourceType t, List<CRule> rules, Map<String, Set<String>> closure) {
      TypeRules tr = new TypeRules(t);
      List<CRule> ofType = rules.stream().filter(r -> r.type.equals(t.name())).toList();
      tr.all.addAll(ofType);
      Map<CRule, Integer> position = new java.util.IdentityHashMap<>();
      ofType.forEach(r -> position.put(r, position.size()));
      for (Action action : Action.values()) {
        int a = action.ordinal();
        tr.openPermits[a] = ofType.stream().filter(r -> r.effect == Rule.Effect.PERMIT && r.role == null
            && r.forRoles.isEmpty() && r.actions.contains(action)).toArray(CRule[]::new);
        tr.openForbids[a] = ofType.stream().filter(r -> r.effect == Rule.Effect.FORBID && r.role == null
            && r.forRoles.isEmpty() && r.actions.contains(action)).toArray(CRule[]::new);
      }
      // a role's own rules of this type, the policies naming roles, and the roles whose definitions touch the type
      Map<String, List<CRule>> ownRules = new HashMap<>();
      List<CRule> forRoles = new ArrayList<>();
      for (CRule r : ofType) {
        if (r.role != null) {
          ownRules.computeIfAbsent(r.role, k -> new ArrayList<>()).add(r);
        } else if (!r.forRoles.isEmpty()) {
          forRoles.add(r);
        }
      }
      Set<String> touching = new HashSet<>();
      for (RoleDef q : roleDefs.values()) {
        if (q.fields.stream().anyMatch(f -> f.resource().equals(t.name()))
            || q.permissions.stream().anyMatch(p -> t.name().equals(p.rule().resource()))) {
          touching.add(q.id);
        }
      }
      for (RoleDef role : roleDefs.values()) {
        Set<String> c = closure.get(role.id);
        List<CRule> mine = new ArrayList<>();
        boolean touches = false;
        for (String q : c) {
          mine.addAll(ownRules.getOrDefault(q, List.of()));
          touches |= touching.contains(q);
        }
        for (CRule r : forRoles) {
          if (r.forRoles.stream().anyMatch(c::contains)) {
            mine.add(r);
          }
        }
        if (mine.isEmpty() && !touches) {
          continue;
        }
        mine.sort(java.util.Comparator.comparingInt(position::get));
        RoleRules rr = new RoleRules();
        rr.contributes = touches;
        List<FieldAccess> declared = new ArrayList<>();
        for (String q : c) {
          if (!touching.contains(q)) {
            continue;
          }
          declared.add(roleDefs.get(q).fields.stream().filter(f -> f.resource().equals(t.name())).findFirst()
              .map(f -> f.rules().access()).orElse(FieldAccess.all()));
        }
        rr.fields = declared.isEmpty() ? FieldAccess.all() : union(declared);
        for (Action action : Action.values()) {
          int a = action.ordinal();
          rr.permits[a] = shared(mine.stream().filter(r -> r.effect == Rule.Effect.PERMIT
              && r.actions.contains(action)).toArray(CRule[]::new));
          rr.forbids[a] = shared(mine.stream().filter(r -> r.effect == Rule.Effect.FORBID
              && r.actions.contains(action)).toArray(CRule[]::new));
          rr.allow[a] = new Decision[rr.permits[a].length];
          for (int i = 0; i < rr.permits[a].length; i++) {
            rr.allow[a][i] = Decision.allow(rr.fields, rr.permits[a][i].id);
          }
        }
        tr.byRole.put(role.id, rr);
      }
      return tr;
    }
  }

  /** One empty array for every role and action without rules: no cold object to read for its length. */
  private static CRule[] shared(CRule[] rules) {
    return rules.length == 0 ? NO_RULES : rules;
  }

  /** Splits CEL text at its top-level {@code &&} (outside parentheses, brackets and string literals). */
  static List<String> splitTopLevelAnd(String text) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (quote != 0) {
        if (ch == '\\') {
          i++;
        } else if (ch == quote) {
          quote = 0;
        }
        continue;
      }
      switch (ch) {
        case '"', '\'' -> quote = ch;
        case '(', '[', '{' -> depth++;
        case ')', ']', '}' -> depth--;
        case '&' -> {
          if (depth == 0 && i + 1 < text.length() && text.charAt(i + 1) == '&') {
            out.add(text.substring(start, i));
            start = i + 2;
            i++;
          }
        }
        case '|' -> {
          if (depth == 0 && i + 1 < text.length() && text.charAt(i + 1) == '|') {
            return List.of(text);
          }
        }
        default -> { }
      }
    }
    out.add(text.substring(start));
    return out;
  }
}
