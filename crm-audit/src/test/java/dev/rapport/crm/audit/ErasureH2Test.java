package dev.rapport.crm.audit;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;

/** Erasure on H2's rows. */
class ErasureH2Test extends ErasureContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.h2("audit_erasure", clock);
  }

  @Override
  String storedTrail(TestServers.Opened opened, TenantId tenant) {
    return SqlRows.storedTrail(opened, tenant);
  }
}
