package dev.rapport.crm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MutableClockTest {

  @Test
  void standsStillUntilMoved() {
    MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    assertThat(clock.instant()).isEqualTo(clock.instant()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));

    assertThat(clock.advance(Duration.ofMinutes(5))).isEqualTo(Instant.parse("2030-01-01T00:05:00Z"));
    clock.set(Instant.parse("2029-12-31T23:00:00Z"));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2029-12-31T23:00:00Z"));
  }

  @Test
  void zonedViewsShareTheTime() {
    MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    Clock shanghai = clock.withZone(ZoneId.of("Asia/Shanghai"));
    clock.advance(Duration.ofHours(1));

    assertThat(shanghai.instant()).isEqualTo(clock.instant());
    assertThat(shanghai.getZone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
    assertThat(clock.getZone()).isEqualTo(ZoneId.of("Z"));
  }

  @Test
  void concurrentAdvancesAreNotLost() throws InterruptedException {
    MutableClock clock = MutableClock.at("2030-01-01T00:00:00Z");
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 1000; i++) {
          clock.advance(Duration.ofMillis(1));
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertThat(clock.instant()).isEqualTo(Instant.parse("2030-01-01T00:00:08Z"));
  }
}
