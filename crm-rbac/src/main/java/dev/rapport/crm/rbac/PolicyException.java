package dev.rapport.crm.rbac;

import java.util.List;
import java.util.stream.Collectors;

/** A policy set that does not load: every error found, each with its location. */
public final class PolicyException extends RuntimeException {
  private final List<PolicyProblem> problems;

  public PolicyException(List<PolicyProblem> problems) {
    super(problems.stream().filter(p -> p.severity() == PolicyProblem.Severity.ERROR).count()
        + " error(s) in the access policy:\n  "
        + problems.stream().map(PolicyProblem::toString).collect(Collectors.joining("\n  ")));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found: the errors, and the warnings found with them. */
  public List<PolicyProblem> problems() {
    return problems;
  }

  public List<PolicyProblem> errors() {
    return problems.stream().filter(p -> p.severity() == PolicyProblem.Severity.ERROR).toList();
  }
}
