package dev.rapport.crm.internal.command;

import dev.rapport.crm.access.Action;
import dev.rapport.crm.command.Changed;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A command, registered once by name: what it acts on, which action it is, the type of its input, the related
 * records it needs, and its business step. A call names a definition, a target id and an input; because the
 * definition is found by name, a call stored as data ({@link dev.rapport.crm.approval.ParkedCommand}) can be run
 * again later, on any node.
 *
 * <pre>{@code
 * CommandDefinition<ChangeCreditLimit, Customer> def = CommandDefinition
 *     .changing("customer.change-credit-limit", Action.EDIT, CustomerType.INSTANCE, ChangeCreditLimit.class,
 *         (ctx, in, c) -> c.changeCreditLimit(in.creditLimit(), in.reason()))
 *     .withReason(ChangeCreditLimit::reason);
 * }</pre>
 */
public record CommandDefinition<P, A>(String name, Action action, AggregateType<A> type, Class<P> payloadType,
                                      boolean creates, Function<P, @Nullable String> reason,
                                      Function<P, List<Related>> related, Step<P, A> step,
                                      Predicate<P> provenClean) {
  public CommandDefinition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(payloadType, "payloadType");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(related, "related");
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(provenClean, "provenClean");
  }

  /** The business step: pure; the aggregate's named method does the work. */
  @FunctionalInterface
  public interface Step<P, A> {
    /**
     * @param current the stored aggregate, null for a creation
     * @throws dev.rapport.crm.error.ValidationException with every broken domain rule
     */
    Changed<A> apply(StepContext context, P payload, @Nullable A current);
  }

  /**
   * A record the step needs, loaded by the command path through the actor's view; a missing or invisible one is a
   * violation at {@code path} with rule {@code <resourceType>.exists}.
   */
  public record Related(String path, AggregateType<?> type, String id) {}

  /** A command that creates a record of {@code type} (action {@code CREATE}). */
  public static <P, A> CommandDefinition<P, A> creating(String name, AggregateType<A> type, Class<P> payloadType,
                                                        Step<P, A> step) {
    return new CommandDefinition<>(name, Action.CREATE, type, payloadType, true, p -> null, p -> List.of(), step, p -> false);
  }

  /** A command on an existing record of {@code type}. */
  public static <P, A> CommandDefinition<P, A> changing(String name, Action action, AggregateType<A> type,
                                                        Class<P> payloadType, Step<P, A> step) {
    return new CommandDefinition<>(name, action, type, payloadType, false, p -> null, p -> List.of(), step, p -> false);
  }

  /** The reason recorded in the audit trail, taken from the input. */
  public CommandDefinition<P, A> withReason(Function<P, @Nullable String> value) {
    return new CommandDefinition<>(name, action, type, payloadType, creates, value, related, step, provenClean);
  }

  /**
   * A cheap proof that an input breaks no Bean Validation constraint and no text rule: when it answers
   * {@code true}, the command path skips both (Hibernate Validator and the input's JSON tree); when it answers
   * {@code false}, both run in full and report every violation. It must never answer {@code true} for an input
   * either would refuse.
   */
  public CommandDefinition<P, A> withProvenClean(Predicate<P> value) {
    return new CommandDefinition<>(name, action, type, payloadType, creates, reason, related, step, value);
  }

  /** The related records the step needs, named by the input. */
  public CommandDefinition<P, A> needing(Function<P, List<Related>> value) {
    return new CommandDefinition<>(name, action, type, payloadType, creates, reason, value, step, provenClean);
  }
}
