package dev.rapport.crm.testkit.scenario;

import dev.rapport.crm.customer.CustomerFields;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Acceptance: 8 threads × 1,000 read-modify-write updates on 20 customers. No update is lost (each successful one
 * is reflected in the final state), every conflict is reported as {@code VersionConflictException}, and the
 * change feed holds every committed write exactly once.
 */
class ConcurrentUpdatesTest {
  private static final int THREADS = 8;
  private static final int UPDATES_PER_THREAD = 1_000;
  private static final int CUSTOMERS = 20;

  @Test
  void noLostUpdatesAndEveryCommitInTheChangeFeed() throws Exception {
    InMemoryStore store = InMemoryStore.create();
    Crm crm = Crm.builder().indexes(CustomerFields.COLLECTION, CustomerFields.SPEC.everyFieldIndexed()).store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
        .customFields(CounterCustomers.SCHEMA).build();
    Actor actor = Actor.of("acme", "sync");
    CounterCustomers counters = CounterCustomers.create(crm, actor, CUSTOMERS);

    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long seed = t;
        futures.add(pool.submit(() -> {
          Random random = new Random(seed);
          for (int n = 0; n < UPDATES_PER_THREAD; n++) {
            counters.increment(crm, actor, counters.ids().get(random.nextInt(CUSTOMERS)), () -> { });
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(); // any exception other than a conflict fails the test here
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(counters.successes() + counters.conflicts()).isEqualTo(THREADS * UPDATES_PER_THREAD);
    assertThat(counters.successes()).isPositive();
    counters.assertNoLostUpdate(crm, actor);
    counters.assertChangeFeedHoldsEveryWriteOnce(store, actor.tenant());
  }
}
