package dev.rapport.crm.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.error.CrmException;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.Lease;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two store instances (two "nodes") over one database, eight threads each, updating 50 hot documents at random and
 * competing for a lease. No update may be lost, the change feed must hold every committed write exactly once, and
 * the writes guarded by the lease must come from one holder at a time.
 */
class TwoNodeTest {
  private static final TenantId T = TenantId.of("acme");
  private static final int DOCS = 50;
  private static final int THREADS_PER_NODE = 8;
  private static final int OPS_PER_THREAD = 40;
  private static final CollectionSpec HOT = CollectionSpec.of("hot", IndexSpec.single("n", IndexType.LONG));

  @ParameterizedTest
  @EnumSource(value = TestDatabases.Kind.class, names = {"POSTGRESQL", "MARIADB", "MYSQL"})
  void twoNodesLoseNothing(TestDatabases.Kind kind) throws Exception {
    TestDatabases.Fresh db = TestDatabases.fresh(kind);
    // a real clock: leases must expire and change hands during the run
    List<JdbcStore> nodes = List.of(db.builder(Clock.systemUTC()).build(), db.builder(Clock.systemUTC()).build());
    nodes.forEach(n -> n.register(HOT));
    List<Change> committed = Collections.synchronizedList(new ArrayList<>());
    WriteBatch.Builder seed = WriteBatch.builder();
    for (int i = 0; i < DOCS; i++) {
      seed.insert("hot", new Document("c" + i, 1, body(0), Map.of("n", List.of(0L))));
    }
    committed.addAll(nodes.get(0).commit(T, seed.build()).changes());

    AtomicLong updates = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(2 * THREADS_PER_NODE);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int n = 0; n < 2; n++) {
        JdbcStore node = nodes.get(n);
        String owner = "node-" + n;
        for (int t = 0; t < THREADS_PER_NODE; t++) {
          Random random = new Random(31L * n + t);
          futures.add(pool.submit(() -> {
            for (int op = 0; op < OPS_PER_THREAD; op++) {
              if (op % 8 == 0) {
                guardedWork(node, owner, committed);
              }
              String id = "c" + random.nextInt(DOCS);
              while (true) {
                Document current = node.get(T, "hot", id).orElseThrow();
                long count = current.body().get("count").longValue() + 1;
                try {
                  committed.addAll(node.commit(T, WriteBatch.builder().update("hot",
                      new Document(id, current.version() + 1, body(count), Map.of("n", List.of(count)))).build())
                      .changes());
                  updates.incrementAndGet();
                  break;
                } catch (CrmException e) {
                  if (!e.isTransient()) {
                    throw e;
                  }
                }
              }
            }
            return null;
          }));
        }
      }
      for (Future<?> f : futures) {
        f.get(10, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }

    JdbcStore reader = nodes.get(1);
    long sum = 0;
    for (int i = 0; i < DOCS; i++) {
      Document d = reader.get(T, "hot", "c" + i).orElseThrow();
      long count = d.body().get("count").longValue();
      assertThat(d.version()).as("every update of c%d was applied to the version it read", i).isEqualTo(count + 1);
      sum += count;
    }
    assertThat(sum).as("no lost update").isEqualTo(updates.get());

    List<Change> feed = new ArrayList<>();
    List<Change> page;
    do {
      page = reader.changes(T, feed.isEmpty() ? 0 : feed.get(feed.size() - 1).position(), 500);
      feed.addAll(page);
    } while (!page.isEmpty());
    assertThat(feed).extracting(Change::position).doesNotHaveDuplicates().isSorted();
    assertThat(feed).containsExactlyInAnyOrderElementsOf(committed);

    List<StreamRecord> log = reader.read(T, "lease-log", 0, 10_000);
    assertThat(log).isNotEmpty();
    Map<Long, String> ownerOfToken = new HashMap<>();
    long lastToken = 0;
    for (StreamRecord r : log) {
      long token = r.payload().get("token").longValue();
      String owner = r.payload().get("owner").textValue();
      assertThat(token).as("guarded writes follow the fencing token").isGreaterThanOrEqualTo(lastToken);
      assertThat(ownerOfToken.putIfAbsent(token, owner)).as("one holder per token").isIn(null, owner);
      lastToken = token;
    }
  }

  /** The background job: runs only under the lease, and records who ran it with which token. */
  private static void guardedWork(JdbcStore node, String owner, List<Change> committed) {
    try {
      Optional<Lease> lease = node.tryAcquire(T, "sweeper", owner, Duration.ofMillis(250));
      if (lease.isPresent()) {
        ObjectNode p = JsonNodeFactory.instance.objectNode().put("owner", owner).put("token", lease.get().token());
        Committed c = node.commit(T, WriteBatch.builder()
            .append("lease-log", java.util.UUID.randomUUID().toString(), "ran", p)
            .guardedBy(WriteBatch.LeaseGuard.of(lease.get())).build());
        committed.addAll(c.changes());
      }
    } catch (CrmException e) {
      // lease lost (expired and taken over) or a transient failure: the job simply did not run this time
      if (!e.isTransient()) {
        throw e;
      }
    }
  }

  private static ObjectNode body(long count) {
    return JsonNodeFactory.instance.objectNode().put("count", count);
  }
}
