package dev.rapport.crm.mongo;

import dev.rapport.crm.testkit.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rapport.crm.TenantId;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A node crashes at each step of a commit (a fault injected through the package-private hook); another node's
 * recovery then completes it: the document write stands, and its change and every stream record exist exactly once.
 */
class CrashRecoveryTest {
  static TestMongo mongo;

  @BeforeAll
  static void start() {
    mongo = TestMongo.inMemory();
  }

  @AfterAll
  static void stop() {
    mongo.close();
  }

  static final class Crash extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  enum Shape { INSERT, UPDATE, DELETE, APPENDS_ONLY }

  /** The faults an envelope-mode commit passes (AFTER_POSITIONS_SET is a round over drained records: see below). */
  static List<Fault> commitFaults() {
    return java.util.Arrays.stream(Fault.values()).filter(f -> f != Fault.AFTER_POSITIONS_SET).toList();
  }

  static List<Arguments> cases() {
    List<Arguments> out = new java.util.ArrayList<>();
    for (Fault f : commitFaults()) {
      for (Shape s : Shape.values()) {
        out.add(Arguments.of(f, s));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{1} crashing {0}")
  @MethodSource("cases")
  void recoveryCompletesACrashedCommitExactlyOnce(Fault fault, Shape shape) {
    String db = TestMongo.freshDatabase();
    MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    TenantId tenant = TenantId.of("t-" + UUID.randomUUID().toString().substring(0, 8));
    MongoStore crashing = MongoStore.builder(mongo.client, db).clock(clock).nodeId("a").build();
    crashing.register(MongoStoreTest.THINGS);
    crashing.commit(tenant, WriteBatch.builder().insert("things", MongoStoreTest.doc("x", 1, "code", "C")).build());

    WriteBatch.Builder b = WriteBatch.builder()
        .append("events", "e1", "t", JsonNodeFactory.instance.objectNode().put("k", 1))
        .append("audit", "a1", "t", JsonNodeFactory.instance.objectNode());
    switch (shape) {
      case INSERT -> b.insert("things", MongoStoreTest.doc("y", 1));
      case UPDATE -> b.update("things", MongoStoreTest.doc("x", 2, "code", "D"));
      case DELETE -> b.delete("things", "x", 1);
      case APPENDS_ONLY -> { }
    }
    crashing.faults = f -> {
      if (f == fault) {
        throw new Crash();
      }
    };
    assertThatThrownBy(() -> crashing.commit(tenant, b.build())).isInstanceOf(Crash.class);

    // Another node, after the crashed node's change-feed lease expired.
    clock.advance(Duration.ofMinutes(1));
    MongoStore other = MongoStore.builder(mongo.client, db).clock(clock).nodeId("b").build();
    other.register(MongoStoreTest.THINGS);
    other.recover(tenant);
    other.recover(tenant); // idempotent

    List<Change> changes = other.changes(tenant, 0, 100);
    int expectedChanges = shape == Shape.APPENDS_ONLY ? 1 : 2;
    assertThat(changes).hasSize(expectedChanges);
    assertThat(changes).extracting(Change::position).isSorted().doesNotHaveDuplicates();
    assertThat(other.read(tenant, "events", 0, 100)).extracting(StreamRecord::id).containsExactly("e1");
    assertThat(other.read(tenant, "audit", 0, 100)).extracting(StreamRecord::id).containsExactly("a1");
    switch (shape) {
      case INSERT -> assertThat(other.get(tenant, "things", "y")).isPresent();
      case UPDATE -> assertThat(other.get(tenant, "things", "x").orElseThrow().version()).isEqualTo(2);
      case DELETE -> {
        assertThat(other.get(tenant, "things", "x")).isEmpty();
        // the tombstone is gone: the id and its unique value are free again
        other.commit(tenant, WriteBatch.builder().insert("things", MongoStoreTest.doc("x", 1, "code", "C")).build());
      }
      case APPENDS_ONLY -> { }
    }
    // The crashed node resumes, and the feed keeps going without gaps in what readers can see.
    crashing.faults = f -> { };
    crashing.commit(tenant, WriteBatch.builder().insert("things", MongoStoreTest.doc("z", 1)).build());
    List<Change> after = other.changes(tenant, 0, 100);
    assertThat(after).extracting(Change::position).isSorted().doesNotHaveDuplicates();
    assertThat(after).extracting(Change::id).endsWith("z");
    assertThat(after.stream().filter(c -> c.id().equals("z")).count()).isOne();
  }

  /**
   * No explicit recover call: a new store instance over the database (a restarted node) drains what the crashed
   * instance left behind before its first operation, here a read of the change feed.
   */
  @ParameterizedTest(name = "{1} crashing {0}")
  @MethodSource("cases")
  void aNewStoreInstanceCompletesACrashedCommitBeforeItsFirstOperation(Fault fault, Shape shape) {
    String db = TestMongo.freshDatabase();
    MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    TenantId tenant = TenantId.of("t-" + UUID.randomUUID().toString().substring(0, 8));
    MongoStore crashing = MongoStore.builder(mongo.client, db).clock(clock).nodeId("a").build();
    crashing.register(MongoStoreTest.THINGS);
    crashing.commit(tenant, WriteBatch.builder().insert("things", MongoStoreTest.doc("x", 1, "code", "C")).build());
    WriteBatch.Builder b = WriteBatch.builder()
        .append("events", "e1", "t", JsonNodeFactory.instance.objectNode().put("k", 1));
    switch (shape) {
      case INSERT -> b.insert("things", MongoStoreTest.doc("y", 1));
      case UPDATE -> b.update("things", MongoStoreTest.doc("x", 2, "code", "D"));
      case DELETE -> b.delete("things", "x", 1);
      case APPENDS_ONLY -> { }
    }
    crashing.faults = f -> {
      if (f == fault) {
        throw new Crash();
      }
    };
    assertThatThrownBy(() -> crashing.commit(tenant, b.build())).isInstanceOf(Crash.class);

    clock.advance(Duration.ofMinutes(1)); // the crashed instance's feed lease, if it held it, has expired
    MongoStore restarted = MongoStore.builder(mongo.client, db).clock(clock).nodeId("a2").build();
    int expectedChanges = shape == Shape.APPENDS_ONLY ? 1 : 2;
    assertThat(restarted.changes(tenant, 0, 100)).hasSize(expectedChanges)
        .extracting(Change::position).containsExactly(expectedChanges == 1 ? new Long[] {1L} : new Long[] {1L, 2L});
    assertThat(restarted.read(tenant, "events", 0, 100)).extracting(StreamRecord::id).containsExactly("e1");

    var database = mongo.client.getDatabase(db);
    org.bson.Document mine = new org.bson.Document("tenant", tenant.value());
    assertThat(database.getCollection(MongoStore.CHANGES).countDocuments(mine)).isEqualTo(expectedChanges);
    assertThat(database.getCollection("s_events").countDocuments(mine)).isOne();
    assertThat(database.getCollection(MongoStore.CHANGES).countDocuments(new org.bson.Document("pos",
        new org.bson.Document("$exists", false)))).isZero();
    assertThat(database.getCollection("c_things").countDocuments(new org.bson.Document("pending.0",
        new org.bson.Document("$exists", true)))).isZero();
    assertThat(database.getCollection(MongoStore.ENVELOPES).countDocuments()).isZero();
    restarted.register(MongoStoreTest.THINGS);
    switch (shape) {
      case INSERT -> assertThat(restarted.get(tenant, "things", "y")).isPresent();
      case UPDATE -> assertThat(restarted.get(tenant, "things", "x").orElseThrow().version()).isEqualTo(2);
      case DELETE -> assertThat(database.getCollection("c_things").countDocuments()).isZero(); // tombstone gone
      case APPENDS_ONLY -> { }
    }
  }

  /** The steps of a recovery pass: its drain without positions, then a general sequencing round. */
  static List<Arguments> recoveryCases() {
    List<Arguments> out = new java.util.ArrayList<>();
    for (Fault f : List.of(Fault.AFTER_DRAIN_INSERTS, Fault.AFTER_ENVELOPE_CLEARED, Fault.AFTER_ALLOCATION,
        Fault.AFTER_POSITIONS_SET, Fault.AFTER_PUBLISH)) {
      for (Shape s : Shape.values()) {
        out.add(Arguments.of(f, s));
      }
    }
    return out;
  }

  /**
   * A commit crashes right after its document write; the node recovering it crashes at each step of its own pass;
   * a third node completes both: every change and record exactly once, in order.
   */
  @ParameterizedTest(name = "{1}, recovery crashing {0}")
  @MethodSource("recoveryCases")
  void aRecoveryThatCrashesIsCompletedByTheNext(Fault fault, Shape shape) {
    String db = TestMongo.freshDatabase();
    MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    TenantId tenant = TenantId.of("t-" + UUID.randomUUID().toString().substring(0, 8));
    MongoStore crashing = MongoStore.builder(mongo.client, db).clock(clock).nodeId("a").build();
    crashing.register(MongoStoreTest.THINGS);
    crashing.commit(tenant, WriteBatch.builder().insert("things", MongoStoreTest.doc("x", 1, "code", "C")).build());
    crashing.faults = f -> {
      if (f == Fault.AFTER_DOCUMENT_WRITE) {
        throw new Crash();
      }
    };
    assertThatThrownBy(() -> crashing.commit(tenant, batch(shape).build())).isInstanceOf(Crash.class);

    MongoStore recovering = MongoStore.builder(mongo.client, db).clock(clock).nodeId("b").build();
    recovering.faults = f -> {
      if (f == fault) {
        throw new Crash();
      }
    };
    assertThatThrownBy(() -> recovering.recover(tenant)).isInstanceOf(Crash.class);

    clock.advance(Duration.ofMinutes(1));
    MongoStore other = MongoStore.builder(mongo.client, db).clock(clock).nodeId("c").build();
    other.register(MongoStoreTest.THINGS);
    other.recover(tenant);
    assertComplete(other, tenant, shape);
  }

  /**
   * No recovery pass at all: a node dies after allocating its round (its records not inserted yet); the next
   * commit, on another node, takes the round over once the lease expires and re-drains the dead node's envelope at
   * the allocated positions, before its own records: nothing is missing from the feed without a recover call.
   */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(Shape.class)
  void theNextCommitRedrainsARoundLeftInFlight(Shape shape) {
    String db = TestMongo.freshDatabase();
    MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    TenantId tenant = TenantId.of("t-" + UUID.randomUUID().toString().substring(0, 8));
    MongoStore crashing = MongoStore.builder(mongo.client, db).clock(clock).nodeId("a").build();
    crashing.register(MongoStoreTest.THINGS);
    crashing.commit(tenant, WriteBatch.builder().insert("things", MongoStoreTest.doc("x", 1, "code", "C")).build());
    MongoStore other = MongoStore.builder(mongo.client, db).clock(clock).nodeId("b").build();
    other.register(MongoStoreTest.THINGS);
    other.changes(tenant, 0, 1); // its first-use recovery runs now, before the crash
    crashing.faults = f -> {
      if (f == Fault.AFTER_ALLOCATION) {
        throw new Crash();
      }
    };
    assertThatThrownBy(() -> crashing.commit(tenant, batch(shape).build())).isInstanceOf(Crash.class);
    var database = mongo.client.getDatabase(db);
    assertThat(database.getCollection("s_events").countDocuments()).isZero(); // nothing drained yet

    clock.advance(Duration.ofMinutes(1));
    other.commit(tenant, WriteBatch.builder().insert("things", MongoStoreTest.doc("w", 1)).build());

    List<Change> changes = other.changes(tenant, 0, 100);
    assertThat(changes).extracting(Change::position).isSorted().doesNotHaveDuplicates();
    assertThat(changes).hasSize(shape == Shape.APPENDS_ONLY ? 2 : 3);
    assertThat(changes.get(changes.size() - 1).id()).isEqualTo("w");
    assertThat(other.read(tenant, "events", 0, 100)).extracting(StreamRecord::id).containsExactly("e1");
    assertThat(other.read(tenant, "audit", 0, 100)).extracting(StreamRecord::id).containsExactly("a1");
    assertThat(database.getCollection(MongoStore.ENVELOPES).countDocuments()).isZero();
    assertThat(database.getCollection("c_things").countDocuments(new org.bson.Document("pending.0",
        new org.bson.Document("$exists", true)))).isZero();
  }

  private static WriteBatch.Builder batch(Shape shape) {
    WriteBatch.Builder b = WriteBatch.builder()
        .append("events", "e1", "t", JsonNodeFactory.instance.objectNode().put("k", 1))
        .append("audit", "a1", "t", JsonNodeFactory.instance.objectNode());
    switch (shape) {
      case INSERT -> b.insert("things", MongoStoreTest.doc("y", 1));
      case UPDATE -> b.update("things", MongoStoreTest.doc("x", 2, "code", "D"));
      case DELETE -> b.delete("things", "x", 1);
      case APPENDS_ONLY -> { }
    }
    return b;
  }

  private static void assertComplete(MongoStore store, TenantId tenant, Shape shape) {
    List<Change> changes = store.changes(tenant, 0, 100);
    assertThat(changes).hasSize(shape == Shape.APPENDS_ONLY ? 1 : 2);
    assertThat(changes).extracting(Change::position).isSorted().doesNotHaveDuplicates();
    assertThat(store.read(tenant, "events", 0, 100)).extracting(StreamRecord::id).containsExactly("e1");
    assertThat(store.read(tenant, "audit", 0, 100)).extracting(StreamRecord::id).containsExactly("a1");
    switch (shape) {
      case INSERT -> assertThat(store.get(tenant, "things", "y")).isPresent();
      case UPDATE -> assertThat(store.get(tenant, "things", "x").orElseThrow().version()).isEqualTo(2);
      case DELETE -> assertThat(store.get(tenant, "things", "x")).isEmpty();
      case APPENDS_ONLY -> { }
    }
  }
}
