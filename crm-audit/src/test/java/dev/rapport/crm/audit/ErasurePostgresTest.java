package dev.rapport.crm.audit;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;

/** Erasure on Postgres's rows. */
class ErasurePostgresTest extends ErasureContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.postgres("audit_erasure", clock);
  }

  @Override
  String storedTrail(TestServers.Opened opened, TenantId tenant) {
    return SqlRows.storedTrail(opened, tenant);
  }
}
