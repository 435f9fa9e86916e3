package dev.rapport.crm.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.approval.ParkedCommand;
import dev.rapport.crm.directory.Directory;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The host's own rule for who approves a step (a cost-centre owner from its ERP, an on-call rota), registered by
 * name with {@link Workflow.Builder#resolver} and named in definitions as {@code resolver: <name>}. Called on the
 * thread that starts the step (the command's, a voter's or the timer sweep's): answer quickly, never null; an empty
 * set leaves the step to the step's other approvers. The requester is removed from what it returns.
 */
@FunctionalInterface
public interface ApproverResolver {

  Set<String> approvers(Context context);

  /**
   * What a resolver may look at.
   *
   * @param requester who asked for the command
   * @param command the parked command
   * @param before the record before the command, null for a creation
   * @param after the state the command would write
   * @param step the step's name
   * @param directory the {@code Crm}'s directory, for rules such as "the owner's manager"
   *     ({@code directory.managerChain(requester.tenant(), after.path("owner").asText())})
   */
  record Context(Actor requester, ParkedCommand command, @Nullable ObjectNode before, ObjectNode after, String step,
                 Directory directory) {}
}
