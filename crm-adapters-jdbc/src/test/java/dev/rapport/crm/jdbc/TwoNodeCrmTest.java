package dev.rapport.crm.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.Actor;
import dev.rapport.crm.ConcurrentModificationException;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.customer.CustomFieldSchema;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.customer.CustomerPatch;
import dev.rapport.crm.notify.Event;
import dev.rapport.crm.notify.Notifier;
import dev.rapport.crm.notify.Outbox;
import dev.rapport.crm.notify.RelayResult;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.testkit.RecordingNotifier;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two {@link Crm} nodes, each on its own {@link JdbcStore} over one database, eight threads each doing
 * read-modify-write updates (expected version, counter + 1) on 50 hot customers; then both nodes publish the outbox
 * at the same time, again and again until there is nothing left. No update is lost, every conflict is a
 * {@link ConcurrentModificationException}, the change feed holds every committed write exactly once, every outbox
 * event is delivered, and the relay lease keeps deliveries to one node at a time.
 */
class TwoNodeCrmTest {
  private static final Logger LOG = LoggerFactory.getLogger(TwoNodeCrmTest.class);
  private static final int CUSTOMERS = 50;
  private static final int THREADS_PER_NODE = 8;
  private static final int OPS_PER_THREAD = 30;

  /** Counts deliveries in flight across both nodes; more than one at a time means two nodes held the lease. */
  private static final class Exclusive implements Notifier {
    private final Notifier delegate;
    private final AtomicInteger inFlight;
    private final AtomicInteger maxInFlight;

    Exclusive(Notifier delegate, AtomicInteger inFlight, AtomicInteger maxInFlight) {
      this.delegate = delegate;
      this.inFlight = inFlight;
      this.maxInFlight = maxInFlight;
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public void deliver(Event event) throws Exception {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        Thread.sleep(1); // widens the window in which a second holder would show
        delegate.deliver(event);
      } finally {
        inFlight.decrementAndGet();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = TestDatabases.Kind.class, names = {"POSTGRESQL", "MARIADB"})
  void twoCrmNodesLoseNothingAndDeliverEverything(TestDatabases.Kind kind) throws Exception {
    TestDatabases.Fresh db = TestDatabases.fresh(kind);
    RecordingNotifier delivered = new RecordingNotifier();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    List<Crm> nodes = new ArrayList<>();
    for (String nodeId : List.of("node-a", "node-b")) {
      nodes.add(Crm.builder().store(db.builder(Clock.systemUTC()).build()).accessPolicy(AccessPolicy.allowAll())
          .audit(AuditRecorder.none())
          .customFields(CustomFieldSchema.builder().number("counter", false).build())
          .notifier(new Exclusive(delivered, inFlight, maxInFlight))
          .nodeId(nodeId).publishAfterCommit(false).build());
    }
    Actor actor = Actor.of("acme", "sync");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < CUSTOMERS; i++) {
      ids.add(nodes.get(i % 2).customers().create(actor, CustomerData.builder(CustomerKind.PERSON, "Customer " + i)
          .customField("counter", 0).build()).id());
    }
    Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();
    ids.forEach(id -> successes.put(id, new AtomicInteger()));
    AtomicInteger conflicts = new AtomicInteger();

    ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS_PER_NODE);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 2 * THREADS_PER_NODE; t++) {
        Crm crm = nodes.get(t % 2);
        long seed = t;
        futures.add(pool.submit(() -> {
          Random random = new Random(seed);
          for (int n = 0; n < OPS_PER_THREAD; n++) {
            String id = ids.get(random.nextInt(CUSTOMERS));
            Customer read = crm.customers().require(actor, id);
            long counter = Long.parseLong(read.customFields().get("counter"));
            try {
              crm.customers().update(actor, id, CustomerPatch.builder().expectedVersion(read.version())
                  .customField("counter", counter + 1).build());
              successes.get(id).incrementAndGet();
            } catch (ConcurrentModificationException e) {
              conflicts.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(); // any other exception fails the test here
      }

      // both nodes publish at once, until neither has anything left to deliver
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> publishers = new ArrayList<>();
      for (Crm crm : nodes) {
        publishers.add(pool.submit(() -> {
          start.await();
          int idleRounds = 0;
          int rounds = 0;
          while (idleRounds < 3 && rounds++ < 2_000) {
            int sent = 0;
            for (RelayResult r : crm.publish(actor.tenant())) {
              assertThat(r.failed()).isZero();
              sent += r.delivered();
            }
            idleRounds = sent == 0 ? idleRounds + 1 : 0;
          }
          return rounds;
        }));
      }
      start.countDown();
      for (Future<Integer> f : publishers) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    int totalSuccesses = successes.values().stream().mapToInt(AtomicInteger::get).sum();
    assertThat(totalSuccesses + conflicts.get()).isEqualTo(2 * THREADS_PER_NODE * OPS_PER_THREAD);
    assertThat(totalSuccesses).isPositive();
    for (String id : ids) {
      Customer c = nodes.get(1).customers().require(actor, id);
      int ok = successes.get(id).get();
      assertThat(c.customFields().get("counter")).as("counter of %s", id).isEqualTo(Integer.toString(ok));
      assertThat(c.version()).as("version of %s", id).isEqualTo(1L + ok);
    }

    Store store = nodes.get(0).store();
    List<Change> customerChanges = new ArrayList<>();
    for (long after = 0; ; ) {
      List<Change> batch = store.changes(actor.tenant(), after, 1_000);
      if (batch.isEmpty()) {
        break;
      }
      batch.stream().filter(ch -> ch.collection().equals(CustomerFields.COLLECTION)).forEach(customerChanges::add);
      after = batch.get(batch.size() - 1).position();
    }
    assertThat(customerChanges).hasSize(CUSTOMERS + totalSuccesses);
    Set<String> versions = new HashSet<>();
    for (Change ch : customerChanges) {
      assertThat(versions.add(ch.id() + "@" + ch.version())).as("%s v%s once", ch.id(), ch.version()).isTrue();
    }
    for (String id : ids) {
      for (long v = 1; v <= 1L + successes.get(id).get(); v++) {
        assertThat(versions).contains(id + "@" + v);
      }
    }

    List<String> outbox = new ArrayList<>();
    for (long after = 0; ; ) {
      List<StreamRecord> batch = store.read(actor.tenant(), Outbox.STREAM, after, 1_000);
      if (batch.isEmpty()) {
        break;
      }
      batch.forEach(r -> outbox.add(r.id()));
      after = batch.get(batch.size() - 1).position();
    }
    assertThat(outbox).as("one event per committed create or update").hasSize(CUSTOMERS + totalSuccesses);
    Map<String, Integer> deliveries = new HashMap<>();
    delivered.events().forEach(e -> deliveries.merge(e.id(), 1, Integer::sum));
    assertThat(deliveries.keySet()).as("every outbox event delivered").containsAll(outbox);
    long duplicates = deliveries.values().stream().filter(n -> n > 1).count();
    LOG.info("{}: {} updates committed, {} conflicts, {} events, {} delivered more than once, max in flight {}",
        kind, totalSuccesses, conflicts.get(), outbox.size(), duplicates, maxInFlight.get());
    assertThat(maxInFlight.get()).as("deliveries in flight at once (one lease holder)").isEqualTo(1);
  }
}
