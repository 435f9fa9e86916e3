package dev.rapport.crm.access;

import java.util.List;

/** An authorization decision with the ids of the rules that decided it. */
public record Decision(boolean allowed, List<String> decidingRules) {
  public Decision {
    decidingRules = List.copyOf(decidingRules);
  }

  public static Decision allow(String... rules) {
    return new Decision(true, List.of(rules));
  }

  public static Decision deny(String... rules) {
    return new Decision(false, List.of(rules));
  }
}
