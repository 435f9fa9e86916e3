package dev.rapport.crm.access;

import dev.rapport.crm.actor.Actor;

/**
 * The authorization port: every command is checked, every query filtered. crm-rbac implements it with roles,
 * attribute policies and field masks; a host that wants no access control must say so with {@link #allowAll()}.
 */
public interface AccessPolicy {

  /** May {@code actor} do {@code action} on {@code resource}? */
  Decision check(Actor actor, Action action, Resource resource);

  /** Which records of {@code resourceType} may {@code actor} {@code action}? Must agree with {@link #check}. */
  DataFilter filter(Actor actor, Action action, String resourceType);

  /** Permits everything: for hosts that enforce access elsewhere, and for tests. Never the implicit default. */
  static AccessPolicy allowAll() {
    return AllowAll.INSTANCE;
  }

  enum AllowAll implements AccessPolicy {
    INSTANCE;

    @Override
    public Decision check(Actor actor, Action action, Resource resource) {
      return Decision.allow("allow-all");
    }

    @Override
    public DataFilter filter(Actor actor, Action action, String resourceType) {
      return DataFilter.always();
    }
  }
}
