package dev.rapport.crm.workflow;

import java.util.List;

/**
 * What the timer sweep does when a step's time limit passes.
 * <ul>
 *   <li>{@link #remind()}: a reminder to the candidates who have not voted, again after each further time limit.</li>
 *   <li>{@link #escalateTo escalateTo(approvers)}: the step's candidates become the escalation set (the votes given
 *       so far stay); once, with no further timer.</li>
 *   <li>{@link #approve()}: the step is approved automatically (recorded as the timer's decision).</li>
 *   <li>{@link #reject()}: the request ends {@link RequestState#EXPIRED}; the command is not run.</li>
 * </ul>
 */
public record OnExpiry(Action action, List<Approvers> escalateTo) {
  public enum Action { REMIND, ESCALATE, APPROVE, REJECT }

  public OnExpiry {
    escalateTo = List.copyOf(escalateTo);
    if ((action == Action.ESCALATE) == escalateTo.isEmpty()) {
      throw dev.rapport.crm.error.ValidationException.of("onExpiry", "onExpiry.escalate",
          "escalation names the approvers to escalate to, and only escalation does");
    }
  }

  public static OnExpiry remind() {
    return new OnExpiry(Action.REMIND, List.of());
  }

  public static OnExpiry escalateTo(Approvers... approvers) {
    return new OnExpiry(Action.ESCALATE, List.of(approvers));
  }

  public static OnExpiry approve() {
    return new OnExpiry(Action.APPROVE, List.of());
  }

  public static OnExpiry reject() {
    return new OnExpiry(Action.REJECT, List.of());
  }
}
