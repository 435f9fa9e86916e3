package dev.rapport.crm.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An approval process: which commands it applies to ({@link Trigger}: command names and a CEL condition), and the
 * steps, in order, that must approve them. Versioned: a request keeps a copy of the definition it started under,
 * so a new version given to the next deployment applies to new requests only.
 *
 * <pre>{@code
 * ApprovalDefinition credit = ApprovalDefinition.builder("credit-limit", 1)
 *     .name("Credit limit above 100,000")
 *     .trigger(Trigger.on("customer.change-credit-limit").when("resource.creditLimit.amount > 100000"))
 *     .step(ApprovalStep.named("manager").approvers(Approvers.manager())
 *         .timeLimit(Duration.ofHours(48), OnExpiry.escalateTo(Approvers.role("director"))).build())
 *     .step(ApprovalStep.named("finance").approvers(Approvers.role("finance")).mode(DecisionMode.nOf(2)).build())
 *     .build();
 * }</pre>
 *
 * <p>Conditions are CEL over {@code command}, {@code resource} (the state the command would write), {@code before}
 * (the stored state, empty for a creation), {@code payload}, {@code subject} (the requester's {@code id},
 * {@code roles}, {@code attributes}) and {@code now}; money amounts are numbers. See {@link Workflow} for how a
 * condition that fails to evaluate counts.
 *
 * @param allowRepeatDeciders whether one person may decide in more than one step of a request (by default not)
 */
public record ApprovalDefinition(String key, int version, String name, Trigger trigger, List<ApprovalStep> steps,
                                 boolean allowRepeatDeciders) {
  private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  public ApprovalDefinition {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(trigger, "trigger");
    steps = List.copyOf(steps);
    List<Violation> problems = problems(key, version, name, trigger, steps);
    if (!problems.isEmpty()) {
      throw new ValidationException(problems);
    }
  }

  /**
   * The commands a definition applies to, and the condition under which it does (null: always).
   *
   * @param commands registered command names ({@code customer.change-credit-limit}, {@code customer.delete}, ...)
   */
  public record Trigger(Set<String> commands, @Nullable String condition) {
    public Trigger {
      commands = Set.copyOf(new LinkedHashSet<>(commands));
    }

    public static Trigger on(String... commands) {
      return new Trigger(new LinkedHashSet<>(List.of(commands)), null);
    }

    public Trigger when(String celCondition) {
      return new Trigger(commands, Objects.requireNonNull(celCondition, "celCondition"));
    }
  }

  public static Builder builder(String key, int version) {
    return new Builder(key, version);
  }

  public static final class Builder {
    private final String key;
    private final int version;
    private @Nullable String name;
    private @Nullable Trigger trigger;
    private final List<ApprovalStep> steps = new ArrayList<>();
    private boolean allowRepeatDeciders;

    private Builder(String key, int version) {
      this.key = Objects.requireNonNull(key, "key");
      this.version = version;
    }

    public Builder name(String value) {
      name = Objects.requireNonNull(value, "name");
      return this;
    }

    public Builder trigger(Trigger value) {
      trigger = Objects.requireNonNull(value, "trigger");
      return this;
    }

    public Builder step(ApprovalStep value) {
      steps.add(Objects.requireNonNull(value, "step"));
      return this;
    }

    /** Lets one person decide in several steps of one request (by default nobody decides twice). */
    public Builder allowRepeatDeciders(boolean value) {
      allowRepeatDeciders = value;
      return this;
    }

    /** The definition, or a {@code ValidationException} listing every problem with its path. */
    public ApprovalDefinition build() {
      if (trigger == null) {
        throw ValidationException.of("trigger", "definition.trigger.missing", "definition " + key
            + " needs a trigger: the commands it applies to");
      }
      return new ApprovalDefinition(key, version, name == null ? key : name, trigger, steps, allowRepeatDeciders);
    }
  }

  /** The step named {@code name}, if any. */
  public java.util.Optional<ApprovalStep> step(String stepName) {
    return steps.stream().filter(s -> s.name().equals(stepName)).findFirst();
  }

  /** The definition's JSON form: what definition files hold, and what a request keeps a copy of. */
  public ObjectNode toJson() {
    return DefinitionFormat.write(this);
  }

  /** The definition as a Mermaid flowchart, for documentation. */
  public String toMermaid() {
    return Mermaid.render(this);
  }

  /**
   * Every problem of a definition, each with its path ({@code steps[1].skipIf}, say). A file reader passes what it
   * could read: null for a key, name or trigger it could not, and null for a step it could not (its index kept).
   */
  static List<Violation> problems(@Nullable String key, int version, @Nullable String name, @Nullable Trigger trigger,
                                  List<@Nullable ApprovalStep> steps) {
    List<Violation> out = new ArrayList<>();
    if (key != null && !KEY.matcher(key).matches()) {
      out.add(new Violation("key", "definition.key.format",
          "a definition key is 1-64 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit: " + key));
    }
    if (version < 1) {
      out.add(new Violation("version", "definition.version.positive", "a definition version is 1 or more"));
    }
    if (name != null && (name.isBlank() || name.length() > 200)) {
      out.add(new Violation("name", "definition.name.length", "a definition name has 1-200 characters"));
    }
    if (trigger != null && trigger.commands().isEmpty()) {
      out.add(new Violation("trigger.commands", "definition.trigger.commands",
          "a trigger names at least one command"));
    }
    if (trigger != null && trigger.condition() != null) {
      condition("trigger.condition", trigger.condition(), out);
    }
    if (steps.isEmpty()) {
      out.add(new Violation("steps", "definition.steps.empty", "a definition has at least one step"));
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < steps.size(); i++) {
      ApprovalStep s = steps.get(i);
      if (s == null) {
        continue;
      }
      String at = "steps[" + i + "]";
      if (!KEY.matcher(s.name()).matches()) {
        out.add(new Violation(at + ".name", "step.name.format",
            "a step name is 1-64 characters of a-z, 0-9, '.', '_', '-': " + s.name()));
      } else if (!names.add(s.name())) {
        out.add(new Violation(at + ".name", "step.name.duplicate", "step name used twice: " + s.name()));
      }
      if (s.approvers().isEmpty()) {
        out.add(new Violation(at + ".approvers", "step.approvers.empty", "a step names its approvers"));
      }
      if (s.mode().kind() == DecisionMode.Kind.N_OF && !s.approvers().isEmpty()
          && s.approvers().stream().allMatch(a -> a instanceof Approvers.Users)) {
        long named = s.approvers().stream().flatMap(a -> ((Approvers.Users) a).ids().stream()).distinct().count();
        if (named < s.mode().n()) {
          out.add(new Violation(at + ".mode", "step.mode.unreachable", "step " + s.name() + " needs "
              + s.mode().n() + " approvals but names only " + named + " approver" + (named == 1 ? "" : "s")));
        }
      }
      if (s.skipIf() != null) {
        condition(at + ".skipIf", s.skipIf(), out);
      }
      if (s.timeLimit() != null && (s.timeLimit().isNegative() || s.timeLimit().isZero())) {
        out.add(new Violation(at + ".timeLimit", "step.timeLimit.positive",
            "a time limit is positive, not " + s.timeLimit()));
      }
      if ((s.timeLimit() == null) != (s.onExpiry() == null)) {
        out.add(new Violation(at + ".onExpiry", "step.onExpiry.pair",
            "a time limit and its action on expiry come together"));
      }
    }
    return out;
  }

  private static void condition(String path, String text, List<Violation> out) {
    for (Conditions.Issue i : Conditions.check(text)) {
      out.add(new Violation(path, "condition.invalid", i.toString()));
    }
  }
}
