package dev.rapport.crm.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.DataFilter;
import dev.rapport.crm.access.Resource;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.error.NotFoundException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.CriteriaEvaluator;
import dev.rapport.crm.query.Deleted;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The property "filter and check never disagree", on one store. For a random policy ({@link RandomPolicyWorld}), a
 * few hundred random customers created through the command path and enough random actors that actors × customers
 * passes 100,000, the records the store returns for the policy's {@link Action#VIEW} filter are exactly the records
 * {@code check} allows, and so are the records every read path of the command path shows: {@code find} (paged),
 * {@code count} and {@code get}. {@code check} is asked three times per record and must agree with itself: with the
 * index values the type derives from the stored JSON body ({@code Resource.stored(type, id, body)}), and with the
 * values the store read, from a page and from a single read (as the command path asks). {@link Action#EXPORT} is
 * held to the same rule: its residual evaluated on every record, and {@code export} for every fourth actor.
 *
 * <p>One seed per JVM run, the same for every store (a disagreement seen on one store only is that store's
 * translation of criteria), printed in the log and in every failure; {@code -Drapport.seed=...} replays a run.
 *
 * <p>Each store subclasses this once with {@link #open}: a store in a database or schema of its own, dropped (and an
 * embedded server stopped) when the test ends.
 */
abstract class FilterAgreesWithCheckContract {
  private static final Logger LOG = LoggerFactory.getLogger(FilterAgreesWithCheckContract.class);
  static final long SEED = Long.getLong("rapport.seed", new SecureRandom().nextLong());
  private static final int PAIRS = 100_000;
  private static final TenantId TENANT = TenantId.of(RandomPolicyWorld.TENANT);
  /** Runs in this JVM so far: each places its world later in time than the one before (see RandomPolicyWorld). */
  private static final AtomicInteger RUNS = new AtomicInteger();

  /** A fresh store (its own database, schema or server) on {@code clock}; closing it leaves nothing behind. */
  abstract TestServers.Opened open(Clock clock) throws Exception;

  @Test
  void filterAndCheckNeverDisagree() throws Exception {
    run(SEED);
  }

  void run(long seed) throws Exception {
    String label = getClass().getSimpleName() + ", seed " + seed + " (replay with -Drapport.seed=" + seed + ")";
    LOG.info("{}", label);
    Phases phases = new Phases();
    RandomPolicyWorld world = new RandomPolicyWorld(seed, RUNS.getAndIncrement());
    // the records' times and the policy's env.now; the store keeps the system clock for its own bookkeeping
    MutableClock clock = new MutableClock(world.epoch);
    Rbac rbac = world.policy(clock);
    try (TestServers.Opened opened = open(Clock.systemUTC());
         Crm crm = Crm.builder().store(opened.store()).accessPolicy(rbac).audit(AuditRecorder.none()).clock(clock)
             .indexes(CustomerFields.COLLECTION, rbac.requiredIndexes(CustomerFields.TYPE)).build()) {
      Store store = opened.store();
      List<String> created = createCustomers(world, clock, crm);
      clock.set(world.now);
      // every customer as stored: from a page (as find sees it) and from a single read (as get sees it)
      Map<String, Record> records = new LinkedHashMap<>();
      for (Document d : all(store, Criteria.all(), 100)) {
        records.put(d.id(), new Record(d, store.get(TENANT, CustomerFields.COLLECTION, d.id()).orElseThrow()));
      }
      assertThat(records.keySet()).as(label).containsExactlyInAnyOrderElementsOf(created);
      phases.lap("create");

      int actors = Math.max(PAIRS / records.size() + 1, 300);
      List<String> failures = new ArrayList<>();
      Map<String, Integer> filterKinds = new TreeMap<>();
      long allowed = 0;
      for (int i = 0; i < actors && failures.size() < 3; i++) {
        Actor actor = world.actor();
        DataFilter view = rbac.filter(actor, Action.VIEW, CustomerFields.TYPE);
        DataFilter export = rbac.filter(actor, Action.EXPORT, CustomerFields.TYPE);
        filterKinds.merge(view.getClass().getSimpleName(), 1, Integer::sum);

        Map<String, Set<String>> views = new LinkedHashMap<>();
        Map<String, Set<String>> exports = new LinkedHashMap<>();
        Set<String> byBody = set(views, "check (values derived from the JSON body)");
        Set<String> byPage = set(views, "check (values of the document in a page)");
        Set<String> bySingle = set(views, "check (values of the document read alone)");
        Set<String> byResidual = set(views, "residual evaluated on the document read alone (as get does)");
        Set<String> exportByCheck = set(exports, "check");
        Set<String> exportByResidual = set(exports, "residual evaluated on the document read alone");
        for (Record r : records.values()) {
          add(byBody, r, rbac.check(actor, Action.VIEW, r.fromBody).allowed());
          add(byPage, r, rbac.check(actor, Action.VIEW, r.fromPage).allowed());
          add(bySingle, r, rbac.check(actor, Action.VIEW, r.fromSingle).allowed());
          add(byResidual, r, r.matches(view));
          add(exportByCheck, r, rbac.check(actor, Action.EXPORT, r.fromSingle).allowed());
          add(exportByResidual, r, r.matches(export));
        }
        allowed += byBody.size();
        phases.lap("checks");

        int pageSize = world.pick(List.of(50, 250, 1000, 1000));
        Set<String> byStore = set(views, "store query with the residual");
        all(store, view.asCriteria(), pageSize).forEach(d -> byStore.add(d.id()));
        phases.lap("store");
        Query everything = Query.of(Criteria.all(), Sort.byId(), pageSize).includingDeleted();
        Set<String> byFind = set(views, "crm.customers().find");
        pages(q -> crm.customers().find(actor, q), everything).forEach(c -> byFind.add(c.id()));
        if (i % 4 == 0) {
          Set<String> byExport = set(exports, "crm.customers().export");
          pages(q -> crm.customers().export(actor, q), everything).forEach(c -> byExport.add(c.id()));
        }
        phases.lap("find");
        long count = crm.customers().count(actor, Criteria.all(), Deleted.INCLUDED);
        Map<String, Boolean> gets = new TreeMap<>();
        for (int k = 0; k < 3; k++) {
          String id = world.pick(created);
          gets.put(id, crm.customers().get(actor, id).isPresent());
        }
        phases.lap("count, get");

        boolean agree = views.values().stream().allMatch(byBody::equals)
            && exports.values().stream().allMatch(exportByCheck::equals)
            && count == byBody.size()
            && gets.entrySet().stream().allMatch(e -> e.getValue() == byBody.contains(e.getKey()));
        if (!agree) {
          failures.add(describe(label, world, rbac, actor, view, export, records, views, exports, count, gets));
        }
      }
      LOG.info("{}: {} customers × {} actors in {}; VIEW filters {}, {}% of the pairs allowed", label,
          records.size(), actors, phases, filterKinds, 100 * allowed / ((long) actors * records.size()));
      assertThat(failures).as(label + ": filter and check disagree\n" + String.join("\n\n", failures)).isEmpty();
      assertThat((long) records.size() * actors).isGreaterThanOrEqualTo(PAIRS);
    }
  }

  /** Customers created by an admin at increasing times; a few soft-deleted. */
  private static List<String> createCustomers(RandomPolicyWorld world, MutableClock clock, Crm crm) {
    Actor admin = Actor.of(RandomPolicyWorld.TENANT, "root").withRoles(RandomPolicyWorld.ADMIN_ROLE);
    List<String> created = new ArrayList<>();
    for (Instant at : world.creationTimes(200 + world.nextInt(60))) {
      clock.set(at);
      Customer c = crm.customers().create(admin, world.customer());
      created.add(c.id());
      if (world.deleteIt()) {
        clock.advance(Duration.ofMillis(1 + world.nextInt(1000)));
        try {
          crm.customers().delete(admin, c.id(), "test");
        } catch (NotFoundException hiddenFromEveryone) {
          // an open forbid hides it from the admin too: it stays live
        }
      }
    }
    return created;
  }

  /**
   * A stored customer and the three resources {@code check} is asked about. Each derives its index values once
   * (deriving reads the JSON body into a customer, which would otherwise dominate the run): {@code fromBody} as
   * {@code Resource.stored(type, id, body)} derives them, the other two as the command path reads them.
   */
  private record Record(Document page, Document single, Resource fromBody, Resource fromPage, Resource fromSingle) {
    Record(Document page, Document single) {
      this(page, single, derived(Resource.stored(CustomerFields.TYPE, page.id(), page.body())),
          Resource.stored(CustomerFields.TYPE, page.id(), page.body(), CustomerFields.TYPE.readValues(page)),
          Resource.stored(CustomerFields.TYPE, single.id(), single.body(), CustomerFields.TYPE.readValues(single)));
    }

    private static Resource derived(Resource r) {
      return Resource.stored(r.type(), r.id(), r.current(), r.currentValues());
    }

    /** Whether {@code filter} admits the record, with core's reference semantics (what a single read decides on). */
    boolean matches(DataFilter filter) {
      Map<String, List<Object>> values = fromSingle.currentValues();
      return CriteriaEvaluator.matches(filter.asCriteria(), f -> values.getOrDefault(f, List.of()));
    }
  }

  private static Set<String> set(Map<String, Set<String>> views, String name) {
    Set<String> s = new TreeSet<>();
    views.put(name, s);
    return s;
  }

  private static void add(Set<String> set, Record r, boolean admitted) {
    if (admitted) {
      set.add(r.page.id());
    }
  }

  /** Every document matching {@code criteria}, page by page, straight from the store (soft-deleted ones too). */
  private static List<Document> all(Store store, Criteria criteria, int pageSize) {
    return pages(q -> store.query(TENANT, CustomerFields.COLLECTION, q),
        new Query(criteria, Sort.byId(), pageSize, null));
  }

  private static <T> List<T> pages(Function<Query, Page<T>> fetch, Query first) {
    List<T> out = new ArrayList<>();
    for (Query q = first; q != null; ) {
      Page<T> p = fetch.apply(q);
      out.addAll(p.items());
      q = p.nextCursor() == null ? null : q.after(p.nextCursor());
    }
    return out;
  }

  /** Where the time goes, for the log: a store that takes long says which part. */
  private static final class Phases {
    private final long start = System.nanoTime();
    private long last = start;
    private final Map<String, Long> nanos = new LinkedHashMap<>();

    void lap(String phase) {
      long now = System.nanoTime();
      nanos.merge(phase, now - last, Long::sum);
      last = now;
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder().append((last - start) / 1_000_000).append(" ms (");
      nanos.forEach((k, v) -> b.append(k).append(' ').append(v / 1_000_000).append(" ms, "));
      return b.replace(b.length() - 2, b.length(), ")").toString();
    }
  }

  private static String describe(String label, RandomPolicyWorld world, Rbac rbac, Actor actor, DataFilter view,
                                 DataFilter export, Map<String, Record> records, Map<String, Set<String>> views,
                                 Map<String, Set<String>> exports, long count, Map<String, Boolean> gets) {
    StringBuilder b = new StringBuilder(label).append('\n');
    b.append("actor: ").append(actor).append('\n');
    b.append("VIEW filter: ").append(view).append('\n');
    b.append("EXPORT filter: ").append(export).append('\n');
    Set<String> expected = views.values().iterator().next();
    if (count != expected.size()) {
      b.append("crm.customers().count: ").append(count).append(", check allows ").append(expected.size())
          .append('\n');
    }
    Set<String> differing = new TreeSet<>();
    gets.forEach((id, present) -> {
      if (present != expected.contains(id)) {
        b.append("crm.customers().get(").append(id).append("): ").append(present ? "present" : "absent")
            .append('\n');
        differing.add(id);
      }
    });
    for (Map<String, Set<String>> group : List.of(views, exports)) {
      Set<String> reference = group.values().iterator().next();
      group.values().forEach(v -> {
        v.stream().filter(id -> !reference.contains(id)).forEach(differing::add);
        reference.stream().filter(id -> !v.contains(id)).forEach(differing::add);
      });
    }
    int shown = 0;
    for (String id : differing) {
      if (shown++ == 5) {
        b.append("... and ").append(differing.size() - 5).append(" more records\n");
        break;
      }
      Record r = records.get(id);
      b.append("record ").append(id).append(":\n");
      views.forEach((name, v) -> b.append("  VIEW ").append(v.contains(id) ? "admitted by " : "refused by ")
          .append(name).append('\n'));
      exports.forEach((name, v) -> b.append("  EXPORT ").append(v.contains(id) ? "admitted by " : "refused by ")
          .append(name).append('\n'));
      b.append("  values derived from the body: ").append(r.fromBody.currentValues()).append('\n');
      b.append("  values of the document read alone: ").append(new TreeMap<>(r.fromSingle.currentValues()))
          .append('\n');
      b.append("  explain VIEW: ").append(rbac.explain(actor, Action.VIEW, r.fromSingle)).append('\n');
    }
    b.append("policy:\n  ").append(String.join("\n  ", world.description));
    return b.toString();
  }
}
