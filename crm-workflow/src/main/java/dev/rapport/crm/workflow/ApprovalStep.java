package dev.rapport.crm.workflow;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One step of an {@link ApprovalDefinition}: who decides ({@link Approvers}, their union), how the votes decide it
 * ({@link DecisionMode}), a condition under which it is skipped, and a time limit with what happens when it passes.
 *
 * @param skipIf a CEL condition (see {@link ApprovalDefinition}); when met as the step starts, the step is skipped
 * @param timeLimit how long the step may stay undecided, null for no limit
 * @param onExpiry what the timer sweep does once {@code timeLimit} has passed; required with a time limit
 */
public record ApprovalStep(String name, List<Approvers> approvers, DecisionMode mode, @Nullable String skipIf,
                           @Nullable Duration timeLimit, @Nullable OnExpiry onExpiry) {
  public ApprovalStep {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mode, "mode");
    approvers = List.copyOf(approvers);
  }

  /** A step decided by {@code approvers}, any one of them deciding. */
  public static Builder named(String name) {
    return new Builder(name);
  }

  public static final class Builder {
    private final String name;
    private final java.util.ArrayList<Approvers> approvers = new java.util.ArrayList<>();
    private DecisionMode mode = DecisionMode.any();
    private @Nullable String skipIf;
    private @Nullable Duration timeLimit;
    private @Nullable OnExpiry onExpiry;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    public Builder approvers(Approvers... more) {
      approvers.addAll(List.of(more));
      return this;
    }

    public Builder mode(DecisionMode value) {
      mode = Objects.requireNonNull(value, "mode");
      return this;
    }

    /** Skipped when this CEL condition is met as the step starts. */
    public Builder skipIf(String condition) {
      skipIf = Objects.requireNonNull(condition, "condition");
      return this;
    }

    /** After {@code limit} undecided, the timer sweep does {@code action}. */
    public Builder timeLimit(Duration limit, OnExpiry action) {
      timeLimit = Objects.requireNonNull(limit, "limit");
      onExpiry = Objects.requireNonNull(action, "action");
      return this;
    }

    public ApprovalStep build() {
      return new ApprovalStep(name, approvers, mode, skipIf, timeLimit, onExpiry);
    }
  }
}
