package dev.rapport.crm.recording;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.access.Action;
import dev.rapport.crm.access.FieldAccess;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.approval.Approval;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Something the audit trail should hold, handed to the {@link AuditRecorder}: a command's outcome ({@link Change}),
 * a refused attempt ({@link Denied}), or records read or exported ({@link Read}). Every entry names who acted
 * (the {@link Actor}, with {@link Actor#onBehalfOf()} when a delegate or an integration acted for someone), when,
 * and the correlation id that ties it to the host's request.
 *
 * <p>States ({@code before}, {@code after}) are the records' stored JSON forms, unmasked: a recorder that keeps
 * field values masks or encrypts them itself, e.g. with {@link dev.rapport.crm.access.Masking}.
 */
public sealed interface AuditEntry {
  Actor actor();

  Instant at();

  String correlationId();

  /** How the attempt ended: a {@link Change}'s own outcome, {@code DENIED} for {@link Denied}, {@code APPLIED} for a {@link Read}. */
  Outcome outcome();

  /**
   * A command's outcome on one record: applied, parked for approval, applied after approval, or rejected.
   *
   * @param command the command's name ({@code customer.change-credit-limit})
   * @param resourceId the record's id (the new id for a creation)
   * @param resourceVersion the version written ({@code APPLIED}, {@code APPROVED}); the version the command read
   *     otherwise (0 for a creation)
   * @param before the stored state before, null for a creation
   * @param after the state written or proposed (null only when nothing was computed)
   * @param approval the approval it ran under ({@code APPROVED}), null otherwise
   * @param requestId the approval request that parked or rejected it ({@code PARKED}, {@code REJECTED}), or the
   *     approved one
   * @param decidingRules the access rules that allowed it (or the gate's rules that rejected it)
   */
  record Change(Actor actor, Instant at, String correlationId, Action action, String command, String resourceType,
                String resourceId, long resourceVersion, @Nullable ObjectNode before, @Nullable ObjectNode after,
                @Nullable String reason, Outcome outcome, List<String> decidingRules, @Nullable Approval approval,
                @Nullable String requestId) implements AuditEntry {
    public Change {
      Objects.requireNonNull(actor, "actor");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(correlationId, "correlationId");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(resourceType, "resourceType");
      Objects.requireNonNull(resourceId, "resourceId");
      Objects.requireNonNull(outcome, "outcome");
      if (outcome == Outcome.DENIED) {
        throw new IllegalArgumentException("a denied attempt is a Denied entry");
      }
      decidingRules = List.copyOf(decidingRules);
    }
  }

  /**
   * An attempt the access policy refused: a command, or a read of a record the actor may not see (which the actor
   * was told does not exist).
   *
   * @param command the command's name, or {@code <type>.read} / {@code <type>.export} for reads
   * @param resourceId the record's id, null for a type-level refusal (e.g. creating)
   * @param decidingRules the rules that refused it
   */
  record Denied(Actor actor, Instant at, String correlationId, Action action, String command, String resourceType,
                @Nullable String resourceId, @Nullable String reason, List<String> decidingRules)
      implements AuditEntry {
    public Denied {
      Objects.requireNonNull(actor, "actor");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(correlationId, "correlationId");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(resourceType, "resourceType");
      decidingRules = List.copyOf(decidingRules);
    }

    @Override
    public Outcome outcome() {
      return Outcome.DENIED;
    }
  }

  /**
   * Records read ({@link Action#VIEW}: a single read, one page, a count) or exported ({@link Action#EXPORT}): one entry per
   * call, however many records it returned.
   *
   * @param resourceIds the records returned, in order (none for a count)
   * @param query a description of what was asked (the criteria and sort; {@code count <criteria>} for a count),
   *     empty for a single read
   * @param shown the distinct field accesses the records were shown with (usually one; several when per-record
   *     rules differ), so a recorder can tell which fields a reader saw in clear; empty when no field was shown
   *     (a count, a change feed's metadata)
   */
  record Read(Actor actor, Instant at, String correlationId, Action action, String resourceType,
              List<String> resourceIds, String query, Set<FieldAccess> shown) implements AuditEntry {
    public Read {
      Objects.requireNonNull(actor, "actor");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(correlationId, "correlationId");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(resourceType, "resourceType");
      Objects.requireNonNull(query, "query");
      resourceIds = List.copyOf(resourceIds);
      shown = Set.copyOf(shown);
    }

    /** A read whose records were shown whole (every field in clear); none when {@code resourceIds} is empty. */
    public Read(Actor actor, Instant at, String correlationId, Action action, String resourceType,
                List<String> resourceIds, String query) {
      this(actor, at, correlationId, action, resourceType, resourceIds, query,
          resourceIds.isEmpty() ? Set.of() : Set.of(FieldAccess.all()));
    }

    /** Whether any record read showed {@code path} in clear ({@link FieldAccess#showsInClear}). */
    public boolean showedInClear(String path) {
      for (FieldAccess f : shown) {
        if (f.showsInClear(path)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public Outcome outcome() {
      return Outcome.APPLIED;
    }
  }
}
