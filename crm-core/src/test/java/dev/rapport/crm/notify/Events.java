package dev.rapport.crm.notify;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rapport.crm.actor.TenantId;
import java.time.Instant;
import java.util.UUID;

/** Test fixture: sample events. */
final class Events {
  private Events() {}

  static Event customerCreated(TenantId tenant, Instant at) {
    String customerId = UUID.randomUUID().toString();
    return new Event(UUID.randomUUID().toString(), "customer.created", tenant, "customer", customerId, 1, at,
        "corr-" + customerId.substring(0, 8),
        JsonNodeFactory.instance.objectNode().put("name", "Zhang Wei").put("stage", "LEAD"));
  }
}
