package dev.rapport.crm.access;

import dev.rapport.crm.actor.Actor;

/**
 * The authorization port: every command and every read is checked, every listing is filtered in the store.
 * crm-rbac implements it with roles, attribute policies and field masks; a host that wants no access control must
 * say so with {@link #allowAll()}.
 *
 * <h2>Implementer notes</h2>
 * <ul>
 *   <li>{@link #check} is asked for every single-record read (with the stored state), twice for every write (see
 *       {@link Resource}), and once per record of a page (for its {@link FieldAccess}). Keep it fast: no I/O, no
 *       locks.</li>
 *   <li>{@link #filter} is asked for every listing action — {@link Action#VIEW} for pages and counts,
 *       {@link Action#EXPORT} for exports — and for the single-record reads, where its residual is evaluated on the
 *       loaded record: a record outside the filter answers {@code NotFoundException}, exactly like one that does
 *       not exist. A residual may name only fields indexed in {@code type.collection()}.</li>
 *   <li>{@code filter} and {@code check} must agree: a record the residual admits is one {@code check} allows.</li>
 * </ul>
 */
public interface AccessPolicy {

  /** May {@code actor} do {@code action} on {@code resource}; and if so, what may it do with each field? */
  Decision check(Actor actor, Action action, Resource resource);

  /** Which records of {@code type} may {@code actor} {@code action}? Must agree with {@link #check}. */
  DataFilter filter(Actor actor, Action action, ResourceType type);

  /** Permits everything: for hosts that enforce access elsewhere, and for tests. Never the implicit default. */
  static AccessPolicy allowAll() {
    return AllowAll.INSTANCE;
  }

  /** See {@link AccessPolicy#allowAll()}. */
  enum AllowAll implements AccessPolicy {
    INSTANCE;

    private static final Decision ALLOW = Decision.allow("allow-all");

    @Override
    public Decision check(Actor actor, Action action, Resource resource) {
      return ALLOW;
    }

    @Override
    public DataFilter filter(Actor actor, Action action, ResourceType type) {
      return DataFilter.always();
    }
  }
}
