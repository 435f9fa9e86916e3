package dev.rapport.crm.customer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.Actor;
import dev.rapport.crm.ConcurrentModificationException;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Acceptance: 8 threads × 1,000 read-modify-write updates on 20 customers. No update is lost (each successful one
 * is reflected in the final state), every conflict is reported as {@link ConcurrentModificationException}, and the
 * change feed holds every committed write exactly once.
 */
class ConcurrentUpdatesTest {
  private static final int THREADS = 8;
  private static final int UPDATES_PER_THREAD = 1_000;
  private static final int CUSTOMERS = 20;

  @Test
  void noLostUpdatesAndEveryCommitInTheChangeFeed() throws Exception {
    InMemoryStore store = InMemoryStore.create();
    Crm crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none())
        .customFields(CustomFieldSchema.builder().number("counter", false).build()).build();
    Actor actor = Actor.of("acme", "sync");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < CUSTOMERS; i++) {
      ids.add(crm.customers().create(actor, CustomerData.builder(CustomerKind.PERSON, "Customer " + i)
          .customField("counter", 0).build()).id());
    }
    Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();
    ids.forEach(id -> successes.put(id, new AtomicInteger()));
    AtomicInteger conflicts = new AtomicInteger();

    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long seed = t;
        futures.add(pool.submit(() -> {
          Random random = new Random(seed);
          for (int n = 0; n < UPDATES_PER_THREAD; n++) {
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
    } finally {
      pool.shutdownNow();
    }

    int totalSuccesses = successes.values().stream().mapToInt(AtomicInteger::get).sum();
    assertThat(totalSuccesses + conflicts.get()).isEqualTo(THREADS * UPDATES_PER_THREAD);
    assertThat(totalSuccesses).isPositive();
    for (String id : ids) {
      Customer c = crm.customers().require(actor, id);
      int ok = successes.get(id).get();
      assertThat(c.customFields().get("counter")).as("counter of %s", id).isEqualTo(Integer.toString(ok));
      assertThat(c.version()).as("version of %s", id).isEqualTo(1L + ok);
    }

    List<Change> feed = new ArrayList<>();
    long after = 0;
    while (true) {
      List<Change> batch = store.changes(actor.tenant(), after, 1_000);
      if (batch.isEmpty()) {
        break;
      }
      feed.addAll(batch);
      after = batch.get(batch.size() - 1).position();
    }
    List<Change> customerChanges = feed.stream().filter(ch -> ch.collection().equals(CustomerFields.COLLECTION)).toList();
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
  }
}
