package dev.rapport.crm.mongo;

import dev.rapport.crm.store.Store;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testkit.kernel.KernelTck;
import dev.rapport.crm.testkit.text.HostileTextContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The kernel TCK on the real MongoDB named by {@code RAPPORT_TEST_MONGO_URI}, in both unit-of-work modes: AUTO
 * (transactions when the server is a replica set) and ENVELOPE.
 */
@EnabledIfEnvironmentVariable(named = TestMongo.REAL_URI_ENV, matches = ".+",
    disabledReason = "set RAPPORT_TEST_MONGO_URI (e.g. mongodb://localhost:27017/?replicaSet=rs0) to run the TCK on a real MongoDB")
class RealMongoKernelTckTest {
  static TestMongo mongo;
  static String database;

  @BeforeAll
  static void start() {
    mongo = TestMongo.real();
    database = TestMongo.freshDatabase();
  }

  @AfterAll
  static void stop() {
    mongo.client.getDatabase(database).drop();
    mongo.client.getDatabase(database + "_env").drop();
    mongo.client.getDatabase(database + "_text").drop();
    mongo.close();
  }

  @Nested
  class Auto extends KernelTck {
    @Override
    protected Store createStore(MutableClock clock) {
      return MongoStore.builder(mongo.client, database).clock(clock).build();
    }
  }

  @Nested
  class Envelope extends KernelTck {
    @Override
    protected Store createStore(MutableClock clock) {
      return MongoStore.builder(mongo.client, database + "_env").clock(clock)
          .transactionMode(TransactionMode.ENVELOPE).build();
    }
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
