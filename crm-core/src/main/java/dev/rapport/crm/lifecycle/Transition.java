package dev.rapport.crm.lifecycle;

import dev.rapport.crm.query.Criteria;
import java.util.Objects;

/**
 * An allowed move between two stages. The guard is a criteria over the customer's indexed fields (for example
 * {@code exists("owner")}: only owned prospects become active); a transition may demand a reason and may be marked
 * as requiring approval, which the approval gate sees.
 */
public record Transition(String from, String to, Criteria guard, boolean reasonRequired, boolean approvalRequired) {
  public Transition {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(guard, "guard");
  }

  public static Transition of(String from, String to) {
    return new Transition(from, to, Criteria.all(), false, false);
  }

  public Transition guardedBy(Criteria criteria) {
    return new Transition(from, to, criteria, reasonRequired, approvalRequired);
  }

  public Transition withReasonRequired() {
    return new Transition(from, to, guard, true, approvalRequired);
  }

  public Transition withApprovalRequired() {
    return new Transition(from, to, guard, reasonRequired, true);
  }
}
