package dev.rapport.crm.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.error.ValidationException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void backoffGrowsExponentiallyUpToTheCap() {
    RetryPolicy p = RetryPolicy.ofDefaults();
    assertThat(p.backoffAfter(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.backoffAfter(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.backoffAfter(5)).isEqualTo(Duration.ofSeconds(16));
    assertThat(p.backoffAfter(9)).isEqualTo(Duration.ofSeconds(256));
    assertThat(p.backoffAfter(10)).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.backoffAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(5));
    assertThat(p.withMultiplier(1.5).backoffAfter(3)).isEqualTo(Duration.ofMillis(2250));
  }

  @Test
  void rejectsEveryBadSettingAtOnce() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofSeconds(-1), 0.5, Duration.ofSeconds(-2)))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(ValidationException.Violation::path)
            .containsExactlyInAnyOrder("maxAttempts", "initialBackoff", "multiplier", "maxBackoff"));
    assertThatThrownBy(() -> RetryPolicy.ofDefaults().withMultiplier(Double.NaN))
        .isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> RetryPolicy.ofDefaults().backoffAfter(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
