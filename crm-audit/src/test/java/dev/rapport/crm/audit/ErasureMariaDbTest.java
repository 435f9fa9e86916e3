package dev.rapport.crm.audit;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;

/** Erasure on MariaDb's rows. */
class ErasureMariaDbTest extends ErasureContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.mariadb("audit_erasure", clock);
  }

  @Override
  String storedTrail(TestServers.Opened opened, TenantId tenant) {
    return SqlRows.storedTrail(opened, tenant);
  }
}
