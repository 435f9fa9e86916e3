package dev.rapport.crm.rbac;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One thing wrong (an error: the policy set is refused) or suspicious (a warning: it loads) in a policy set, with
 * where it is: the source (a file name, or {@code builder}), the line when the source is a file, and the rule or role
 * it is about.
 *
 * @param line 1-based, 0 when not known (builder input)
 * @param subject the rule id, role or assignment the problem is about, or null
 */
public record PolicyProblem(Severity severity, String source, int line, @Nullable String subject, String message) {
  public enum Severity { ERROR, WARNING }

  public PolicyProblem {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return source + (line > 0 ? ":" + line : "") + (subject != null ? " [" + subject + "]" : "") + " "
        + severity.name().toLowerCase(java.util.Locale.ROOT) + ": " + message;
  }
}
