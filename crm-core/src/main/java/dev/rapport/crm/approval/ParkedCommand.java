package dev.rapport.crm.approval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.Actor;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A command as data: everything needed to run it later, on any node, through the normal command path. The gate sees
 * it in {@link GateRequest#command()}; when the gate parks it, the command path stores it under the request id (see
 * {@link ParkedCommands}), and {@link ParkedCommands#resume} runs it once the request is approved. Its JSON form
 * (Jackson) is stable.
 *
 * @param name the command's registered name ({@code customer.change-credit-limit}); {@link ParkedCommands} knows
 *     every name the services register
 * @param resourceType the type of the record it acts on
 * @param resourceId the record it acts on (for a creation, the id the record will get)
 * @param expectedVersion the version of the record the command was checked on when it was parked (null for a
 *     creation); it is resumed against that version only
 * @param payload the command's input, in its JSON form
 * @param actor who asked for it; the command runs as this actor again when resumed
 * @param correlationId the correlation id of the request that asked for it
 * @param reason the reason the caller gave, if any
 */
public record ParkedCommand(String name, String resourceType, String resourceId, @Nullable Long expectedVersion,
                            ObjectNode payload, Actor actor, String correlationId, @Nullable String reason) {
  public ParkedCommand {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(resourceType, "resourceType");
    Objects.requireNonNull(resourceId, "resourceId");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(correlationId, "correlationId");
  }
}
