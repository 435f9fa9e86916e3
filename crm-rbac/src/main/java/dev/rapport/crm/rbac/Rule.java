package dev.rapport.crm.rbac;

import dev.rapport.crm.access.Action;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * One access rule: permit or forbid some actions on one resource type, optionally only when a CEL condition holds,
 * optionally only for actors holding one of some roles. A role's permissions are permit rules of that role; the
 * policies of a policy set are rules of either effect. Forbid overrides permit; no permit means deny.
 *
 * <pre>{@code
 * Rule.permit("rep-own-region").on("customer").actions(Action.VIEW, Action.EDIT)
 *     .when("resource.region == subject.region")
 * Rule.forbid("no-export-of-blocked").on("customer").actions(Action.EXPORT)
 *     .when("'status/blocked' in resource.tags")
 * }</pre>
 *
 * <p>Conditions read {@code subject} (the actor: {@code id}, {@code tenant}, {@code roles} and the declared
 * attributes), {@code resource} (the record's queryable fields: the state after the write for a write, the stored
 * state otherwise), {@code before} (the stored state) and {@code env.now}. A comparison with a field the record does
 * not have is false and {@code !} inverts it, exactly as in queries; a subject attribute the actor does not have makes
 * the condition fail closed: the permit does not apply, the forbid denies.
 *
 * @param id unique in the policy set; shown in decisions, denials and audit records
 * @param roles for a policy: the roles it applies to (empty: every actor); for a role's permission: ignored
 * @param condition CEL; null for always
 */
public record Rule(String id, Effect effect, @Nullable String resource, Set<Action> actions,
                   @Nullable String condition, Set<String> roles) {

  /** Permit or forbid. */
  public enum Effect { PERMIT, FORBID }

  public Rule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(effect, "effect");
    actions = actions.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(actions));
    roles = Set.copyOf(new TreeSet<>(roles));
  }

  public static Rule permit(String id) {
    return new Rule(id, Effect.PERMIT, null, Set.of(), null, Set.of());
  }

  public static Rule forbid(String id) {
    return new Rule(id, Effect.FORBID, null, Set.of(), null, Set.of());
  }

  /** The resource type the rule is about ({@code customer}, {@code interaction}, {@code case}, ...). */
  public Rule on(String resourceType) {
    return new Rule(id, effect, resourceType, actions, condition, roles);
  }

  public Rule actions(Action... more) {
    Set<Action> all = actions.isEmpty() ? EnumSet.noneOf(Action.class) : EnumSet.copyOf(actions);
    all.addAll(List.of(more));
    return new Rule(id, effect, resource, all, condition, roles);
  }

  /** Every action. */
  public Rule anyAction() {
    return new Rule(id, effect, resource, EnumSet.allOf(Action.class), condition, roles);
  }

  public Rule when(String cel) {
    return new Rule(id, effect, resource, actions, Objects.requireNonNull(cel, "cel"), roles);
  }

  /** For a policy: only actors holding one of these roles (directly or by inheritance). */
  public Rule forRoles(String... names) {
    Set<String> all = new TreeSet<>(roles);
    all.addAll(List.of(names));
    return new Rule(id, effect, resource, actions, condition, all);
  }
}
