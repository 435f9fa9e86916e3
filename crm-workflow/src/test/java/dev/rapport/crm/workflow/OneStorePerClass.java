package dev.rapport.crm.workflow;

import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** A contract run on one store per test class (each subclass names the database), with one clock. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OneStorePerClass {
  final MutableClock clock = MutableClock.at("2026-03-02T08:00:00Z");
  TestServers.Opened opened;

  /** The store, in the run's own schema or database. */
  abstract TestServers.Opened open(MutableClock clock) throws Exception;

  @BeforeAll
  void start() throws Exception {
    opened = open(clock);
  }

  @AfterAll
  void stop() {
    if (opened != null) {
      opened.close();
    }
  }
}
