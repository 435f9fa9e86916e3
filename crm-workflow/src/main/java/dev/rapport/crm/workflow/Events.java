package dev.rapport.crm.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.module.ModuleContext;
import dev.rapport.crm.notify.Event;
import dev.rapport.crm.store.WriteBatch;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Collection;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** The outbox events of requests, their data, and the ids the workflow makes. */
final class Events {
  private Events() {}

  static WriteBatch.Append event(ModuleContext c, String type, Req r, long version, Instant now,
                                         ObjectNode data) {
    return new Event(UUID.randomUUID().toString(), type, tenantFor(r), Workflow.RESOURCE_TYPE, r.id, version, now,
        r.body.path("correlationId").asText(null), data).toAppend();
  }

  static ObjectNode assigned(Req r, ObjectNode step, Collection<String> to) {
    ObjectNode data = Req.F.objectNode().put("requestId", r.id)
        .put("definition", r.body.path("definition").path("key").asText())
        .put("step", step.path("name").asText()).put("command", r.body.path("command").asText())
        .put("resourceType", r.body.path("resourceType").asText())
        .put("resourceId", r.body.path("resourceId").asText()).put("requester", r.requester());
    data.set("assignees", Req.array(to));
    if (step.hasNonNull("deadline")) {
      data.put("deadline", step.get("deadline").asText());
    }
    return data;
  }

  static ObjectNode decided(Req r) {
    ObjectNode data = Req.F.objectNode().put("requestId", r.id)
        .put("definition", r.body.path("definition").path("key").asText()).put("state", r.state().name())
        .put("command", r.body.path("command").asText()).put("resourceType", r.body.path("resourceType").asText())
        .put("resourceId", r.body.path("resourceId").asText()).put("requester", r.requester());
    if (r.body.hasNonNull("execution")) {
      data.set("execution", r.body.get("execution"));
    }
    return data;
  }

  static TenantId tenantFor(Req r) {
    return TenantId.of(r.body.path("tenant").asText());
  }

  static String correlation() {
    return UUID.randomUUID().toString();
  }

  static final SecureRandom RANDOM = new SecureRandom();

  static final AtomicLong LAST = new AtomicLong();

  /** A time-ordered (version 7) UUID: request ids sort by creation time and index well. */
  static String uuidV7(Instant now) {
    long millis = now.toEpochMilli();
    long stamp = LAST.updateAndGet(prev -> (prev >>> 12) < millis ? millis << 12 : prev + 1);
    long msb = ((stamp >>> 12) << 16) | 0x7000L | (stamp & 0xFFFL);
    long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb).toString();
  }
}
