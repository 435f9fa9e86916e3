package dev.rapport.crm.approval;

import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.actor.Actor;
import java.util.Optional;
import java.util.Set;

/**
 * Parked commands and their resumption once approved. When the {@link ApprovalGate} parks a command, the command
 * path stores it as a {@link ParkedCommand} in core's collection {@value #COLLECTION} (one document per approval
 * request id), in the same commit as the gate's own writes and the {@code PARKED} audit record. Every service
 * registers its commands by name when the {@code Crm} is built, so a command parked on one node can be resumed on
 * any other from what was stored alone. {@code Crm.parkedCommands()} gives this to hosts; modules get it from
 * their {@link dev.rapport.crm.module.ModuleContext}.
 */
public interface ParkedCommands {

  /** The collection core keeps parked commands in; no module may declare a collection with this name. */
  String COLLECTION = "parked_commands";

  /** The command parked under an approval request, if any (also after it ran). */
  Optional<ParkedCommand> find(TenantId tenant, String requestId);

  /**
   * Runs the command parked under {@code approval.requestId()} through the normal command path (authorize again,
   * validate, apply, persist with its {@code APPROVED} audit record and its events), against the version of the
   * record it was parked on. The same commit marks the parked command as run, so it runs at most once: a second
   * call, on this node or another, concurrent or later, changes nothing and answers
   * {@link Resumed.Status#ALREADY_RUN}. The gate sees the run as its own request's ({@link GateRequest#resuming()})
   * and may let it proceed or reject it, not park it again.
   *
   * @throws dev.rapport.crm.error.NotFoundException when no command is parked under that request id in the tenant
   * @throws dev.rapport.crm.error.VersionConflictException when the record changed after the command was parked:
   *     the approval was given for a state that is gone (the request should be decided again)
   * @throws IllegalArgumentException for a command name no service on this node registered
   */
  Resumed resume(TenantId tenant, Approval approval);

  /**
   * Runs the command parked under {@code requestId} again as a new command of {@code actor}, who must be the user
   * who asked for it: after a rejection, the requester asks again. It goes through the whole command path against
   * the record as it is now (authorize, validate, gate), so the gate decides afresh: it may park it under a new
   * approval request, let it apply, or reject it. The parked command itself is left as it was.
   *
   * @throws dev.rapport.crm.error.NotFoundException when no command is parked under that request id in the actor's
   *     tenant
   * @throws dev.rapport.crm.error.AccessDeniedException when {@code actor} is not the user who asked for it (rule
   *     {@code approval.resubmit.requester})
   * @throws dev.rapport.crm.error.ApprovalRejectedException when the gate rejects it
   */
  Resubmitted resubmit(Actor actor, String requestId);

  /**
   * What a resubmission did.
   *
   * @param requestId the new approval request it is parked under, null when it applied without one
   * @param version the record's version after it; 0 when it was parked again
   */
  record Resubmitted(@org.jspecify.annotations.Nullable String requestId, String resourceId, long version) {
    /** Whether it is waiting for approval again (under {@link #requestId}). */
    public boolean parked() {
      return requestId != null;
    }
  }

  /**
   * {@link #resume(TenantId, Approval)}, committing the gate's own writes with the run: the gate's request can
   * record its final state (approved, run at that version) in the run's commit, so that a decision and its effect
   * are one commit. {@code alongside} is asked, just before that commit, what to add, given what the run is about
   * to write ({@code APPLIED} or {@code UNCHANGED}, and the record's version after it); it is not asked when the
   * command ran already ({@code ALREADY_RUN}) or fails. A conflict on one of its writes fails the whole commit with
   * {@code VersionConflictException}, like a conflict on the record. On stores without multi-document transactions
   * it may add appends only.
   */
  Resumed resume(TenantId tenant, Approval approval, Alongside alongside);

  /** What a gate commits with a resumed command; see {@link #resume(TenantId, Approval, Alongside)}. */
  @FunctionalInterface
  interface Alongside {
    void add(Resumed outcome, dev.rapport.crm.store.WriteBatch.Builder batch);
  }

  /** The command names that can be resumed. */
  Set<String> names();

  /**
   * What a resumption did.
   *
   * @param version the record's version after the run (or, for {@code ALREADY_RUN}, after the run that did it)
   */
  record Resumed(Status status, String resourceId, long version) {
    /** {@code APPLIED}: the change was written now; {@code UNCHANGED}: it changed nothing; {@code ALREADY_RUN}. */
    public enum Status { APPLIED, UNCHANGED, ALREADY_RUN }
  }
}
