package dev.rapport.crm.audit;

import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;

/** Retention on Postgres. */
class RetentionPostgresTest extends RetentionContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.postgres("audit_retention", clock);
  }
}
