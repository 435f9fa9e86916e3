package dev.rapport.crm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.TextRules;
import dev.rapport.crm.store.memory.InMemoryStore;
import org.junit.jupiter.api.Test;

/**
 * The parts of the text rules the test kit's {@code HostileTextContract} does not reach (it runs the whole corpus
 * through {@code Crm} on every store): how characters are named, and the text Rapport writes from others' words.
 */
class HostileTextTest {
  private final Crm crm = Crm.builder().store(InMemoryStore.create()).accessPolicy(AccessPolicy.allowAll())
      .audit(AuditRecorder.none()).build();
  private final Actor alice = Actor.of("acme", "alice");

  @Test
  void charactersAreNamedByCodePointNotByUtf16Half() {
    assertThat(TextRules.describe("😀".codePointAt(0))).isEqualTo("U+1F600 '😀'");
    assertThat(TextRules.describe(0x202E)).isEqualTo("U+202E");
    assertThatThrownBy(() -> crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Ada")
        .email("ada@exa😀mple.com").build()))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(Violation::message).anySatisfy(m -> assertThat(m).contains("U+1F600").doesNotContain("D83D")));
  }

  @Test
  void errorTextFromOthersIsCleanedAndCutWithoutSplittingAPair() {
    assertThat(TextRules.sanitized("a\u0000b\uD800c\u202Ed", 100)).isEqualTo("a\uFFFDb\uFFFDc\uFFFDd");
    assertThat(TextRules.sanitized("ab😀", 3)).isEqualTo("ab");
    assertThat(TextRules.sanitized("ab😀", 4)).isEqualTo("ab😀");
    assertThat(TextRules.check("x", TextRules.sanitized("e\u0007\uDC00", 10))).isEmpty();
  }
}
