package dev.rapport.crm.directory;

import dev.rapport.crm.actor.TenantId;
import java.util.List;
import java.util.Set;

/**
 * What Rapport may ask about the host's people: the manager chain of a user, the members of a role or of a team.
 * The host owns its directory (LDAP, an HR system, its own tables); it adapts it to this port. crm-workflow routes
 * approvals with it (the requester's manager chain, a role's members), crm-rbac uses it for access reviews.
 *
 * <pre>{@code
 * Directory dir = Directory.inMemory()
 *     .manager("acme", "alice", "bob").manager("acme", "bob", "carol")
 *     .role("acme", "credit-approver", "carol", "dave")
 *     .team("acme", "east", "alice", "erin")
 *     .build();
 * dir.managerChain(TenantId.of("acme"), "alice");   // [bob, carol]
 * }</pre>
 *
 * <h2>Implementer notes</h2>
 * Answers must be quick (they are asked on the command's thread) and never null; an unknown user has an empty
 * chain, an unknown role or team no members. The manager chain lists the direct manager first and never repeats a
 * user (stop at a cycle).
 */
public interface Directory {

  /** The user's managers, the direct one first, up to the top; empty when the user has none or is unknown. */
  List<String> managerChain(TenantId tenant, String userId);

  /** The users who hold {@code role} in the tenant. */
  Set<String> membersOfRole(TenantId tenant, String role);

  /** The users in {@code team} in the tenant. */
  Set<String> membersOfTeam(TenantId tenant, String team);

  /** Knows nobody: every chain and every set is empty. The default when the host gives no directory. */
  static Directory none() {
    return InMemoryDirectory.EMPTY;
  }

  /** An immutable directory built in memory (tests, small hosts, a snapshot of the host's directory). */
  static InMemoryDirectory.Builder inMemory() {
    return InMemoryDirectory.builder();
  }
}
