package dev.rapport.crm.testkit.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.WriteBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Optimistic concurrency: every update and delete names the version it read; a stale one fails with
 * {@link VersionConflictException} and changes nothing, and concurrent read-modify-write loops lose no
 * update.
 */
public abstract class OptimisticConcurrencyContract extends KernelContract {
  private static final int THREADS = 8;
  private static final int INCREMENTS_PER_THREAD = 25;
  private static final List<String> COUNTERS = List.of("c1", "c2", "c3");

  @Test
  void versionsStartAtOneAndGrowByOne() {
    insert(thing("a").build());
    commit(WriteBatch.builder().update(THINGS, thing("a").version(2).build()));
    commit(WriteBatch.builder().update(THINGS, thing("a").version(3).build()));

    assertThat(store.get(tenant, THINGS, "a").orElseThrow().version()).isEqualTo(3);
    commit(WriteBatch.builder().delete(THINGS, "a", 3));
    assertThat(store.get(tenant, THINGS, "a")).isEmpty();
  }

  @Test
  void staleUpdateFailsAndChangesNothing() {
    insert(thing("a").with("name", "v1").build());
    commit(WriteBatch.builder().update(THINGS, thing("a").version(2).with("name", "v2").build()));

    assertThatThrownBy(() -> commit(WriteBatch.builder()
        .update(THINGS, thing("a").version(2).with("name", "stale").build())))
        .isInstanceOf(VersionConflictException.class);

    Document a = store.get(tenant, THINGS, "a").orElseThrow();
    assertThat(a.version()).isEqualTo(2);
    assertThat(a.values("name")).containsExactly("v2");
    assertThat(allChanges(tenant)).hasSize(2);
  }

  @Test
  void updateSkippingAVersionIsAConflict() {
    insert(thing("a").build());

    assertThatThrownBy(() -> commit(WriteBatch.builder().update(THINGS, thing("a").version(3).build())))
        .isInstanceOf(VersionConflictException.class);
    assertThat(store.get(tenant, THINGS, "a").orElseThrow().version()).isEqualTo(1);
  }

  @Test
  void staleDeleteFailsAndChangesNothing() {
    insert(thing("a").with("name", "v1").build());
    commit(WriteBatch.builder().update(THINGS, thing("a").version(2).with("name", "v2").build()));

    assertThatThrownBy(() -> commit(WriteBatch.builder().delete(THINGS, "a", 1)))
        .isInstanceOf(VersionConflictException.class);

    assertThat(store.get(tenant, THINGS, "a").orElseThrow().values("name")).containsExactly("v2");
    assertThat(allChanges(tenant)).hasSize(2);
  }

  @Test
  void updateOfAMissingDocumentIsAConflict() {
    assertThatThrownBy(() -> commit(WriteBatch.builder().update(THINGS, thing("ghost").version(2).build())))
        .isInstanceOf(VersionConflictException.class);
    assertThat(store.get(tenant, THINGS, "ghost")).isEmpty();
    assertThat(allChanges(tenant)).isEmpty();
  }

  @Test
  void deleteOfAMissingDocumentIsAConflict() {
    assertThatThrownBy(() -> commit(WriteBatch.builder().delete(THINGS, "ghost", 1)))
        .isInstanceOf(VersionConflictException.class);
    assertThat(allChanges(tenant)).isEmpty();
  }

  @Test
  void updateOfADeletedDocumentIsAConflict() {
    insert(thing("a").build());
    commit(WriteBatch.builder().delete(THINGS, "a", 1));

    assertThatThrownBy(() -> commit(WriteBatch.builder().update(THINGS, thing("a").version(2).build())))
        .isInstanceOf(VersionConflictException.class);
    assertThat(store.get(tenant, THINGS, "a")).isEmpty();
  }

  @Test
  void aDeletedIdCanBeInsertedAgain() {
    insert(thing("a").with("code", "A").build());
    commit(WriteBatch.builder().delete(THINGS, "a", 1));

    insert(thing("a").with("code", "A").with("name", "reborn").build());
    assertThat(store.get(tenant, THINGS, "a").orElseThrow().values("name")).containsExactly("reborn");
  }

  /**
   * {@value #THREADS} threads increment {@link #COUNTERS} with read-modify-write retry loops. No increment is lost
   * or applied twice: every counter equals the number of commits that succeeded on it, and every successful commit
   * is in the change feed exactly once.
   */
  @Test
  void concurrentReadModifyWriteLosesNoUpdate() throws Exception {
    for (String id : COUNTERS) {
      insert(thing(id).with("rank", 0L).build());
    }
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<List<Committed>>> results = new ArrayList<>();
    try {
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          start.await();
          List<Committed> mine = new ArrayList<>();
          for (int i = 0; i < INCREMENTS_PER_THREAD; i++) {
            mine.add(increment(COUNTERS.get((thread + i) % COUNTERS.size())));
          }
          return mine;
        }));
      }
      start.countDown();
      List<Committed> all = new ArrayList<>();
      for (Future<List<Committed>> f : results) {
        all.addAll(f.get(5, TimeUnit.MINUTES));
      }

      Map<String, Integer> successes = new HashMap<>();
      for (Committed c : all) {
        successes.merge(c.changes().get(0).id(), 1, Integer::sum);
      }
      assertThat(all).hasSize(THREADS * INCREMENTS_PER_THREAD);
      for (String id : COUNTERS) {
        Document d = store.get(tenant, THINGS, id).orElseThrow();
        assertThat(d.values("rank")).as("counter %s", id).containsExactly((long) successes.get(id));
        assertThat(d.version()).as("version of %s", id).isEqualTo(successes.get(id) + 1L);
      }
      List<Long> committedPositions = new ArrayList<>();
      all.forEach(c -> c.changes().forEach(ch -> committedPositions.add(ch.position())));
      List<Long> feedUpdates = allChanges(tenant).stream()
          .filter(ch -> ch.kind() == Change.Kind.UPDATE).map(Change::position).toList();
      Collections.sort(committedPositions);
      assertThat(feedUpdates).isEqualTo(committedPositions);
    } finally {
      pool.shutdownNow();
    }
  }

  private Committed increment(String id) {
    for (int attempt = 0; attempt < 10_000; attempt++) {
      Document d = store.get(tenant, THINGS, id).orElseThrow();
      long value = (Long) d.values("rank").get(0);
      try {
        return store.commit(tenant, WriteBatch.builder()
            .update(THINGS, thing(id).version(d.version() + 1).with("rank", value + 1).build()).build());
      } catch (VersionConflictException retry) {
        Thread.onSpinWait();
      }
    }
    throw new AssertionError("no increment of " + id + " succeeded in 10000 attempts");
  }
}
