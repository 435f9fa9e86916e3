package dev.rapport.crm.lifecycle;

import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.CriteriaEvaluator;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A lifecycle state machine: its stages, the initial stage and the allowed transitions with their guards. Each
 * tenant may configure its own; {@link #standard()} is LEAD → PROSPECT → ACTIVE → AT_RISK → CHURNED with
 * reactivation.
 *
 * <pre>{@code
 * Lifecycle lc = Lifecycle.builder("NEW")
 *     .transition(Transition.of("NEW", "QUALIFIED").guardedBy(Criteria.exists("owner")))
 *     .transition(Transition.of("QUALIFIED", "WON"))
 *     .build();
 * }</pre>
 */
public record Lifecycle(String initial, Set<String> stages, List<Transition> transitions) {
  private static final Pattern STAGE = Pattern.compile("[A-Z][A-Z0-9_]{0,39}");

  public Lifecycle {
    Objects.requireNonNull(initial, "initial");
    stages = Set.copyOf(stages);
    transitions = List.copyOf(transitions);
    List<ValidationException.Violation> v = new ArrayList<>();
    for (String s : stages) {
      if (!STAGE.matcher(s).matches()) {
        v.add(new ValidationException.Violation("lifecycle.stages", "stage.name", "stage names are UPPER_SNAKE identifiers: " + s));
      }
    }
    if (!stages.contains(initial)) {
      v.add(new ValidationException.Violation("lifecycle.initial", "stage.unknown", "initial stage is not a stage: " + initial));
    }
    Set<String> seen = new LinkedHashSet<>();
    for (Transition t : transitions) {
      if (!stages.contains(t.from()) || !stages.contains(t.to())) {
        v.add(new ValidationException.Violation("lifecycle.transitions", "stage.unknown",
            "transition " + t.from() + " -> " + t.to() + " names an unknown stage"));
      }
      if (!seen.add(t.from() + ">" + t.to())) {
        v.add(new ValidationException.Violation("lifecycle.transitions", "transition.duplicate",
            "transition " + t.from() + " -> " + t.to() + " is declared twice"));
      }
    }
    if (!v.isEmpty()) {
      throw new ValidationException(v);
    }
  }

  /** LEAD → PROSPECT → ACTIVE ⇄ AT_RISK → CHURNED, ACTIVE → CHURNED, reactivation CHURNED → ACTIVE with a reason. */
  public static Lifecycle standard() {
    return builder("LEAD")
        .transition(Transition.of("LEAD", "PROSPECT"))
        .transition(Transition.of("LEAD", "CHURNED").withReasonRequired())
        .transition(Transition.of("PROSPECT", "ACTIVE"))
        .transition(Transition.of("PROSPECT", "CHURNED").withReasonRequired())
        .transition(Transition.of("ACTIVE", "AT_RISK"))
        .transition(Transition.of("AT_RISK", "ACTIVE"))
        .transition(Transition.of("AT_RISK", "CHURNED").withReasonRequired())
        .transition(Transition.of("ACTIVE", "CHURNED").withReasonRequired())
        .transition(Transition.of("CHURNED", "ACTIVE").withReasonRequired())
        .build();
  }

  public static Builder builder(String initial) {
    return new Builder(initial);
  }

  public Optional<Transition> transition(String from, String to) {
    return transitions.stream().filter(t -> t.from().equals(from) && t.to().equals(to)).findFirst();
  }

  /** The stages reachable from {@code from} in one step. */
  public List<String> next(String from) {
    return transitions.stream().filter(t -> t.from().equals(from)).map(Transition::to).toList();
  }

  /**
   * Checks a move: the transition exists, its guard holds for the record's index values, and a reason is given when
   * required. Throws a {@link ValidationException} naming the rule otherwise.
   */
  public Transition check(String from, String to, @Nullable String reason, Function<String, List<Object>> values) {
    if (!stages.contains(to)) {
      throw ValidationException.of("stage", "stage.unknown", "unknown stage " + to + "; stages are " + new java.util.TreeSet<>(stages));
    }
    Transition t = transition(from, to).orElseThrow(() -> ValidationException.of("stage", "stage.transition",
        "no transition from " + from + " to " + to + "; allowed: " + next(from)));
    List<ValidationException.Violation> v = new ArrayList<>();
    if (!(t.guard() instanceof Criteria.All) && !CriteriaEvaluator.matches(t.guard(), values)) {
      v.add(new ValidationException.Violation("stage", "stage.guard",
          "the guard of " + from + " -> " + to + " does not hold: " + t.guard()));
    }
    if (t.reasonRequired() && (reason == null || reason.isBlank())) {
      v.add(new ValidationException.Violation("reason", "stage.reason",
          "moving from " + from + " to " + to + " requires a reason"));
    }
    if (!v.isEmpty()) {
      throw new ValidationException(v);
    }
    return t;
  }

  public static final class Builder {
    private final String initial;
    private final Set<String> stages = new LinkedHashSet<>();
    private final List<Transition> transitions = new ArrayList<>();

    private Builder(String initial) {
      this.initial = initial;
      stages.add(initial);
    }

    public Builder stage(String stage) {
      stages.add(stage);
      return this;
    }

    /** Adds the transition and its two stages. */
    public Builder transition(Transition t) {
      stages.add(t.from());
      stages.add(t.to());
      transitions.add(t);
      return this;
    }

    public Lifecycle build() {
      return new Lifecycle(initial, stages, transitions);
    }
  }

}
