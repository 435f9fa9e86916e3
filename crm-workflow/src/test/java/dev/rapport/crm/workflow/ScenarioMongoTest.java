package dev.rapport.crm.workflow;

import dev.rapport.crm.testkit.MutableClock;
import dev.rapport.crm.testservers.TestServers;

/** The scenarios on MongoDB: the test server (no transactions), or a real one when RAPPORT_TEST_MONGO_URI is set. */
class ScenarioMongoTest extends ScenarioContract {
  @Override
  TestServers.Opened open(MutableClock clock) throws Exception {
    return TestServers.mongo("workflow_scenarios", clock);
  }
}
