package dev.rapport.crm.mongo;

import dev.rapport.crm.store.Store;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testkit.kernel.KernelTck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

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
}
