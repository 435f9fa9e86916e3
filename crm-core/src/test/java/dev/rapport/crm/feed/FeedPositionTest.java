package dev.rapport.crm.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.error.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FeedPositionTest {

  @Test
  void aPositionSurvivesItsTokenAndStartsAtZero() {
    for (long p : new long[] {0, 1, 42, Long.MAX_VALUE}) {
      assertThat(FeedPosition.decode(new FeedPosition(p).encode())).isEqualTo(new FeedPosition(p));
    }
    assertThat(FeedPosition.start().value()).isZero();
    assertThat(new FeedPosition(42).encode()).matches("[A-Za-z0-9]+");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "p", "42", "p-1", "p+1", "p 1", "p1.0", "p9223372036854775808", "q42", "p٣"})
  void anythingButATokenIsRefused(String token) {
    assertThatThrownBy(() -> FeedPosition.decode(token)).isInstanceOfSatisfying(ValidationException.class,
        e -> assertThat(e.violations().get(0).rule()).isEqualTo("position.invalid"));
  }

  @Test
  void aNegativePositionDoesNotExist() {
    assertThatThrownBy(() -> new FeedPosition(-1)).isInstanceOfSatisfying(ValidationException.class,
        e -> assertThat(e.violations().get(0).rule()).isEqualTo("position.range"));
  }
}
