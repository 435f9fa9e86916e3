package dev.rapport.crm.rbac;

import dev.rapport.crm.testservers.TestServers;
import java.time.Clock;

/** The property on H2 in memory. */
class FilterAgreesWithCheckH2Test extends FilterAgreesWithCheckContract {
  @Override
  TestServers.Opened open(Clock clock) throws Exception {
    return TestServers.h2("rbac_prop", clock);
  }
}
