package dev.rapport.crm.approval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.Actor;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A command about to be applied: what the gate sees to decide whether it needs approval. */
public record GateRequest(Actor actor, String command, String resourceType, @Nullable String resourceId,
                          @Nullable ObjectNode before, ObjectNode after, ObjectNode payload) {
  public GateRequest {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(resourceType, "resourceType");
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(payload, "payload");
  }
}
