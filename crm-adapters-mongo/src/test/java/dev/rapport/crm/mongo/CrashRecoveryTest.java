package dev.rapport.crm.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.store.Change;
import dev.rapport.crm.store.StreamRecord;
import dev.rapport.crm.store.WriteBatch;
import dev.rapport.crm.testkit.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
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

  private static List<Arguments> cross(List<Fault> faults) {
    List<Arguments> out = new ArrayList<>();
    for (Fault f : faults) {
      for (Shape s : Shape.values()) {
        out.add(Arguments.of(f, s));
      }
    }
    return out;
  }

  /** The faults an envelope-mode commit passes (AFTER_POSITIONS_SET is a round over drained records: see below). */
  static List<Arguments> cases() {
    return cross(Arrays.stream(Fault.values()).filter(f -> f != Fault.AFTER_POSITIONS_SET).toList());
  }

  /** The steps of a recovery pass: its drain without positions, then a general sequencing round. */
  static List<Arguments> recoveryCases() {
    return cross(List.of(Fault.AFTER_DRAIN_INSERTS, Fault.AFTER_ENVELOPE_CLEARED, Fault.AFTER_ALLOCATION,
        Fault.AFTER_POSITIONS_SET, Fault.AFTER_PUBLISH));
  }

  /**
   * A fresh database where node "a" committed document x (code C), and the batch of the given shape that the tests
   * crash: appends e1 to "events" and a1 to "audit", plus an insert of y, an update of x or a delete of x.
   */
  private record Scene(String db, MutableClock clock, TenantId tenant, MongoStore a, WriteBatch batch, Shape shape) {
    static Scene of(Shape shape) {
      String db = TestMongo.freshDatabase();
      MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
      TenantId tenant = TenantId.of("t-" + UUID.randomUUID().toString().substring(0, 8));
      MongoStore a = MongoStore.builder(mongo.client, db).clock(clock).nodeId("a").build();
      a.register(MongoStoreTest.THINGS);
      a.commit(tenant, WriteBatch.builder().insert("things", MongoStoreTest.doc("x", 1, "code", "C")).build());
      WriteBatch.Builder b = WriteBatch.builder()
          .append("events", "e1", "t", JsonNodeFactory.instance.objectNode().put("k", 1))
          .append("audit", "a1", "t", JsonNodeFactory.instance.objectNode());
      switch (shape) {
        case INSERT -> b.insert("things", MongoStoreTest.doc("y", 1));
        case UPDATE -> b.update("things", MongoStoreTest.doc("x", 2, "code", "D"));
        case DELETE -> b.delete("things", "x", 1);
        case APPENDS_ONLY -> { }
      }
      return new Scene(db, clock, tenant, a, b.build(), shape);
    }

    MongoStore node(String id) {
      return MongoStore.builder(mongo.client, db).clock(clock).nodeId(id).build();
    }

    /** A node that has done its first-use recovery already (before a crash the test causes next). */
    MongoStore startedNode(String id) {
      MongoStore store = node(id);
      store.register(MongoStoreTest.THINGS);
      return store;
    }

    /** Node a commits the batch and dies at {@code fault}. */
    void crashCommitAt(Fault fault) {
      crashAt(a, fault);
      assertThatThrownBy(() -> a.commit(tenant, batch)).isInstanceOf(Crash.class);
    }

    int expectedChanges() {
      return shape == Shape.APPENDS_ONLY ? 1 : 2;
    }

    /** The crashed batch is complete as seen through {@code store}: every change and record once, in order. */
    void assertComplete(MongoStore store) {
      List<Change> changes = store.changes(tenant, 0, 100);
      assertThat(changes).hasSize(expectedChanges());
      assertThat(changes).extracting(Change::position).isSorted().doesNotHaveDuplicates();
      assertThat(store.read(tenant, "events", 0, 100)).extracting(StreamRecord::id).containsExactly("e1");
      assertThat(store.read(tenant, "audit", 0, 100)).extracting(StreamRecord::id).containsExactly("a1");
      store.register(MongoStoreTest.THINGS);
      switch (shape) {
        case INSERT -> assertThat(store.get(tenant, "things", "y")).isPresent();
        case UPDATE -> assertThat(store.get(tenant, "things", "x").orElseThrow().version()).isEqualTo(2);
        case DELETE -> assertThat(store.get(tenant, "things", "x")).isEmpty();
        case APPENDS_ONLY -> { }
      }
    }

    /** Nothing half-published is left in the database: no envelope, no record without a position. */
    void assertNothingPending() {
      var database = mongo.client.getDatabase(db);
      org.bson.Document none = new org.bson.Document("$exists", false);
      assertThat(database.getCollection(MongoSchema.CHANGES).countDocuments(new org.bson.Document("pos", none)))
          .isZero();
      assertThat(database.getCollection("s_events").countDocuments(new org.bson.Document("pos", none))).isZero();
      assertThat(database.getCollection("c_things").countDocuments(new org.bson.Document("pending.0",
          new org.bson.Document("$exists", true)))).isZero();
      assertThat(database.getCollection(MongoSchema.ENVELOPES).countDocuments()).isZero();
    }
  }

  private static void crashAt(MongoStore store, Fault fault) {
    store.faults = f -> {
      if (f == fault) {
        throw new Crash();
      }
    };
  }

  @ParameterizedTest(name = "{1} crashing {0}")
  @MethodSource("cases")
  void recoveryCompletesACrashedCommitExactlyOnce(Fault fault, Shape shape) {
    Scene scene = Scene.of(shape);
    scene.crashCommitAt(fault);

    // Another node, after the crashed node's change-feed lease expired.
    scene.clock().advance(Duration.ofMinutes(1));
    MongoStore other = scene.node("b");
    other.register(MongoStoreTest.THINGS);
    other.recover(scene.tenant());
    other.recover(scene.tenant()); // idempotent
    scene.assertComplete(other);
    if (shape == Shape.DELETE) {
      // the tombstone is gone: the id and its unique value are free again
      other.commit(scene.tenant(), WriteBatch.builder().insert("things", MongoStoreTest.doc("x", 1, "code", "C"))
          .build());
    }
    // The crashed node resumes, and the feed keeps going without gaps in what readers can see.
    scene.a().faults = f -> { };
    scene.a().commit(scene.tenant(), WriteBatch.builder().insert("things", MongoStoreTest.doc("z", 1)).build());
    List<Change> after = other.changes(scene.tenant(), 0, 100);
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
    Scene scene = Scene.of(shape);
    scene.crashCommitAt(fault);

    scene.clock().advance(Duration.ofMinutes(1)); // the crashed instance's feed lease, if it held it, has expired
    MongoStore restarted = scene.node("a2");
    assertThat(restarted.changes(scene.tenant(), 0, 100)).extracting(Change::position)
        .containsExactly(scene.expectedChanges() == 1 ? new Long[] {1L} : new Long[] {1L, 2L});
    scene.assertNothingPending();
    scene.assertComplete(restarted);
    var database = mongo.client.getDatabase(scene.db());
    org.bson.Document mine = new org.bson.Document("tenant", scene.tenant().value());
    assertThat(database.getCollection(MongoSchema.CHANGES).countDocuments(mine)).isEqualTo(scene.expectedChanges());
    assertThat(database.getCollection("s_events").countDocuments(mine)).isOne();
    if (shape == Shape.DELETE) {
      assertThat(database.getCollection("c_things").countDocuments()).isZero(); // tombstone gone
    }
  }

  /**
   * A commit crashes right after its document write; the node recovering it crashes at each step of its own pass;
   * a third node completes both: every change and record exactly once, in order.
   */
  @ParameterizedTest(name = "{1}, recovery crashing {0}")
  @MethodSource("recoveryCases")
  void aRecoveryThatCrashesIsCompletedByTheNext(Fault fault, Shape shape) {
    Scene scene = Scene.of(shape);
    scene.crashCommitAt(Fault.AFTER_DOCUMENT_WRITE);

    MongoStore recovering = scene.node("b");
    crashAt(recovering, fault);
    assertThatThrownBy(() -> recovering.recover(scene.tenant())).isInstanceOf(Crash.class);

    scene.clock().advance(Duration.ofMinutes(1));
    MongoStore other = scene.node("c");
    other.recover(scene.tenant());
    scene.assertComplete(other);
    scene.assertNothingPending();
  }

  /**
   * No recovery pass at all: a node dies after allocating its round (its records not inserted yet); the next
   * commit, on another node, takes the round over once the lease expires and re-drains the dead node's envelope at
   * the allocated positions, before its own records: nothing is missing from the feed without a recover call.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Shape.class)
  void theNextCommitRedrainsARoundLeftInFlight(Shape shape) {
    Scene scene = Scene.of(shape);
    MongoStore other = scene.startedNode("b");
    scene.crashCommitAt(Fault.AFTER_ALLOCATION);
    assertThat(mongo.client.getDatabase(scene.db()).getCollection("s_events").countDocuments()).isZero();

    scene.clock().advance(Duration.ofMinutes(1));
    other.commit(scene.tenant(), WriteBatch.builder().insert("things", MongoStoreTest.doc("w", 1)).build());

    List<Change> changes = other.changes(scene.tenant(), 0, 100);
    assertThat(changes).extracting(Change::position).isSorted().doesNotHaveDuplicates();
    assertThat(changes).hasSize(scene.expectedChanges() + 1);
    assertThat(changes.get(changes.size() - 1).id()).isEqualTo("w");
    assertThat(other.read(scene.tenant(), "events", 0, 100)).extracting(StreamRecord::id).containsExactly("e1");
    assertThat(other.read(scene.tenant(), "audit", 0, 100)).extracting(StreamRecord::id).containsExactly("a1");
    scene.assertNothingPending();
  }

  /**
   * A node dies after publishing a commit but before clearing its envelope; another node, whose first-use recovery
   * ran before the crash, purges the commit's stream record. The purge drains the envelope first, so no later
   * recovery inserts the purged record again (at a new position).
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Shape.class)
  void aPurgedRecordIsNotBroughtBackByItsLeftoverEnvelope(Shape shape) {
    Scene scene = Scene.of(shape);
    MongoStore other = scene.startedNode("b");
    scene.crashCommitAt(Fault.AFTER_PUBLISH);
    List<StreamRecord> events = other.read(scene.tenant(), "events", 0, 100);
    assertThat(events).extracting(StreamRecord::id).containsExactly("e1");

    assertThat(other.purge(scene.tenant(), "events", List.of(events.get(0).position()))).isOne();

    scene.clock().advance(Duration.ofMinutes(1));
    MongoStore restarted = scene.node("c");
    restarted.recoverAll();
    assertThat(restarted.read(scene.tenant(), "events", 0, 100)).isEmpty();
    assertThat(restarted.read(scene.tenant(), "audit", 0, 100)).extracting(StreamRecord::id).containsExactly("a1");
    assertThat(restarted.changes(scene.tenant(), 0, 100)).hasSize(scene.expectedChanges());
    scene.assertNothingPending();
  }
}
