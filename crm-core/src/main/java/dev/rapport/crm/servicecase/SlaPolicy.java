package dev.rapport.crm.servicecase;

import dev.rapport.crm.error.ValidationException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** How long a case of each priority may stay unresolved. */
public record SlaPolicy(Map<ServiceCase.Priority, Duration> resolveWithin) {
  public SlaPolicy {
    for (ServiceCase.Priority p : ServiceCase.Priority.values()) {
      Duration d = resolveWithin.get(p);
      if (d == null || d.isNegative() || d.isZero()) {
        throw ValidationException.of("resolveWithin." + p, "sla.duration", "every priority needs a positive duration");
      }
    }
    resolveWithin = Map.copyOf(new EnumMap<>(resolveWithin));
  }

  /** URGENT 4 hours, HIGH 1 day, NORMAL 3 days, LOW 7 days. */
  public static SlaPolicy standard() {
    return new SlaPolicy(Map.of(ServiceCase.Priority.URGENT, Duration.ofHours(4),
        ServiceCase.Priority.HIGH, Duration.ofDays(1),
        ServiceCase.Priority.NORMAL, Duration.ofDays(3),
        ServiceCase.Priority.LOW, Duration.ofDays(7)));
  }

  public Duration of(ServiceCase.Priority priority) {
    return resolveWithin.get(priority);
  }
}
