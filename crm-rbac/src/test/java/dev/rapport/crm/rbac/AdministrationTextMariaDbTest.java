package dev.rapport.crm.rbac;

import dev.rapport.crm.testservers.TestServers;
import java.time.Clock;

/** Administration refuses text no store keeps exactly, on MariaDB. */
class AdministrationTextMariaDbTest extends AdministrationTextContract {
  @Override
  TestServers.Opened open(Clock clock) throws Exception {
    return TestServers.mariadb("rbac_admin_text", clock);
  }
}
