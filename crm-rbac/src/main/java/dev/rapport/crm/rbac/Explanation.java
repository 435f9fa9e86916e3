package dev.rapport.crm.rbac;

import dev.rapport.crm.access.Decision;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Why a decision came out as it did, and why not: the decision itself, the roles the actor held, and every rule
 * about the resource type and action with what it did — the deciding rules first, then the nearest permits that did
 * not apply (held roles first) with the parts of their conditions that failed.
 */
public record Explanation(Decision decision, List<String> roles, List<RuleOutcome> rules) {
  public Explanation {
    roles = List.copyOf(roles);
    rules = List.copyOf(rules);
  }

  /** What happened to one rule. */
  public enum Outcome {
    /** The rule applied (a permit that allowed, a forbid that denied). */
    APPLIED,
    /** The actor does not hold a role the rule belongs to. */
    ROLE_NOT_HELD,
    /** The actor holds the role only for other records (a scoped assignment). */
    OUT_OF_SCOPE,
    /** The condition was false. */
    CONDITION_FALSE,
    /** The condition could not be evaluated (a subject attribute missing): a permit does not apply, a forbid denies. */
    UNDECIDABLE
  }

  /**
   * @param role the role the rule belongs to, or null for a policy
   * @param condition the rule's CEL condition, or null
   * @param failing the parts of the condition (its top-level conjuncts) that were false or undecidable
   */
  public record RuleOutcome(String ruleId, Rule.Effect effect, @Nullable String role, @Nullable String condition,
                            Outcome outcome, List<String> failing) {
    public RuleOutcome {
      failing = List.copyOf(failing);
    }
  }

  /** Whether the decision allowed. */
  public boolean allowed() {
    return decision.allowed();
  }
}
