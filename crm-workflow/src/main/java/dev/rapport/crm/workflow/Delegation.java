package dev.rapport.crm.workflow;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * {@code delegator}'s approval tasks handed to {@code delegate} from {@code from} until {@code until} (out of
 * office). A delegate votes on the delegator's behalf; the vote is recorded as theirs, for the delegator. Chains
 * (a delegate who delegates in turn) are followed up to five links. Separation of duties holds across them: nobody
 * decides a request they asked for, through whatever chain.
 */
public record Delegation(String id, String delegator, String delegate, Instant from, Instant until,
                         @Nullable String reason, boolean revoked) {
  public boolean activeAt(Instant t) {
    return !revoked && !t.isBefore(from) && t.isBefore(until);
  }
}
