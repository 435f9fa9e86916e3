package dev.rapport.crm.rbac;

import dev.rapport.crm.access.Action;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.AddressInput;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A random but realistic access-control world, all drawn from one seed: a policy built with {@link Rbac#builder()}
 * (roles with inheritance, conditional permits, permits and forbids as policies for everyone or for some roles,
 * scoped and time-limited assignments), customers with fields present or absent, and actors with random roles and
 * attributes, some missing. The values are the ones stores get wrong when they are careless: case and trailing-space
 * variants, the empty string, composed and decomposed accents, characters outside the BMP (whose UTF-16 order differs
 * from code point order), LIKE wildcards and regular-expression characters in prefixes, decimals with many digits,
 * instants finer than a millisecond, UUIDv7 ids compared by range and prefix.
 */
final class RandomPolicyWorld {
  static final String TENANT = "acme";
  static final String ADMIN_ROLE = "prop_admin";
  /**
   * Worlds are shifted in time by multiples of this (2^36 ms, about 2.2 years): core's UUIDv7 ids are monotonic per
   * JVM, so a world placed before the ids an earlier run made would get ids of that later time instead of its own.
   * A multiple of 2^36 ms moves every time, and every id prefix down to 7 hex digits, by the same amount: the shifted
   * world decides exactly as the first one, so a seed replays alone as it ran among other stores.
   */
  static final Duration SHIFT = Duration.ofMillis(1L << 36);

  /** Records are created from here on (the clock starts here, before any id is made). */
  final Instant epoch;
  /** env.now once the records exist: every assignment window is placed around it. */
  final Instant now;

  static final List<String> REGIONS = List.of("CN-East", "CN-North", "EU-West", "eu-west", "US", "Zürich",
      "Zu\u0308rich", "CN-East ", "東京", "😀-Land", "a%b", "a_b", "O'Hare", "");
  static final List<String> TEAMS = List.of("alpha", "beta", "Beta", "gamma", "team_1", "team%1", "teamx1");
  static final List<String> DEPARTMENTS = List.of("sales", "support", "R&D", "sales/emea", "Sales");
  static final List<String> STAGES = List.of("LEAD", "PROSPECT", "ACTIVE", "AT_RISK", "CHURNED");
  static final List<String> GRADES = List.of("A", "B", "C", "D", "a", "Ä", "AA", "B+", "\uFF5E", "😀");
  static final List<String> USERS = List.of("u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9", "U1",
      "zoë");
  static final List<String> TAGS = List.of("vip", "segment/vip", "segment/vip/gold", "segment/smb",
      "status/blocked", "consent/marketing", "seg_ment/x", "segxment/x", "s-g/a", "äö/ü", "客户/重要", "a-b",
      "segment");
  static final List<String> TAG_PREFIXES = List.of("segment/", "segment", "seg_", "se%", "s.g", "s-", "status/",
      "客户", "äö", "", "vip", "a-", "SEGMENT");
  static final List<String> NAMES = List.of("Acme", "acme", "Ärzte Hamburg", "Zeta", "张伟", "O'Brien",
      "Ölwerk", "_under", "%pct", "Abc");
  static final List<String> NAME_PREFIXES = List.of("A", "a", "Ä", "张", "O'", "_", "%", "Z", "", "Ab");
  static final List<String> AMOUNTS = List.of("0", "1", "999.99", "1000", "1000.5", "5000", "100000",
      "100000.01", "250000", "1234567.891", "0.001", "99999999.99");
  static final List<String> NUMBERS = List.of("0", "1000", "5000", "100000", "250000", "999.99", "1000.5",
      "100000.01", "0.001", "1234567.891", "0.5", "1000.0");
  static final List<String> CURRENCIES = List.of("CNY", "EUR", "USD", "JPY", "BHD");
  static final List<String> EMAILS = List.of("sales@acme.example", "info@zeta.example", "Boss@Acme.example");
  static final List<String> COUNTRIES = List.of("CN", "DE", "US");
  static final List<AddressInput> ADDRESSES = List.of(
      new AddressInput("CN", "上海市", "上海市", "浦东新区", List.of("世纪大道 100 号"), "200120"),
      new AddressInput("DE", null, "Berlin", null, List.of("Hauptstraße 5"), "10115"),
      new AddressInput("DE", null, "München", null, List.of("Marienplatz 1"), "80331"));
  static final List<String> LEVELS = List.of("junior", "senior", "lead");

  /** Subject attributes (all text) and the values actors draw them from. */
  static final Map<String, List<String>> ATTRIBUTES = new LinkedHashMap<>();

  static {
    ATTRIBUTES.put("region", REGIONS);
    ATTRIBUTES.put("team", TEAMS);
    ATTRIBUTES.put("department", DEPARTMENTS);
    ATTRIBUTES.put("grade", GRADES);
    ATTRIBUTES.put("stage", STAGES);
    ATTRIBUTES.put("segment", concat(TAGS, TAG_PREFIXES));
    ATTRIBUTES.put("level", LEVELS);
  }

  private final Random rnd;
  final List<String> roles = new ArrayList<>();
  /** Roles whose closure has a permission on customers, for any action (only those may be scoped). */
  private final Set<String> rolesWithRules = new LinkedHashSet<>();
  /** The policy as text, for failure messages. */
  final List<String> description = new ArrayList<>();
  private int ruleSeq;

  /** The world of {@code seed}, shifted by {@code shifts} × {@link #SHIFT}. */
  RandomPolicyWorld(long seed, int shifts) {
    this.rnd = new Random(seed);
    this.epoch = Instant.parse("2029-01-01T00:00:00Z").plus(SHIFT.multipliedBy(shifts));
    this.now = epoch.plus(Duration.ofDays(516));
  }

  // ---- the policy --------------------------------------------------------------------------------------------------

  Rbac policy(Clock clock) {
    Rbac.Builder b = Rbac.builder().clock(clock).attributes(ATTRIBUTES.keySet().toArray(String[]::new));
    b.role(ADMIN_ROLE, r -> r.permit(Rule.permit("admin-all").on("customer").anyAction()));
    description.add("role " + ADMIN_ROLE + ": permit * (no forbid touches create)");
    int n = 4 + rnd.nextInt(4);
    for (int i = 0; i < n; i++) {
      roles.add("role" + i);
    }
    Map<String, Set<String>> closure = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String id = roles.get(i);
      List<String> parents = new ArrayList<>();
      for (int j = 0; j < i; j++) {
        if (rnd.nextInt(4) == 0) {
          parents.add(roles.get(j));
        }
      }
      Set<String> mine = new LinkedHashSet<>();
      mine.add(id);
      parents.forEach(p -> mine.addAll(closure.get(p)));
      closure.put(id, mine);
      List<Rule> permits = new ArrayList<>();
      int k = rnd.nextInt(4);
      for (int p = 0; p < k; p++) {
        permits.add(permit(id, rnd.nextInt(20) == 0 ? null : condition(2)));
      }
      if (rnd.nextInt(5) == 0) {
        // a permission for a write only: its condition need not translate into a query and must not affect views
        permits.add(Rule.permit(id + "-edit" + (ruleSeq++)).on("customer").actions(Action.EDIT)
            .when(rnd.nextBoolean() ? "resource.region == resource.team" : condition(1)));
      }
      if (!permits.isEmpty()) {
        rolesWithRules.add(id);
      }
      b.role(id, r -> {
        r.inherits(parents.toArray(String[]::new));
        permits.forEach(r::permit);
      });
      description.add("role " + id + (parents.isEmpty() ? "" : " inherits " + parents) + ":");
      permits.forEach(p -> description.add("  " + text(p)));
    }
    for (String r : roles) {
      if (closure.get(r).stream().anyMatch(rolesWithRules::contains)) {
        rolesWithRules.add(r);
      }
    }
    int forbids = rnd.nextInt(4);
    for (int i = 0; i < forbids; i++) {
      // narrower than a permit's: one atom, or two that must both hold
      String when = rnd.nextBoolean() ? narrowAtom() : "(" + narrowAtom() + ") && (" + condition(1) + ")";
      Rule f = Rule.forbid("forbid" + i).on("customer").actions(Action.VIEW).when(when);
      if (rnd.nextBoolean()) {
        f = f.actions(Action.EXPORT);
      }
      if (rnd.nextBoolean()) {
        f = f.forRoles(someRoles(1 + rnd.nextInt(2)));
      }
      b.policy(f);
      description.add("policy " + text(f));
    }
    int open = rnd.nextInt(3);
    for (int i = 0; i < open; i++) {
      Rule p = Rule.permit("open" + i).on("customer").actions(Action.VIEW).when(condition(2));
      if (rnd.nextBoolean()) {
        p = p.forRoles(someRoles(1 + rnd.nextInt(2)));
      }
      b.policy(p);
      description.add("policy " + text(p));
    }
    for (String user : USERS) {
      if (rnd.nextInt(5) < 2) {
        int k = 1 + rnd.nextInt(2);
        for (int i = 0; i < k; i++) {
          Assignment a = assignment(TENANT, user);
          b.assign(a);
          description.add("assign " + a);
        }
      }
      if (rnd.nextInt(6) == 0) {
        // another tenant's assignment never applies here
        Assignment a = Assignment.of("globex", user, pick(roles));
        b.assign(a);
        description.add("assign " + a);
      }
    }
    return b.build();
  }

  private Rule permit(String role, String condition) {
    Rule r = Rule.permit(role + "-p" + (ruleSeq++)).on("customer").actions(Action.VIEW);
    if (rnd.nextBoolean()) {
      r = r.actions(Action.EXPORT);
    }
    return condition == null ? r : r.when(condition);
  }

  private String[] someRoles(int k) {
    Set<String> s = new LinkedHashSet<>();
    for (int i = 0; i < k; i++) {
      s.add(pick(roles));
    }
    return s.toArray(String[]::new);
  }

  private Assignment assignment(String tenant, String user) {
    List<String> scopable = new ArrayList<>(rolesWithRules);
    boolean scoped = !scopable.isEmpty() && rnd.nextInt(5) < 3;
    Assignment a = Assignment.of(tenant, user, scoped ? pick(scopable) : pick(roles));
    if (scoped) {
      String field = pick(List.of("region", "team", "department", "stage", "owner", "tags", "grade"));
      a = a.scopedTo(field, pick(values(field)));
    }
    switch (rnd.nextInt(10)) {
      case 0 -> a = a.validUntil(now.minus(Duration.ofDays(1 + rnd.nextInt(30))));
      case 1 -> a = a.validFrom(now.plus(Duration.ofDays(1 + rnd.nextInt(30))));
      case 2 -> a = a.validFrom(now.minus(Duration.ofDays(1))).validUntil(now.plus(Duration.ofDays(1)));
      case 3 -> a = a.validFrom(now);
      case 4 -> a = a.validUntil(now);
      default -> { }
    }
    return a;
  }

  private static String text(Rule r) {
    return r.effect() + " " + r.id() + " " + r.actions() + (r.roles().isEmpty() ? "" : " for " + r.roles())
        + (r.condition() == null ? "" : " when " + r.condition());
  }

  // ---- conditions --------------------------------------------------------------------------------------------------

  String condition(int depth) {
    if (depth == 0 || rnd.nextInt(10) < 4) {
      return atom();
    }
    return switch (rnd.nextInt(5)) {
      case 0, 1 -> "(" + condition(depth - 1) + ") && (" + condition(depth - 1) + ")";
      case 2, 3 -> "(" + condition(depth - 1) + ") || (" + condition(depth - 1) + ")";
      default -> "!(" + condition(depth - 1) + ")";
    };
  }

  private static final List<String> STRING_FIELDS = List.of("region", "team", "department", "stage", "grade",
      "owner", "name", "kind", "currency");
  private static final List<String> ORDERED_STRING_FIELDS = List.of("region", "grade", "name", "owner", "team");
  private static final List<String> ALL_FIELDS = List.of("region", "team", "department", "stage", "grade", "owner",
      "name", "kind", "tags", "emails", "countries", "cities", "creditLimit", "currency", "createdAt", "updatedAt",
      "stageChangedAt");

  String atom() {
    switch (rnd.nextInt(22)) {
      case 0, 1: {
        String f = pick(STRING_FIELDS);
        String op = rnd.nextBoolean() ? "==" : "!=";
        String v = lit(pick(values(f)));
        return rnd.nextBoolean() ? "resource." + f + " " + op + " " + v : v + " " + op + " resource." + f;
      }
      case 2, 3: {
        String[] pair = pick(List.of(new String[] {"region", "subject.region"}, new String[] {"team", "subject.team"},
            new String[] {"department", "subject.department"}, new String[] {"grade", "subject.grade"},
            new String[] {"stage", "subject.stage"}, new String[] {"owner", "subject.id"}));
        String op = rnd.nextInt(3) == 0 ? "!=" : "==";
        return rnd.nextBoolean() ? "resource." + pair[0] + " " + op + " " + pair[1]
            : pair[1] + " " + op + " resource." + pair[0];
      }
      case 4: {
        String f = pick(ORDERED_STRING_FIELDS);
        String op = pick(List.of("<", "<=", ">", ">="));
        String rhs = rnd.nextInt(3) == 0 && ATTRIBUTES.containsKey(f) ? "subject." + f : lit(pick(values(f)));
        return "resource." + f + " " + op + " " + rhs;
      }
      case 5: {
        String f = pick(STRING_FIELDS);
        List<String> items = new ArrayList<>();
        int k = 1 + rnd.nextInt(3);
        for (int i = 0; i < k; i++) {
          items.add(rnd.nextInt(4) == 0 && ATTRIBUTES.containsKey(f) ? "subject." + f : lit(pick(values(f))));
        }
        return "resource." + f + " in [" + String.join(", ", items) + "]";
      }
      case 6, 7:
        return (rnd.nextInt(4) == 0 ? "subject.segment" : lit(pick(TAGS))) + " in resource.tags";
      case 8, 9: {
        String known = rnd.nextInt(4) == 0 ? "subject.segment" : lit(pick(TAG_PREFIXES));
        return switch (rnd.nextInt(4)) {
          case 0 -> "resource.tags.exists(t, t == " + lit(pick(TAGS)) + ")";
          case 1 -> "resource.tags.exists(t, t in [" + lit(pick(TAGS)) + ", " + lit(pick(TAGS)) + "])";
          default -> "resource.tags.exists(t, t.startsWith(" + known + "))";
        };
      }
      case 10:
        return rnd.nextBoolean() ? "resource.name.startsWith(" + lit(pick(NAME_PREFIXES)) + ")"
            : "resource.region.startsWith(" + (rnd.nextBoolean() ? "subject.region" : lit(pick(List.of("CN", "cn",
                "Z", "a%", "a_", "EU-")))) + ")";
      case 11:
        return "has(resource." + pick(ALL_FIELDS) + ")";
      case 12, 13: {
        String op = pick(List.of("<", "<=", ">", ">=", "==", "!="));
        String n = pick(NUMBERS);
        if (op.equals("==") || op.equals("!=") || rnd.nextBoolean()) {
          n = n.contains(".") ? n : n + ".0";
        }
        return "resource.creditLimit " + op + " " + n;
      }
      case 14: {
        String f = pick(List.of("createdAt", "createdAt", "updatedAt", "stageChangedAt"));
        String op = pick(List.of("<", "<=", ">", ">="));
        String rhs = rnd.nextInt(4) == 0 ? "env.now" : "timestamp('" + instant(epoch, now) + "')";
        return "resource." + f + " " + op + " " + rhs;
      }
      case 15:
        return switch (rnd.nextInt(6)) {
          case 0 -> "has(subject." + pick(List.copyOf(ATTRIBUTES.keySet())) + ")";
          case 1 -> "subject.level == " + lit(pick(LEVELS));
          case 2 -> lit(pick(roles.isEmpty() ? List.of(ADMIN_ROLE) : roles)) + " in subject.roles";
          case 3 -> "subject.region in [" + lit(pick(REGIONS)) + ", " + lit(pick(REGIONS)) + "]";
          case 4 -> "subject.id == " + lit(pick(USERS));
          default -> "subject.tenant == " + lit(rnd.nextBoolean() ? TENANT : "globex");
        };
      case 16:
        return rnd.nextBoolean() ? "resource.deleted" : "!resource.deleted";
      case 17:
        return "before.region == subject.region";
      case 18:
        // the index holds an address with its domain in lower case: Boss@Acme.example matches nothing, in both
        return lit(rnd.nextBoolean() ? pick(EMAILS) : pick(EMAILS).toLowerCase(java.util.Locale.ROOT))
            + " in resource.emails";
      case 19:
        return rnd.nextBoolean() ? lit(pick(COUNTRIES)) + " in resource.countries"
            : "resource.cities.exists(c, c.startsWith(" + lit(pick(List.of("Be", "be", "M", "Mü", "上"))) + "))";
      case 20:
        return "resource.kind == " + lit(rnd.nextBoolean() ? "PERSON" : "ORGANIZATION");
      default: {
        // a UUIDv7 prefix of a time in the window: about half of the ids are below it
        long ms = instant(epoch, now).toEpochMilli();
        String hex = String.format("%012x", ms);
        String prefix = hex.substring(0, 8) + "-" + hex.substring(8);
        return rnd.nextInt(3) == 0 ? "resource.id.startsWith(" + lit(prefix.substring(0, 5 + rnd.nextInt(3))) + ")"
            : "resource.id " + pick(List.of("<", ">=")) + " " + lit(prefix);
      }
    }
  }

  /** An atom that holds for some records only (most of the time): what a forbid says. */
  private String narrowAtom() {
    return switch (rnd.nextInt(6)) {
      case 0 -> lit(pick(TAGS)) + " in resource.tags";
      case 1 -> "resource.tags.exists(t, t.startsWith(" + lit(pick(TAG_PREFIXES)) + "))";
      case 2 -> {
        String f = pick(STRING_FIELDS);
        yield "resource." + f + " == " + lit(pick(values(f)));
      }
      case 3 -> "resource.creditLimit " + pick(List.of(">", ">=")) + " " + pick(NUMBERS);
      case 4 -> "resource.grade == subject.grade";
      default -> atom();
    };
  }

  private static List<String> values(String field) {
    return switch (field) {
      case "region" -> REGIONS;
      case "team" -> TEAMS;
      case "department" -> DEPARTMENTS;
      case "stage" -> STAGES;
      case "grade" -> GRADES;
      case "owner" -> USERS;
      case "name" -> NAMES;
      case "kind" -> List.of("PERSON", "ORGANIZATION", "person");
      case "currency" -> CURRENCIES;
      case "tags" -> TAGS;
      default -> throw new IllegalArgumentException(field);
    };
  }

  /** A CEL string literal. */
  static String lit(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  // ---- customers and actors ----------------------------------------------------------------------------------------

  /** Creation times for {@code n} customers, ascending (the Crm's clock is moved forward through them). */
  List<Instant> creationTimes(int n) {
    List<Instant> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(instant(epoch, now.minus(Duration.ofDays(1))));
    }
    out.sort(null);
    return out;
  }

  CustomerData customer() {
    String name = pick(NAMES) + (rnd.nextBoolean() ? "" : " " + rnd.nextInt(100));
    CustomerData.Builder b = CustomerData.builder(rnd.nextBoolean() ? CustomerKind.PERSON
        : CustomerKind.ORGANIZATION, name);
    if (rnd.nextInt(10) < 8) {
      b.region(pick(REGIONS));
    }
    if (rnd.nextInt(10) < 6) {
      b.team(pick(TEAMS));
    }
    if (rnd.nextInt(10) < 5) {
      b.department(pick(DEPARTMENTS));
    }
    if (rnd.nextInt(10) < 6) {
      b.grade(pick(GRADES));
    }
    if (rnd.nextInt(10) < 7) {
      b.owner(pick(USERS));
    }
    if (rnd.nextInt(10) < 8) {
      b.stage(pick(STAGES));
    }
    int tags = rnd.nextInt(10) < 3 ? 0 : 1 + rnd.nextInt(4);
    for (int i = 0; i < tags; i++) {
      b.tag(pick(TAGS));
    }
    if (rnd.nextBoolean()) {
      String amount = pick(AMOUNTS);
      int scale = new java.math.BigDecimal(amount).scale();
      b.creditLimit(amount, scale > 2 ? "BHD" : scale > 0 ? pick(List.of("CNY", "EUR", "USD")) : pick(CURRENCIES));
    }
    if (rnd.nextInt(10) < 3) {
      b.email(pick(EMAILS));
    }
    if (rnd.nextInt(10) < 2) {
      b.address(pick(ADDRESSES));
    }
    return b.build();
  }

  boolean deleteIt() {
    return rnd.nextInt(20) == 0;
  }

  Actor actor() {
    String user = rnd.nextInt(8) == 0 ? "x" + rnd.nextInt(1000) : pick(USERS);
    Actor a = Actor.of(TENANT, user);
    int k = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(3);
    for (int i = 0; i < k; i++) {
      a = a.withRoles(pick(roles));
    }
    if (rnd.nextInt(15) == 0) {
      a = a.withRoles("ghost");
    }
    for (Map.Entry<String, List<String>> e : ATTRIBUTES.entrySet()) {
      if (rnd.nextInt(4) != 0) {
        // mostly the attribute's own values, sometimes another attribute's (a region where a grade is expected)
        a = a.withAttribute(e.getKey(), rnd.nextInt(10) == 0 ? pick(REGIONS) : pick(e.getValue()));
      }
    }
    return a;
  }

  int nextInt(int bound) {
    return rnd.nextInt(bound);
  }

  <T> T pick(List<T> list) {
    return list.get(rnd.nextInt(list.size()));
  }

  private Instant instant(Instant from, Instant to) {
    long span = Duration.between(from, to).toSeconds();
    return from.plusSeconds((long) (rnd.nextDouble() * span)).plusNanos(rnd.nextInt(4) == 0 ? 0
        : rnd.nextInt(1_000_000_000));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }
}
