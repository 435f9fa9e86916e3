package dev.rapport.crm.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.notify.Event;
import dev.rapport.crm.notify.Notifier;
import dev.rapport.crm.notify.Outbox;
import dev.rapport.crm.notify.RelayResult;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Store;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.testkit.RecordingNotifier;
import dev.rapport.crm.testkit.scenario.CounterCustomers;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
 * {@code VersionConflictException}, the change feed holds every committed write exactly once, every outbox
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
  @EnumSource(value = TestDatabases.Kind.class, names = {"POSTGRESQL", "MARIADB", "MYSQL"})
  void twoCrmNodesLoseNothingAndDeliverEverything(TestDatabases.Kind kind) throws Exception {
    TestDatabases.Fresh db = TestDatabases.fresh(kind);
    RecordingNotifier delivered = new RecordingNotifier();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    List<Crm> nodes = new ArrayList<>();
    for (String nodeId : List.of("node-a", "node-b")) {
      nodes.add(Crm.builder().store(db.builder(Clock.systemUTC()).build()).accessPolicy(AccessPolicy.allowAll())
          .audit(AuditRecorder.none())
          .customFields(CounterCustomers.SCHEMA)
          .notifier(new Exclusive(delivered, inFlight, maxInFlight))
          .nodeId(nodeId).publishAfterCommit(false).build());
    }
    Actor actor = Actor.of("acme", "sync");
    CounterCustomers counters = CounterCustomers.create(nodes.get(0), actor, CUSTOMERS);

    ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS_PER_NODE);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 2 * THREADS_PER_NODE; t++) {
        Crm crm = nodes.get(t % 2);
        long seed = t;
        futures.add(pool.submit(() -> {
          Random random = new Random(seed);
          for (int n = 0; n < OPS_PER_THREAD; n++) {
            counters.increment(crm, actor, counters.ids().get(random.nextInt(CUSTOMERS)), () -> { });
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

    int totalSuccesses = counters.successes();
    assertThat(totalSuccesses + counters.conflicts()).isEqualTo(2 * THREADS_PER_NODE * OPS_PER_THREAD);
    assertThat(totalSuccesses).isPositive();
    counters.assertNoLostUpdate(nodes.get(1), actor);
    Store store = nodes.get(0).store();
    counters.assertChangeFeedHoldsEveryWriteOnce(store, actor.tenant());

    List<String> outbox = CounterCustomers.allRecords(store, actor.tenant(), Outbox.STREAM).stream()
        .map(StreamRecord::id).toList();
    assertThat(outbox).as("one event per committed create or update").hasSize(CUSTOMERS + totalSuccesses);
    Map<String, Integer> deliveries = new HashMap<>();
    delivered.events().forEach(e -> deliveries.merge(e.id(), 1, Integer::sum));
    assertThat(deliveries.keySet()).as("every outbox event delivered").containsAll(outbox);
    long duplicates = deliveries.values().stream().filter(n -> n > 1).count();
    LOG.info("{}: {} updates committed, {} conflicts, {} events, {} delivered more than once, max in flight {}",
        kind, totalSuccesses, counters.conflicts(), outbox.size(), duplicates, maxInFlight.get());
    assertThat(maxInFlight.get()).as("deliveries in flight at once (one lease holder)").isEqualTo(1);
  }
}
