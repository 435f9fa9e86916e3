package dev.rapport.crm.recording;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.access.Action;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What happened, handed to the {@link AuditRecorder} inside the command's unit of work: who, when, which action on
 * which resource and version, the state before and after (for field-level diffs), why, and the outcome.
 *
 * @param outcome {@code APPLIED}, {@code DENIED} or {@code PARKED}
 */
public record AuditEntry(Actor actor, Instant at, Action action, String command, String resourceType,
                         @Nullable String resourceId, long resourceVersion, @Nullable ObjectNode before,
                         @Nullable ObjectNode after, @Nullable String reason, String correlationId, String outcome,
                         List<String> decidingRules) {
  public AuditEntry {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(resourceType, "resourceType");
    Objects.requireNonNull(correlationId, "correlationId");
    Objects.requireNonNull(outcome, "outcome");
    decidingRules = List.copyOf(decidingRules);
  }
}
