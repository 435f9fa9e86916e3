package dev.rapport.crm.testkit.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.error.DuplicateKeyException;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Change feed and streams: every committed document write gets a position, positions increase in the order the
 * feed shows commits, and a reader asking for what came after the last position it saw never misses a committed change nor sees one
 * twice, even while several writers commit concurrently. Stream records give the same guarantee per stream.
 */
public abstract class ChangeFeedContract extends KernelContract {
  private static final int WRITERS = 6;
  private static final int COMMITS_PER_WRITER = 40;
  private static final int READER_PAGE = 17;

  @Test
  void everyCommittedWriteGetsAnIncreasingPosition() {
    Committed insert = insert(thing("a").build()).get(0);
    Committed update = commit(WriteBatch.builder().update(THINGS, thing("a").version(2).build()));
    Committed delete = commit(WriteBatch.builder().delete(THINGS, "a", 2));

    List<Change> feed = allChanges(tenant);
    assertThat(feed).extracting(Change::id, Change::kind, Change::version, Change::collection).containsExactly(
        tuple("a", Change.Kind.INSERT, 1L, THINGS),
        tuple("a", Change.Kind.UPDATE, 2L, THINGS),
        tuple("a", Change.Kind.DELETE, 2L, THINGS));
    assertThat(feed).extracting(Change::position).isSorted().doesNotHaveDuplicates();
    assertThat(feed.get(0).position()).isPositive();
    assertThat(feed).containsExactly(insert.changes().get(0), update.changes().get(0), delete.changes().get(0));
  }

  @Test
  void committedAtComesFromTheStoreClock() {
    clock.advance(Duration.ofHours(3));
    Committed c = insert(thing("a").build()).get(0);
    assertThat(c.changes().get(0).committedAt()).isEqualTo(clock.instant());
    Committed r = commit(WriteBatch.builder().append(EVENTS, "r1", "t", json()));
    assertThat(r.records().get(0).recordedAt()).isEqualTo(clock.instant());
  }

  @Test
  void changesAfterAPositionAreTheLaterOnesOldestFirstUpToTheLimit() {
    for (int i = 0; i < 10; i++) {
      insert(thing("d" + i).build());
    }
    List<Change> all = allChanges(tenant);
    long p = all.get(3).position();

    assertThat(store.changes(tenant, p, 100)).isEqualTo(all.subList(4, 10));
    assertThat(store.changes(tenant, p, 2)).isEqualTo(all.subList(4, 6));
    assertThat(store.changes(tenant, all.get(9).position(), 100)).isEmpty();
    assertThat(store.changes(tenant, 0, 1)).containsExactly(all.get(0));
  }

  @Test
  void failedBatchesLeaveNoEntry() {
    insert(thing("a").with("code", "C").build());
    List<Change> before = allChanges(tenant);

    assertThatThrownBy(() -> commit(WriteBatch.builder().update(THINGS, thing("a").version(5).build())
        .append(EVENTS, "r1", "t", json()))).isInstanceOf(VersionConflictException.class);
    assertThatThrownBy(() -> insert(thing("b").with("code", "C").build())).isInstanceOf(DuplicateKeyException.class);

    assertThat(allChanges(tenant)).isEqualTo(before);
    assertThat(allRecords(tenant, EVENTS)).isEmpty();
  }

  @Test
  void streamRecordsGetIncreasingPositionsPerStream() {
    Committed first = commit(WriteBatch.builder().append(EVENTS, "e1", "t1", json().put("n", 1))
        .append(EVENTS, "e2", "t2", json().put("n", 2)));
    commit(WriteBatch.builder().append("audit", "a1", "t", json()));
    Committed third = commit(WriteBatch.builder().append(EVENTS, "e3", "t3", json().put("n", 3)));

    List<StreamRecord> events = allRecords(tenant, EVENTS);
    assertThat(events).extracting(StreamRecord::id).containsExactly("e1", "e2", "e3");
    assertThat(events).extracting(StreamRecord::position).isSorted().doesNotHaveDuplicates();
    assertThat(events).extracting(StreamRecord::stream).containsOnly(EVENTS);
    assertThat(events.get(2)).isEqualTo(third.records().get(0));
    assertThat(events.subList(0, 2)).isEqualTo(first.records());
    assertThat(store.read(tenant, EVENTS, events.get(0).position(), 100)).isEqualTo(events.subList(1, 3));
    assertThat(store.read(tenant, EVENTS, 0, 1)).containsExactly(events.get(0));
    assertThat(allRecords(tenant, "audit")).extracting(StreamRecord::id).containsExactly("a1");
    assertThat(allRecords(tenant, "nosuchstream")).isEmpty();
  }

  @Test
  void nonPositiveLimitsAndNegativePositionsAreRejected() {
    assertThatThrownBy(() -> store.changes(tenant, 0, 0)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.read(tenant, EVENTS, 0, 0)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> store.changes(tenant, -1, 10)).isInstanceOf(ValidationException.class);
  }

  /**
   * {@value #WRITERS} writers commit a document write and a stream record each time while a reader keeps asking
   * for what came after the last position it saw. The reader ends up with exactly the writers' commits, each once,
   * in increasing position order.
   */
  @Test
  void pollingReaderSeesEveryConcurrentCommitExactlyOnce() throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean writersDone = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
    try {
      Future<Seen> reader = pool.submit(() -> {
        start.await();
        Seen seen = new Seen();
        while (true) {
          boolean finished = writersDone.get();
          int got = seen.poll();
          if (finished && got == 0) {
            return seen;
          }
        }
      });
      List<Future<List<Committed>>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.add(pool.submit(() -> {
          start.await();
          List<Committed> mine = new ArrayList<>();
          for (int i = 0; i < COMMITS_PER_WRITER; i++) {
            String id = "w" + writer + "-" + i;
            WriteBatch.Builder b = WriteBatch.builder().append(EVENTS, id, "written", json());
            if (i % 3 == 2) {
              // Update the document inserted just before, so the feed holds more than inserts.
              b.update(THINGS, thing("w" + writer + "-" + (i - 1)).version(2).build());
            } else {
              b.insert(THINGS, thing(id).build());
            }
            mine.add(store.commit(tenant, b.build()));
          }
          return mine;
        }));
      }
      start.countDown();
      List<Long> committedChanges = new ArrayList<>();
      List<String> committedRecords = new ArrayList<>();
      for (Future<List<Committed>> f : writers) {
        for (Committed c : f.get(5, TimeUnit.MINUTES)) {
          c.changes().forEach(ch -> committedChanges.add(ch.position()));
          c.records().forEach(r -> committedRecords.add(r.position() + "/" + r.id()));
        }
      }
      writersDone.set(true);
      Seen seen = reader.get(5, TimeUnit.MINUTES);

      Collections.sort(committedChanges);
      assertThat(seen.changes).as("change positions seen by the reader").isEqualTo(committedChanges);
      assertThat(seen.records).as("stream records seen by the reader")
          .hasSize(WRITERS * COMMITS_PER_WRITER)
          .containsExactlyInAnyOrderElementsOf(committedRecords);
      assertThat(seen.recordPositions).isSorted().doesNotHaveDuplicates();
    } finally {
      pool.shutdownNow();
    }
  }

  /** What the polling reader saw; only its own thread touches it until it is returned. */
  private final class Seen {
    final List<Long> changes = new ArrayList<>();
    final List<String> records = new ArrayList<>();
    final List<Long> recordPositions = new ArrayList<>();
    long changesAfter;
    long recordsAfter;

    int poll() {
      List<Change> cs = store.changes(tenant, changesAfter, READER_PAGE);
      for (Change c : cs) {
        changes.add(c.position());
        changesAfter = c.position();
      }
      List<StreamRecord> rs = store.read(tenant, EVENTS, recordsAfter, READER_PAGE);
      for (StreamRecord r : rs) {
        records.add(r.position() + "/" + r.id());
        recordPositions.add(r.position());
        recordsAfter = r.position();
      }
      return cs.size() + rs.size();
    }
  }
}
