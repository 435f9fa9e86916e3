package dev.rapport.crm.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.error.AccessDeniedException;
import dev.rapport.crm.module.ModuleContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Separation of duties: whom a voter may vote for on a step, or why not. The requester (and whom they acted for)
 * never; nobody a vote of the step involved; nobody who decided an earlier step (unless the definition allows it);
 * otherwise the voter themselves when a candidate, else a candidate who delegated to them.
 */
final class Duties {
  private Duties() {}

  /**
   * The candidate {@code actor} votes for: themselves, or someone who delegated to them (through a chain of at most
   * five delegations). Refuses with {@code AccessDeniedException} naming the rule: {@code workflow.sod.requester},
   * {@code workflow.sod.decided-before}, {@code workflow.already-voted} or {@code workflow.not-approver}.
   */
  static String principal(ModuleContext c, Actor actor, Req r, ApprovalDefinition d, ObjectNode step, Instant now) {
    Set<String> requesters = r.requesters();
    Set<String> persons = new LinkedHashSet<>();
    persons.add(actor.userId());
    if (actor.onBehalfOf() != null) {
      persons.add(actor.onBehalfOf());
    }
    for (String p : persons) {
      if (requesters.contains(p)) {
        throw denied(actor, r, "asked for it; the requester never decides their own request", "workflow.sod.requester");
      }
    }
    // everyone a vote of this step involved: who cast it, whom it counted for, whom its caster acted for
    Set<String> involved = Req.involved(step);
    for (String p : persons) {
      if (involved.contains(p)) {
        throw denied(actor, r, "has taken part in a vote on step " + step.path("name").asText() + " already",
            "workflow.already-voted");
      }
    }
    Set<String> earlier = d.allowRepeatDeciders() ? Set.of() : r.earlierDeciders();
    for (String p : persons) {
      if (earlier.contains(p)) {
        throw denied(actor, r, "decided an earlier step; nobody decides twice", "workflow.sod.decided-before");
      }
    }
    List<String> candidates = Req.texts(step.path("candidates"));
    List<String> reach = new ArrayList<>();
    reach.add(actor.userId());
    if (!candidates.contains(actor.userId())) {
      // a candidate votes for themselves: only others need their delegations looked up
      reach.addAll(Delegations.delegatorsOf(c.store(), actor.tenant(), actor.userId(), requesters, now));
    }
    boolean blockedByEarlier = false;
    for (String p : reach) {
      if (!candidates.contains(p) || involved.contains(p) || requesters.contains(p)) {
        continue;
      }
      if (earlier.contains(p)) {
        blockedByEarlier = true;
        continue;
      }
      return p;
    }
    if (blockedByEarlier) {
      throw denied(actor, r, "would vote for someone who decided an earlier step", "workflow.sod.decided-before");
    }
    throw denied(actor, r, "is not among the approvers of step " + step.path("name").asText()
        + " (nor their delegate)", "workflow.not-approver");
  }

  static AccessDeniedException denied(Actor actor, Req r, String why, String rule) {
    return new AccessDeniedException(actor.userId() + " may not decide approval request " + r.id + ": " + actor.userId()
        + " " + why, List.of(rule));
  }
}
