package dev.rapport.crm.jdbc;

import dev.rapport.crm.testkit.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rapport.crm.error.CrmException;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many writers commit while a reader follows the change feed and a stream by position, as a sync job would. If
 * positions were handed out in an order other than commit order, the reader would pass a position whose commit was
 * still running and never see it. The reader must end up with every committed change exactly once, in order.
 */
class ChangeFeedUnderLoadTest {
  private static final TenantId TENANT = TenantId.of("load");
  private static final int WRITERS = 6;
  private static final int COMMITS_PER_WRITER = 40;

  @ParameterizedTest
  @EnumSource(TestDatabases.Kind.class)
  void aFollowingReaderSeesEveryCommitExactlyOnce(TestDatabases.Kind kind) throws Exception {
    JdbcStore store = TestDatabases.store(kind, MutableClock.at("2026-01-01T00:00:00Z")).build();
    store.register(CollectionSpec.of("things", IndexSpec.single("n", IndexType.LONG)));
    // create the tenant's counters before the race (see README: H2 and brand-new counters)
    Committed first = store.commit(TENANT, WriteBatch.builder().insert("things", doc("w-first"))
        .append("outbox", "first", "created", JsonNodeFactory.instance.objectNode()).build());
    List<Change> committed = Collections.synchronizedList(new ArrayList<>(first.changes()));
    List<StreamRecord> appended = Collections.synchronizedList(new ArrayList<>(first.records()));

    ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
    AtomicBoolean writing = new AtomicBoolean(true);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < COMMITS_PER_WRITER; i++) {
            WriteBatch.Builder b = WriteBatch.builder().insert("things", doc("w" + writer + "-" + i));
            if (i % 2 == 0) {
              b.insert("things", doc("w" + writer + "-" + i + "b"));
            }
            b.append("outbox", "e" + writer + "-" + i, "created", JsonNodeFactory.instance.objectNode());
            Committed c = commitWithRetry(store, b.build());
            committed.addAll(c.changes());
            appended.addAll(c.records());
          }
          return null;
        }));
      }
      Future<List<List<?>>> reader = pool.submit(() -> {
        List<Change> seen = new ArrayList<>();
        List<StreamRecord> records = new ArrayList<>();
        start.await();
        boolean last = false;
        while (true) {
          boolean done = !writing.get();
          long after = seen.isEmpty() ? 0 : seen.get(seen.size() - 1).position();
          seen.addAll(store.changes(TENANT, after, 17));
          long afterRecord = records.isEmpty() ? 0 : records.get(records.size() - 1).position();
          records.addAll(store.read(TENANT, "outbox", afterRecord, 13));
          if (last) {
            // drain completely once the writers are done
            List<Change> more = store.changes(TENANT, seen.get(seen.size() - 1).position(), 10_000);
            List<StreamRecord> moreRecords = store.read(TENANT, "outbox",
                records.get(records.size() - 1).position(), 10_000);
            if (more.isEmpty() && moreRecords.isEmpty()) {
              return List.<List<?>>of(seen, records);
            }
            seen.addAll(more);
            records.addAll(moreRecords);
          }
          last = done;
        }
      });
      start.countDown();
      for (Future<?> f : writers) {
        f.get(5, TimeUnit.MINUTES);
      }
      writing.set(false);
      List<List<?>> result = reader.get(5, TimeUnit.MINUTES);
      @SuppressWarnings("unchecked")
      List<Change> seen = (List<Change>) result.get(0);
      @SuppressWarnings("unchecked")
      List<StreamRecord> records = (List<StreamRecord>) result.get(1);

      assertThat(seen).extracting(Change::position).isSorted().doesNotHaveDuplicates();
      assertThat(seen).containsExactlyInAnyOrderElementsOf(committed);
      assertThat(seen).hasSize(1 + WRITERS * (COMMITS_PER_WRITER + COMMITS_PER_WRITER / 2));
      Set<Long> positions = new HashSet<>();
      records.forEach(r -> positions.add(r.position()));
      assertThat(positions).hasSize(records.size());
      assertThat(records).extracting(StreamRecord::position).isSorted();
      assertThat(records).extracting(StreamRecord::id)
          .containsExactlyInAnyOrderElementsOf(appended.stream().map(StreamRecord::id).toList());
    } finally {
      writing.set(false);
      pool.shutdownNow();
    }
  }

  private static Committed commitWithRetry(JdbcStore store, WriteBatch batch) {
    for (int attempt = 1; ; attempt++) {
      try {
        return store.commit(TENANT, batch);
      } catch (CrmException e) {
        // deadlock victims and lock timeouts wrote nothing and may be retried; anything else is a failure
        if (!e.isTransient() || attempt == 20) {
          throw e;
        }
      }
    }
  }

  private static Document doc(String id) {
    return new Document(id, 1, JsonNodeFactory.instance.objectNode().put("id", id),
        Document.indexValues().put("n", (long) id.length()).build());
  }
}
