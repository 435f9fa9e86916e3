package dev.rapport.crm.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rapport.crm.error.VersionConflictException;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two store instances (two nodes) over one database, four writers each, updating a few hot documents and appending
 * to a stream, while a reader polls "after the last position I saw": the reader sees every committed change and
 * record exactly once, in increasing position order, and no update is lost.
 */
class ConcurrentFeedTest {
  static TestMongo mongo;

  @BeforeAll
  static void start() {
    mongo = TestMongo.inMemory();
  }

  @AfterAll
  static void stop() {
    mongo.close();
  }

  @Test
  void pollingReaderSeesEveryCommitOfTwoNodesExactlyOnce() throws Exception {
    String db = TestMongo.freshDatabase();
    TenantId tenant = TenantId.of("load");
    List<MongoStore> nodes = List.of(
        MongoStore.builder(mongo.client, db).clock(Clock.systemUTC()).nodeId("n1").build(),
        MongoStore.builder(mongo.client, db).clock(Clock.systemUTC()).nodeId("n2").build());
    nodes.forEach(n -> n.register(MongoStoreTest.THINGS));
    int hot = 10;
    for (int i = 0; i < hot; i++) {
      nodes.get(0).commit(tenant, WriteBatch.builder().insert("things", MongoStoreTest.doc("h" + i, 1)).build());
    }
    int writersPerNode = 4;
    int commitsPerWriter = 40;
    ExecutorService pool = Executors.newFixedThreadPool(2 * writersPerNode + 1);
    CountDownLatch go = new CountDownLatch(1);
    AtomicBoolean done = new AtomicBoolean();
    try {
      Future<List<List<Long>>> reader = pool.submit(() -> {
        go.await();
        List<Long> changes = new ArrayList<>();
        List<Long> records = new ArrayList<>();
        long ca = 0;
        long ra = 0;
        while (true) {
          boolean finished = done.get();
          List<Change> cs = nodes.get(1).changes(tenant, ca, 7);
          for (Change c : cs) {
            changes.add(c.position());
            ca = c.position();
          }
          List<StreamRecord> rs = nodes.get(0).read(tenant, "events", ra, 5);
          for (StreamRecord r : rs) {
            records.add(r.position());
            ra = r.position();
          }
          if (finished && cs.isEmpty() && rs.isEmpty()) {
            return List.of(changes, records);
          }
        }
      });
      List<Future<List<Committed>>> writers = new ArrayList<>();
      for (int w = 0; w < 2 * writersPerNode; w++) {
        MongoStore node = nodes.get(w % 2);
        int writer = w;
        writers.add(pool.submit(() -> {
          go.await();
          Random r = new Random(writer);
          List<Committed> mine = new ArrayList<>();
          for (int i = 0; i < commitsPerWriter; i++) {
            String id = "h" + r.nextInt(hot);
            while (true) {
              Document current = node.get(tenant, "things", id).orElseThrow();
              try {
                mine.add(node.commit(tenant, WriteBatch.builder()
                    .update("things", MongoStoreTest.doc(id, current.version() + 1))
                    .append("events", "w" + writer + "-" + i, "bumped", JsonNodeFactory.instance.objectNode())
                    .build()));
                break;
              } catch (VersionConflictException retry) {
                // somebody else updated it first: read again
              }
            }
          }
          return mine;
        }));
      }
      go.countDown();
      List<Long> committedChanges = new ArrayList<>();
      List<Long> committedRecords = new ArrayList<>();
      for (Future<List<Committed>> f : writers) {
        for (Committed c : f.get(5, TimeUnit.MINUTES)) {
          c.changes().forEach(x -> committedChanges.add(x.position()));
          c.records().forEach(x -> committedRecords.add(x.position()));
        }
      }
      done.set(true);
      List<List<Long>> seen = reader.get(5, TimeUnit.MINUTES);
      Collections.sort(committedChanges);
      Collections.sort(committedRecords);
      assertThat(committedChanges).doesNotHaveDuplicates().hasSize(2 * writersPerNode * commitsPerWriter);
      List<Long> seenChanges = seen.get(0);
      assertThat(seenChanges).isSorted().doesNotHaveDuplicates();
      // the reader saw the setup inserts too; everything else it saw is exactly what the writers committed
      assertThat(seenChanges.subList(hot, seenChanges.size())).isEqualTo(committedChanges);
      assertThat(seen.get(1)).isEqualTo(committedRecords);
      long versions = 0;
      for (int i = 0; i < hot; i++) {
        versions += nodes.get(0).get(tenant, "things", "h" + i).orElseThrow().version() - 1;
      }
      assertThat(versions).as("no lost update").isEqualTo(2L * writersPerNode * commitsPerWriter);
    } finally {
      pool.shutdownNow();
    }
  }
}
