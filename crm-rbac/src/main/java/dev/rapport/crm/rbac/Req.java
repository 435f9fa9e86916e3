package dev.rapport.crm.rbac;

import dev.rapport.crm.actor.Actor;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** One decision's inputs, as conditions read them. */
final class Req {
  final Actor actor;
  /** The record's id, null when no record is known (a creation's first question, a filter). */
  final @Nullable String id;
  final @Nullable Map<String, List<Object>> resource;
  final @Nullable Map<String, List<Object>> before;
  private final Clock clock;
  private final Set<String> roles;
  private @Nullable Instant now;

  /**
   * @param roles every role the actor holds in this decision (the host's and the active assignments')
   * @param id the record's id, null when none is known
   * @param resource the index values conditions on {@code resource} read, null when no record is known
   * @param before the index values of the stored state ({@code before}), null when none
   */
  public Req(Actor actor, Set<String> roles, @Nullable String id, @Nullable Map<String, List<Object>> resource,
             @Nullable Map<String, List<Object>> before, Clock clock) {
    this.actor = actor;
    this.roles = roles;
    this.id = id;
    this.resource = resource;
    this.before = before;
    this.clock = clock;
  }

  Instant now() {
    Instant n = now;
    if (n == null) {
      n = clock.instant();
      now = n;
    }
    return n;
  }

  boolean holds(String role) {
    return roles.contains(role);
  }

  public Actor actor() {
    return actor;
  }
}
