package dev.rapport.crm.audit;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;

/** The tamper tests on H2's rows. */
class TamperH2Test extends TamperContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.h2("audit_tamper", clock);
  }

  @Override
  Rows rows(TestServers.Opened opened, TenantId tenant) {
    return new SqlRows(opened, tenant, false);
  }
}
