package dev.rapport.crm.directory;

import dev.rapport.crm.actor.TenantId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** An immutable {@link Directory} held in memory; build it with {@link Directory#inMemory()}. */
public final class InMemoryDirectory implements Directory {
  static final InMemoryDirectory EMPTY = new InMemoryDirectory(Map.of(), Map.of(), Map.of());

  private final Map<Key, String> managers;
  private final Map<Key, Set<String>> roles;
  private final Map<Key, Set<String>> teams;

  private record Key(TenantId tenant, String name) {}

  private InMemoryDirectory(Map<Key, String> managers, Map<Key, Set<String>> roles, Map<Key, Set<String>> teams) {
    this.managers = Map.copyOf(managers);
    this.roles = Map.copyOf(roles);
    this.teams = Map.copyOf(teams);
  }

  static Builder builder() {
    return new Builder();
  }

  @Override
  public List<String> managerChain(TenantId tenant, String userId) {
    List<String> chain = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    seen.add(userId);
    for (String m = managers.get(new Key(tenant, userId)); m != null && seen.add(m);
         m = managers.get(new Key(tenant, m))) {
      chain.add(m);
    }
    return List.copyOf(chain);
  }

  @Override
  public Set<String> membersOfRole(TenantId tenant, String role) {
    return roles.getOrDefault(new Key(tenant, role), Set.of());
  }

  @Override
  public Set<String> membersOfTeam(TenantId tenant, String team) {
    return teams.getOrDefault(new Key(tenant, team), Set.of());
  }

  /** Collects managers, roles and teams; each user has at most one direct manager per tenant. */
  public static final class Builder {
    private final Map<Key, String> managers = new HashMap<>();
    private final Map<Key, Set<String>> roles = new HashMap<>();
    private final Map<Key, Set<String>> teams = new HashMap<>();

    private Builder() {}

    /** {@code manager} is {@code user}'s direct manager in the tenant. */
    public Builder manager(String tenant, String user, String manager) {
      Key k = new Key(TenantId.of(tenant), Objects.requireNonNull(user, "user"));
      Objects.requireNonNull(manager, "manager");
      if (user.equals(manager)) {
        throw new IllegalArgumentException(user + " cannot be their own manager");
      }
      String before = managers.putIfAbsent(k, manager);
      if (before != null && !before.equals(manager)) {
        throw new IllegalArgumentException(user + " already has manager " + before + " in " + tenant);
      }
      return this;
    }

    /** Adds users to a role in the tenant. */
    public Builder role(String tenant, String role, String... users) {
      add(roles, new Key(TenantId.of(tenant), Objects.requireNonNull(role, "role")), users);
      return this;
    }

    /** Adds users to a team in the tenant. */
    public Builder team(String tenant, String team, String... users) {
      add(teams, new Key(TenantId.of(tenant), Objects.requireNonNull(team, "team")), users);
      return this;
    }

    private static void add(Map<Key, Set<String>> into, Key key, String... users) {
      Set<String> members = new TreeSet<>(into.getOrDefault(key, Set.of()));
      for (String u : users) {
        members.add(Objects.requireNonNull(u, "user"));
      }
      into.put(key, Set.copyOf(members));
    }

    public InMemoryDirectory build() {
      return new InMemoryDirectory(managers, roles, teams);
    }
  }
}
