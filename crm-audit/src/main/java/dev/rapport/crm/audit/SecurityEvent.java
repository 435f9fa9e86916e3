package dev.rapport.crm.audit;

import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.store.TextRules;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A security event the host reports (Rapport does not authenticate): {@link AuditTrail#securityEvent} writes it to
 * the trail as a record of kind {@code security}.
 *
 * @param type what happened
 * @param userId the user it concerns (the one who tried to log in, say)
 * @param details anything else worth keeping ({@code reason: bad-password}, {@code factor: totp}); names and values
 *     up to 200 characters each, at most 20
 */
public record SecurityEvent(Type type, String userId, Map<String, String> details) {
  /** The events most hosts report. */
  public enum Type {
    LOGIN_SUCCEEDED, LOGIN_FAILED, LOGOUT, LOCKED_OUT, UNLOCKED, MFA_SUCCEEDED, MFA_FAILED, PASSWORD_CHANGED,
    PASSWORD_RESET, SESSION_REVOKED, TOKEN_ISSUED, TOKEN_REVOKED
  }

  public SecurityEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(details, "details");
    if (userId.isBlank() || userId.length() > 128) {
      throw ValidationException.of("securityEvent.userId", "securityEvent.userId",
          "user id must be 1-128 non-blank characters");
    }
    TextRules.require("securityEvent.userId", userId);
    if (details.size() > 20) {
      throw ValidationException.of("securityEvent.details", "securityEvent.details.size",
          "at most 20 details, not " + details.size());
    }
    details.forEach((k, v) -> {
      Objects.requireNonNull(k, "securityEvent.details: a name");
      String path = "securityEvent.details." + TextRules.sanitized(k, 40);
      if (k.isEmpty() || k.length() > 200 || v == null || v.length() > 200) {
        throw ValidationException.of(path, "securityEvent.details.length",
            "a detail's name must be 1-200 characters and its value 0-200");
      }
      TextRules.require(path, k);
      TextRules.require(path, v);
    });
    details = Map.copyOf(new TreeMap<>(details));
  }

  public static SecurityEvent of(Type type, String userId) {
    return new SecurityEvent(type, userId, Map.of());
  }

  public SecurityEvent with(String name, String value) {
    Map<String, String> more = new TreeMap<>(details);
    more.put(name, value);
    return new SecurityEvent(type, userId, more);
  }
}
