package dev.rapport.crm.audit;

import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;

/** Retention on MariaDb. */
class RetentionMariaDbTest extends RetentionContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.mariadb("audit_retention", clock);
  }
}
