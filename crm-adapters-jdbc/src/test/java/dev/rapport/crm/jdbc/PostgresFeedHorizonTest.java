package dev.rapport.crm.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.Committed;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import dev.rapport.crm.testkit.MutableClock;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL numbers positions by transaction id and takes no lock for them, so a commit may overtake an older
 * transaction that will still commit below it: the feed holds the newer commit back until the older one has ended,
 * then returns both in position order — a reader never skips a change it would later find below its position.
 */
class PostgresFeedHorizonTest {
  private static final TenantId T = TenantId.of("busy");
  private static final CollectionSpec CUSTOMERS =
      CollectionSpec.of("customers", IndexSpec.single("name", IndexType.STRING));

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS) // with a counter locked until commit, the newer commit waits forever
  void aCommitThatOvertookAnOlderOpenTransactionAppearsOnlyAfterItInPositionOrder() throws Exception {
    TestDatabases.Fresh where = TestDatabases.fresh(TestDatabases.Kind.POSTGRESQL);
    MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    JdbcStore plain = where.builder(clock).build();
    plain.register(CUSTOMERS);

    try (Connection host = where.dataSource().getConnection()) {
      host.setAutoCommit(false);
      JdbcStore joined = where.builder(clock).connectionProvider(() -> host).build();
      joined.register(CUSTOMERS);

      // the older transaction: two units of work in one host transaction, still open
      Committed first = joined.commit(T, batch("old-1"));
      Committed second = joined.commit(T, batch("old-2"));
      assertThat(second.changes().get(0).position()).as("a transaction's second unit of work continues its range")
          .isEqualTo(first.changes().get(0).position() + 1);

      // a newer transaction commits while the older one is open
      Committed newer = plain.commit(T, batch("new"));
      assertThat(newer.changes().get(0).position()).isGreaterThan(second.changes().get(0).position());
      assertThat(plain.changes(T, 0, 10)).as("held back: the older transaction may still commit below it").isEmpty();
      assertThat(plain.read(T, "outbox", 0, 10)).isEmpty();

      host.commit();
    }

    assertThat(plain.changes(T, 0, 10)).extracting(Change::id).containsExactly("old-1", "old-2", "new");
    List<StreamRecord> records = plain.read(T, "outbox", 0, 10);
    assertThat(records).extracting(StreamRecord::id).containsExactly("e-old-1", "e-old-2", "e-new");
    assertThat(records).extracting(StreamRecord::position).isSorted();

    // with nothing older in flight, a commit is in the feed as soon as it has returned
    long after = plain.changes(T, 0, 10).get(2).position();
    plain.commit(T, batch("latest"));
    assertThat(plain.changes(T, after, 10)).extracting(Change::id).containsExactly("latest");
  }

  private static WriteBatch batch(String id) {
    return WriteBatch.builder()
        .insert("customers", new Document(id, 1, JsonNodeFactory.instance.objectNode().put("name", id),
            Map.of("name", List.of(id))))
        .append("outbox", "e-" + id, "customer.created", JsonNodeFactory.instance.objectNode().put("id", id))
        .build();
  }
}
