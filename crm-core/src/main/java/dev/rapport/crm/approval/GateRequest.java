package dev.rapport.crm.approval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A command about to be applied: what the gate sees to decide whether it needs approval. The business step has
 * already run, so {@code after} is the state the command would write.
 *
 * @param command the command as data, to store with an approval request and resume later
 * @param before the stored state, null for a creation
 * @param after the state the command would write
 * @param resuming the approval under which this is the re-execution of a parked command, null for a new command;
 *     the gate must not park a command it is resuming (it may still reject it)
 */
public record GateRequest(ParkedCommand command, @Nullable ObjectNode before, ObjectNode after,
                          @Nullable Approval resuming) {
  public GateRequest {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(after, "after");
  }
}
