package dev.rapport.crm.rbac;

import dev.rapport.crm.testservers.TestServers;
import java.time.Clock;

/** Administration refuses text no store keeps exactly, on H2. */
class AdministrationTextH2Test extends AdministrationTextContract {
  @Override
  TestServers.Opened open(Clock clock) throws Exception {
    return TestServers.h2("rbac_admin_text", clock);
  }
}
