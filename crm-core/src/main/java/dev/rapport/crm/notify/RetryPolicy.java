package dev.rapport.crm.notify;

import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How an {@link OutboxRelay} retries an event a notifier failed to deliver: after the n-th failure it waits
 * {@code initialBackoff * multiplier^(n-1)}, at most {@code maxBackoff}; after {@code maxAttempts} failed attempts
 * the event is dead-lettered and delivery moves on. No jitter: each notifier has a single relay at a time, so
 * there is no herd to spread.
 *
 * <pre>{@code
 * RetryPolicy p = RetryPolicy.ofDefaults().withMaxAttempts(12);   // 1s, 2s, 4s, ... 5min
 * }</pre>
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {

  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    List<Violation> v = new ArrayList<>();
    if (maxAttempts < 1) {
      v.add(new Violation("maxAttempts", "retry.maxAttempts.min", "maxAttempts must be at least 1"));
    }
    if (initialBackoff.isNegative()) {
      v.add(new Violation("initialBackoff", "retry.initialBackoff.negative", "initialBackoff must not be negative"));
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      v.add(new Violation("multiplier", "retry.multiplier.min", "multiplier must be a finite number >= 1"));
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      v.add(new Violation("maxBackoff", "retry.maxBackoff.min", "maxBackoff must not be shorter than initialBackoff"));
    }
    if (!v.isEmpty()) {
      throw new ValidationException(v);
    }
  }

  /** 8 attempts, waiting 1s, 2s, 4s, ... at most 5 minutes between attempts. */
  public static RetryPolicy ofDefaults() {
    return new RetryPolicy(8, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5));
  }

  /** The wait after {@code failedAttempts} consecutive failures (at least 1). */
  public Duration backoffAfter(int failedAttempts) {
    if (failedAttempts < 1) {
      throw new IllegalArgumentException("failedAttempts must be at least 1: " + failedAttempts);
    }
    double nanos = initialBackoff.toNanos() * Math.pow(multiplier, failedAttempts - 1.0);
    if (!(nanos < maxBackoff.toNanos())) {
      return maxBackoff;
    }
    return Duration.ofNanos((long) nanos);
  }

  public RetryPolicy withMaxAttempts(int value) {
    return new RetryPolicy(value, initialBackoff, multiplier, maxBackoff);
  }

  public RetryPolicy withInitialBackoff(Duration value) {
    return new RetryPolicy(maxAttempts, value, multiplier, maxBackoff);
  }

  public RetryPolicy withMultiplier(double value) {
    return new RetryPolicy(maxAttempts, initialBackoff, value, maxBackoff);
  }

  public RetryPolicy withMaxBackoff(Duration value) {
    return new RetryPolicy(maxAttempts, initialBackoff, multiplier, value);
  }
}
