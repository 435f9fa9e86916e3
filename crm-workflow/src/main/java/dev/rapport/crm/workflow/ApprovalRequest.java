package dev.rapport.crm.workflow;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An approval request as it stands: the parked command it holds, its definition (the version it started under), its
 * state, and each step reached so far with its candidates and votes.
 *
 * @param version the request's stored version (every decision, reminder or reassignment adds one)
 * @param command the parked command's name ({@code customer.change-credit-limit})
 * @param requester who asked for the command
 * @param currentStep the index of the step being decided (the last one reached once closed)
 * @param resubmittedFrom the request this one resubmits, if any
 */
public record ApprovalRequest(String id, long version, String definition, int definitionVersion,
                              RequestState state, String command, String resourceType, String resourceId,
                              String requester, @Nullable String reason, Instant createdAt, @Nullable Instant closedAt,
                              int currentStep, List<StepState> steps, @Nullable Execution execution,
                              @Nullable String resubmittedFrom) {
  public ApprovalRequest {
    steps = List.copyOf(steps);
  }

  /** The step being decided, or the last one reached. */
  public StepState step() {
    return steps.get(Math.min(currentStep, steps.size() - 1));
  }

  /**
   * One step as reached by this request.
   *
   * @param candidates who may decide it (the requester never is), after escalations and reassignments
   * @param deadline when its time limit runs out, null without one
   * @param outcome {@code APPROVED}, {@code REJECTED}, {@code SKIPPED}, {@code EXPIRED}, or null while undecided
   */
  public record StepState(String name, Instant enteredAt, List<String> candidates, @Nullable Instant deadline,
                          int reminders, boolean escalated, List<Vote> votes, @Nullable String outcome,
                          @Nullable Instant closedAt) {
    public StepState {
      candidates = List.copyOf(candidates);
      votes = List.copyOf(votes);
    }
  }

  /**
   * A decision on a step.
   *
   * @param by who voted (the {@code Actor}'s user id; {@code workflow.timer} for an automatic decision)
   * @param onBehalfOf the candidate the vote counts for: {@code by} itself, or the user who delegated to {@code by}
   */
  public record Vote(String by, String onBehalfOf, boolean approve, @Nullable String comment, Instant at) {}

  /**
   * How the approved command ran.
   *
   * @param status {@code PENDING} (approved, not run yet: a node runs it, and recovery finishes it after a crash),
   *     {@code RAN}, {@code STALE} (the record changed after the request was made, so the approval no longer applies
   *     and the command did not run) or {@code FAILED} (the command path refused it; {@code error} says why)
   * @param resourceVersion the record's version after the run
   */
  public record Execution(String status, long resourceVersion, @Nullable String error, @Nullable Instant at) {}
}
