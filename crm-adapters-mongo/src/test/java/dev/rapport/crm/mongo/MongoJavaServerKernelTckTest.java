package dev.rapport.crm.mongo;

import dev.rapport.crm.store.Store;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testkit.kernel.KernelTck;
import dev.rapport.crm.testkit.text.HostileTextContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/** The kernel TCK on mongo-java-server: no sessions, so the envelope path (one document per batch). */
class MongoJavaServerKernelTckTest extends KernelTck {
  static TestMongo mongo;
  static String database;

  @BeforeAll
  static void start() {
    mongo = TestMongo.inMemory();
    database = TestMongo.freshDatabase();
  }

  @AfterAll
  static void stop() {
    mongo.close();
  }

  @Override
  protected Store createStore(MutableClock clock) {
    return MongoStore.builder(mongo.client, database).clock(clock).build();
  }

  /** The hostile-text contract through a whole {@code Crm} on the same server. */
  @Nested
  class HostileText extends HostileTextContract {
    @Override
    protected Store createStore(MutableClock clock) {
      return MongoStore.builder(mongo.client, database + "_text").clock(clock).build();
    }
  }
}
