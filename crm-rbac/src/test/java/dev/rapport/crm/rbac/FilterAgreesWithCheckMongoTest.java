package dev.rapport.crm.rbac;

import dev.rapport.crm.testservers.TestServers;
import java.time.Clock;

/** The property on MongoDB (RAPPORT_TEST_MONGO_URI, else mongo-java-server). */
class FilterAgreesWithCheckMongoTest extends FilterAgreesWithCheckContract {
  @Override
  TestServers.Opened open(Clock clock) throws Exception {
    return TestServers.mongo("rbac_prop", clock);
  }
}
