package dev.rapport.crm.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Page;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.Store;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Delegations as stored ({@link Workflow#DELEGATIONS}), and who a user may act for through them. */
final class Delegations {
  private static final int MAX_DELEGATION_LINKS = 5;

  private Delegations() {}

  /**
   * Who delegated to {@code user} now, directly or through a chain (nearest first). A chain stops at a requester:
   * what a requester delegates never comes back to decide their own request.
   */
  static List<String> delegatorsOf(Store store, TenantId tenant, String user, Set<String> requesters,
                                           Instant now) {
    List<String> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>(List.of(user));
    Deque<String> level = new ArrayDeque<>(List.of(user));
    for (int depth = 0; depth < MAX_DELEGATION_LINKS && !level.isEmpty(); depth++) {
      Deque<String> next = new ArrayDeque<>();
      for (String u : level) {
        for (Delegation dl : delegationsTo(store, tenant, u)) {
          if (dl.activeAt(now) && !requesters.contains(dl.delegator()) && seen.add(dl.delegator())) {
            out.add(dl.delegator());
            next.add(dl.delegator());
          }
        }
      }
      level = next;
    }
    return out;
  }

  static List<Delegation> delegationsTo(Store store, TenantId tenant, String user) {
    List<Delegation> out = new ArrayList<>();
    Query q = Query.of(Criteria.eq("delegate", user), Sort.byId(), Query.MAX_LIMIT);
    Page.streamAll(q, x -> store.query(tenant, Workflow.DELEGATIONS, x)).forEach(d -> out.add(delegation(d)));
    return out;
  }

  static Delegation delegation(Document d) {
    ObjectNode b = d.body();
    return new Delegation(d.id(), b.path("delegator").asText(), b.path("delegate").asText(),
        Instant.parse(b.path("from").asText()), Instant.parse(b.path("until").asText()), Req.text(b, "reason"),
        b.path("revoked").asBoolean());
  }
}
