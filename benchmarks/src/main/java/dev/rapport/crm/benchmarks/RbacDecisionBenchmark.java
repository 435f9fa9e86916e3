package dev.rapport.crm.benchmarks;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.DataFilter;
import dev.rapport.crm.access.Decision;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.access.ResourceType;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.interaction.InteractionFields;
import dev.rapport.crm.rbac.Assignment;
import dev.rapport.crm.rbac.Rbac;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.casbin.jcasbin.main.CachedEnforcer;
import org.casbin.jcasbin.main.Enforcer;
import org.casbin.jcasbin.model.Model;
import org.casbin.jcasbin.persist.cache.CacheableParam;
import org.casbin.jcasbin.persist.file_adapter.FileAdapter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One access decision — multi-tenant RBAC with a three-level role hierarchy per tenant and an owner-or-region rule
 * for editing customers — in Rapport ({@link Rbac#check}) and in jCasbin, the anchor: its plain {@link Enforcer} on
 * the same varying requests, and its {@link CachedEnforcer} answering one repeated request (its best case).
 *
 * <p>Both sides are generated from the same data, {@value #LINES_PER_TENANT} jCasbin policy lines per tenant:
 * <ul>
 *   <li>11 {@code p} lines, the permissions of the three roles: rep views and edits customers and views and creates
 *       interactions (the edit only on a customer the user owns or one in the user's region), manager adds customer
 *       export, assign and approve, admin adds customer delete, merge, erase and administer;</li>
 *   <li>2 {@code g} lines, the hierarchy (admin inherits manager inherits rep, in the tenant's domain);</li>
 *   <li>{@value #USERS} {@code g} lines, the users (the same user ids in every tenant, with a role that differs
 *       between tenants: a user of one tenant must never get what the same id holds in another).</li>
 * </ul>
 * Rapport holds the same rules: roles named per tenant ({@code t17.rep}, {@code t17.manager} inheriting it, ...), one
 * role permission per {@code p} line (the edit as {@code permitWhen} with the CEL condition), one
 * {@link Assignment} per user line. {@code rules} (the number of lines) sets the number of tenants.
 *
 * <p>The {@value #REQUESTS} requests (seed 42) vary tenant, user (5% unknown), resource type, action (30% the
 * attribute-checked customer edit) and record (35% owned by the requester, the region random); both sides cycle
 * through the same array. Setup fails unless Rapport, jCasbin and an independent oracle computed from the generated
 * data give the same answer for every request, and unless the array holds allowed and denied requests of each kind.
 *
 * <p>{@code rapportFilter} measures {@link Rbac#filter} (turning a rep's view rules into store criteria) on the same
 * generated policy with the rep's customer view limited to the user's region.
 *
 * <p>jCasbin takes 5-15 ms per decision at 110,000 lines: run that size on its own with shorter iterations:
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar 'RbacDecisionBenchmark\.' -p rules=100,1100 -f 1
 * java -jar benchmarks/target/benchmarks.jar 'RbacDecisionBenchmark\.' -p rules=110000 -f 1 -wi 2 -i 3
 * </pre>
 */
@BenchmarkMode({Mode.SampleTime, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
@State(Scope.Benchmark)
public class RbacDecisionBenchmark {
  private static final Logger LOG = LoggerFactory.getLogger(RbacDecisionBenchmark.class);
  static final int LINES_PER_TENANT = 50;
  static final int USERS = 37;
  static final int REQUESTS = 1024;
  private static final int MASK = REQUESTS - 1;
  static final String[] REGIONS = {"EU", "US", "APAC"};
  static final String[] ROLES = {"rep", "manager", "admin"};
  static final String OWNER_OR_REGION = "resource.owner == subject.id || resource.region == subject.region";
  static final String GHOST = "ghost";

  /** One permission: the lowest role holding it, and whether it needs the owner-or-region condition. */
  record Grant(int level, ResourceType type, Action action, boolean ownerOrRegion) {}

  static final List<Grant> GRANTS = List.of(
      new Grant(0, CustomerFields.TYPE, Action.VIEW, false),
      new Grant(0, CustomerFields.TYPE, Action.EDIT, true),
      new Grant(0, InteractionFields.TYPE, Action.VIEW, false),
      new Grant(0, InteractionFields.TYPE, Action.CREATE, false),
      new Grant(1, CustomerFields.TYPE, Action.EXPORT, false),
      new Grant(1, CustomerFields.TYPE, Action.ASSIGN, false),
      new Grant(1, CustomerFields.TYPE, Action.APPROVE, false),
      new Grant(2, CustomerFields.TYPE, Action.DELETE, false),
      new Grant(2, CustomerFields.TYPE, Action.MERGE, false),
      new Grant(2, CustomerFields.TYPE, Action.ERASE, false),
      new Grant(2, CustomerFields.TYPE, Action.ADMINISTER, false));

  /**
   * jCasbin's RBAC-with-domains model with the attribute rule in the matcher; the terms ordered cheapest first so
   * that it rejects a line as early as it can. {@code p.abac} marks the line whose permission needs the condition.
   */
  static final String CASBIN_MODEL = """
      [request_definition]
      r = sub, dom, obj, act

      [policy_definition]
      p = sub, dom, obj, act, abac

      [role_definition]
      g = _, _, _

      [policy_effect]
      e = some(where (p.eft == allow))

      [matchers]
      m = r.dom == p.dom && r.obj.Type == p.obj && r.act == p.act && g(r.sub.Name, p.sub, r.dom) \
      && (p.abac == "none" || r.obj.Owner == r.sub.Name || r.obj.Region == r.sub.Region)
      """;

  @Param({"100", "1100", "110000"})
  public int rules;

  /**
   * A diagnostic: 0 (the measured form) draws the requests' tenants from all of them; n draws them from the first n
   * only, so that the decisions touch the same amount of memory whatever the size of the policy: at 110,000 lines and
   * {@code -p requestTenants=2}, a decision's cost without the cache misses that 1,024 requests over 2,200 tenants
   * bring.
   */
  @Param("0")
  public int requestTenants;

  /**
   * The share of requests, in percent, that are the attribute-checked customer edit (30, the measured form). A
   * diagnostic: 0 measures the decisions that need no condition alone.
   */
  @Param("30")
  public int editPercent;

  // set for the benchmark a trial runs only: the heap of the other side does not weigh on the measured one
  private Rbac rbac;
  private Enforcer enforcer;
  private CachedEnforcer cached;
  private Request repeated;
  private Rbac filterRbac;
  private Actor filterActor;
  private Request[] requests;
  private int next;

  /** jCasbin's request subject: read by its matcher through the getters. */
  public static final class CasbinSubject implements CacheableParam {
    private final String name;
    private final String region;

    CasbinSubject(String name, String region) {
      this.name = name;
      this.region = region;
    }

    public String getName() {
      return name;
    }

    public String getRegion() {
      return region;
    }

    @Override
    public String getCacheKey() {
      return name + '|' + region;
    }
  }

  /** jCasbin's request object: the record's type and the attributes the matcher reads. */
  public static final class CasbinObject implements CacheableParam {
    private final String type;
    private final String id;
    private final String owner;
    private final String region;

    CasbinObject(String type, String id, String owner, String region) {
      this.type = type;
      this.id = id;
      this.owner = owner;
      this.region = region;
    }

    public String getType() {
      return type;
    }

    public String getOwner() {
      return owner;
    }

    public String getRegion() {
      return region;
    }

    @Override
    public String getCacheKey() {
      return type + '|' + id + '|' + owner + '|' + region;
    }
  }

  /** One request, in each side's form, with the oracle's answer. */
  record Request(Actor actor, Action action, Resource resource, CasbinSubject sub, String dom, CasbinObject obj,
                 String act, boolean expected, boolean ownerOrRegion) {}

  static int tenants(int rules) {
    if (rules % LINES_PER_TENANT != 0) {
      throw new IllegalArgumentException("rules must be a multiple of " + LINES_PER_TENANT + ": " + rules);
    }
    return rules / LINES_PER_TENANT;
  }

  /** The role level (0 rep, 1 manager, 2 admin) of user {@code u} in tenant {@code t}: ~10% admins, ~20% managers. */
  static int level(int t, int u) {
    int h = Math.floorMod(t * 31 + u * 17, 10);
    return h == 0 ? 2 : h <= 2 ? 1 : 0;
  }

  static String region(int t, int u) {
    return REGIONS[Math.floorMod(t * 7 + u, REGIONS.length)];
  }

  static String tenant(int t) {
    return "t" + t;
  }

  static String act(Action a) {
    return a.name().toLowerCase(Locale.ROOT);
  }

  /** jCasbin's policy lines, in CSV, and their count. */
  static String casbinPolicy(int tenants) {
    StringBuilder csv = new StringBuilder();
    for (int t = 0; t < tenants; t++) {
      String dom = tenant(t);
      for (Grant g : GRANTS) {
        csv.append("p, ").append(ROLES[g.level()]).append(", ").append(dom).append(", ").append(g.type().name())
            .append(", ").append(act(g.action())).append(", ").append(g.ownerOrRegion() ? "ownerOrRegion" : "none")
            .append('\n');
      }
      csv.append("g, manager, rep, ").append(dom).append('\n');
      csv.append("g, admin, manager, ").append(dom).append('\n');
      for (int u = 0; u < USERS; u++) {
        csv.append("g, u").append(u).append(", ").append(ROLES[level(t, u)]).append(", ").append(dom).append('\n');
      }
    }
    return csv.toString();
  }

  static Enforcer casbin(String policy, boolean cache) {
    Model model = Model.newModelFromString(CASBIN_MODEL);
    FileAdapter adapter = new FileAdapter(new ByteArrayInputStream(policy.getBytes(StandardCharsets.UTF_8)));
    Enforcer e = cache ? new CachedEnforcer(model, adapter) : new Enforcer(model, adapter, false);
    e.enableLog(false);
    return e;
  }

  /**
   * Rapport's policy from the same data. With {@code regionalView} the rep's customer view is limited to the user's
   * region (for the filter benchmark; the decision benchmarks use the policy as generated).
   */
  static Rbac rapport(int tenants, boolean regionalView) {
    Rbac.Builder b = Rbac.builder().attributes("region");
    for (int t = 0; t < tenants; t++) {
      String dom = tenant(t);
      for (int level = 0; level < ROLES.length; level++) {
        int lvl = level;
        b.role(dom + "." + ROLES[level], r -> {
          if (lvl > 0) {
            r.inherits(dom + "." + ROLES[lvl - 1]);
          }
          for (Grant g : GRANTS) {
            if (g.level() != lvl) {
              continue;
            }
            if (g.ownerOrRegion()) {
              r.permitWhen(g.type().name(), OWNER_OR_REGION, g.action());
            } else if (regionalView && g.type() == CustomerFields.TYPE && g.action() == Action.VIEW) {
              r.permitWhen(g.type().name(), "resource.region == subject.region", g.action());
            } else {
              r.permit(g.type().name(), g.action());
            }
          }
        });
      }
      for (int u = 0; u < USERS; u++) {
        b.assign(Assignment.of(dom, "u" + u, dom + "." + ROLES[level(t, u)]));
      }
    }
    return b.build();
  }

  /** The answer the generated data implies, computed without either engine. */
  static boolean oracle(int t, String user, ResourceType type, Action action, String owner, String recordRegion,
                        String userRegion) {
    if (user.equals(GHOST)) {
      return false;
    }
    int level = level(t, Integer.parseInt(user.substring(1)));
    for (Grant g : GRANTS) {
      if (g.type() == type && g.action() == action && g.level() <= level) {
        return !g.ownerOrRegion() || owner.equals(user) || recordRegion.equals(userRegion);
      }
    }
    return false;
  }

  /**
   * The requests of a policy of {@code tenants} tenants, drawn from the first {@code drawn}, {@code editPercent}
   * percent of them the attribute-checked customer edit.
   */
  static Request[] requests(int tenants, int drawn, int editPercent) {
    List<ResourceType> types = new ArrayList<>();
    List<Action> actions = new ArrayList<>();
    for (Action a : Action.values()) {
      types.add(CustomerFields.TYPE);
      actions.add(a);
    }
    for (Action a : List.of(Action.VIEW, Action.CREATE, Action.EDIT, Action.DELETE)) {
      types.add(InteractionFields.TYPE);
      actions.add(a);
    }
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("name", "Acme");
    SplittableRandom random = new SplittableRandom(42);
    Request[] out = new Request[REQUESTS];
    for (int i = 0; i < REQUESTS; i++) {
      int t = random.nextInt(Math.min(tenants, drawn));
      int u = random.nextInt(USERS);
      boolean ghost = random.nextInt(100) < 5;
      String user = ghost ? GHOST : "u" + u;
      String userRegion = ghost ? REGIONS[0] : region(t, u);
      ResourceType type;
      Action action;
      if (random.nextInt(100) < editPercent) {
        type = CustomerFields.TYPE;
        action = Action.EDIT;
      } else {
        int k = random.nextInt(types.size());
        type = types.get(k);
        action = actions.get(k);
      }
      String owner = random.nextInt(100) < 35 ? user : "u" + random.nextInt(USERS);
      String recordRegion = REGIONS[random.nextInt(REGIONS.length)];
      String id = "r" + i;
      Actor actor = Actor.of(tenant(t), user).withAttribute("region", userRegion);
      Resource resource = Resource.stored(type, id, body,
          Map.of(CustomerFields.OWNER, List.of(owner), CustomerFields.REGION, List.of(recordRegion)));
      out[i] = new Request(actor, action, resource, new CasbinSubject(user, userRegion), tenant(t),
          new CasbinObject(type.name(), id, owner, recordRegion), act(action),
          oracle(t, user, type, action, owner, recordRegion, userRegion),
          type == CustomerFields.TYPE && action == Action.EDIT);
    }
    return out;
  }

  @Setup(Level.Trial)
  public void setUp(BenchmarkParams params) {
    int tenants = tenants(rules);
    String bench = params.getBenchmark();
    long start = System.nanoTime();
    Rbac rapport = rapport(tenants, false);
    long rapportBuilt = System.nanoTime();
    String policy = casbinPolicy(tenants);
    Enforcer casbin = casbin(policy, false);
    long casbinBuilt = System.nanoTime();
    int lines = casbin.getPolicy().size() + casbin.getGroupingPolicy().size();
    if (lines != rules) {
      throw new IllegalStateException("jCasbin holds " + lines + " policy lines, not " + rules);
    }
    requests = requests(tenants, requestTenants > 0 ? requestTenants : tenants, editPercent);
    int[] seen = new int[4]; // allowed, denied, allowed by the condition, denied by it
    for (Request r : requests) {
      boolean byRapport = rapport.check(r.actor(), r.action(), r.resource()).allowed();
      boolean byCasbin = casbin.enforce(r.sub(), r.dom(), r.obj(), r.act());
      if (byRapport != r.expected() || byCasbin != r.expected()) {
        throw new IllegalStateException("the sides disagree on " + r.sub().getName() + " of " + r.dom() + " "
            + r.act() + " " + r.obj().getCacheKey() + ": Rapport " + byRapport + ", jCasbin " + byCasbin
            + ", expected " + r.expected());
      }
      seen[r.expected() ? 0 : 1]++;
      if (r.ownerOrRegion()) {
        seen[r.expected() ? 2 : 3]++;
      }
    }
    for (int k = 0; k < (editPercent >= 30 ? seen.length : 2); k++) {
      int s = seen[k];
      if (s < REQUESTS / 20) {
        throw new IllegalStateException("the requests are not mixed enough: allowed " + seen[0] + ", denied "
            + seen[1] + ", edits allowed " + seen[2] + ", edits denied " + seen[3]);
      }
    }
    LOG.info("{} rules, {} tenants: Rapport built in {} ms, jCasbin in {} ms, checked in {} ms; allowed {}, denied {},"
        + " edits allowed {}, denied {}", rules, tenants, (rapportBuilt - start) / 1_000_000,
        (casbinBuilt - rapportBuilt) / 1_000_000, (System.nanoTime() - casbinBuilt) / 1_000_000,
        seen[0], seen[1], seen[2], seen[3]);
    if (bench.endsWith(".rapportCheck")) {
      rbac = rapport;
    }
    if (bench.endsWith(".jcasbinEnforce")) {
      enforcer = casbin;
    }
    if (bench.endsWith(".jcasbinCachedRepeated")) {
      cached = (CachedEnforcer) casbin(policy, true);
      for (Request r : requests) {
        if (r.ownerOrRegion() && r.expected()) {
          repeated = r;
          break;
        }
      }
      if (!cached.enforce(repeated.sub(), repeated.dom(), repeated.obj(), repeated.act())
          || !cached.enforce(repeated.sub(), repeated.dom(), repeated.obj(), repeated.act())) {
        throw new IllegalStateException("the cached enforcer denies the repeated request");
      }
    }
    if (bench.endsWith(".jcasbinCachedVarying")) {
      cached = (CachedEnforcer) casbin(policy, true);
      for (Request r : requests) {
        if (cached.enforce(r.sub(), r.dom(), r.obj(), r.act()) != r.expected()) {
          throw new IllegalStateException("the cached enforcer disagrees on " + r.obj().getCacheKey());
        }
      }
    }
    if (bench.endsWith(".rapportFilter")) {
      filterRbac = rapport(tenants, true);
      int rep = 0;
      while (level(0, rep) != 0) {
        rep++;
      }
      filterActor = Actor.of(tenant(0), "u" + rep).withAttribute("region", region(0, rep));
      DataFilter f = filterRbac.filter(filterActor, Action.VIEW, CustomerFields.TYPE);
      if (!(f instanceof DataFilter.Where)) {
        throw new IllegalStateException("a rep's view filter should be a condition, not " + f);
      }
      LOG.info("the rep's view filter: {}", f);
    }
    // the setup's garbage (at 110,000 lines, GBs: both sides built, one dropped) is collected now, not by concurrent
    // GC threads competing with the measured thread for the cores during the iterations
    System.gc();
  }

  private Request nextRequest() {
    return requests[next++ & MASK];
  }

  /** Rapport: the full decision, the owner-or-region condition included, on varying requests. */
  @Benchmark
  public Decision rapportCheck() {
    Request r = nextRequest();
    return rbac.check(r.actor(), r.action(), r.resource());
  }

  /** jCasbin's plain enforcer on the same varying requests. */
  @Benchmark
  public boolean jcasbinEnforce() {
    Request r = nextRequest();
    return enforcer.enforce(r.sub(), r.dom(), r.obj(), r.act());
  }

  /** jCasbin's cached enforcer answering one repeated request (an allowed customer edit): its best case. */
  @Benchmark
  public boolean jcasbinCachedRepeated() {
    Request r = repeated;
    return cached.enforce(r.sub(), r.dom(), r.obj(), r.act());
  }

  /**
   * A diagnostic: jCasbin's cached enforcer on the same varying requests, every one of them already in its cache (set
   * up by one pass): what a cache costs when the requests spread over the policy like {@link #rapportCheck}'s.
   */
  @Benchmark
  public boolean jcasbinCachedVarying() {
    Request r = nextRequest();
    return cached.enforce(r.sub(), r.dom(), r.obj(), r.act());
  }

  /** Rapport: the store criteria of a rep's customer view limited to the user's region. */
  @Benchmark
  public DataFilter rapportFilter() {
    return filterRbac.filter(filterActor, Action.VIEW, CustomerFields.TYPE);
  }
}
