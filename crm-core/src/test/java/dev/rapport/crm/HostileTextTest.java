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
  void everyPartOfAnActorIsTextEveryStoreKeeps() {
    record Case(String path, String rule, org.assertj.core.api.ThrowableAssert.ThrowingCallable make) {}
    for (Case c : java.util.List.of(
        new Case("actor.userId", "text.control", () -> Actor.of("acme", "al\u0000ice")),
        new Case("actor.userId", "text.bidi", () -> Actor.of("acme", "al\u202Eice")),
        new Case("actor.onBehalfOf", "text.surrogate", () -> alice.onBehalfOf("b\uD800ob")),
        new Case("actor.onBehalfOf", "actor.userId", () -> alice.onBehalfOf(" ")),
        new Case("actor.roles", "text.bidi", () -> alice.withRoles("sales\u202E")),
        new Case("actor.attributes", "text.control", () -> alice.withAttribute("re\u0007gion", "CN")),
        new Case("actor.attributes.region", "text.surrogate", () -> alice.withAttribute("region", "CN\uDC00")))) {
      assertThatThrownBy(c.make()).as(c.path()).isInstanceOfSatisfying(ValidationException.class,
          e -> assertThat(e.violations()).extracting(Violation::path, Violation::rule)
              .containsExactly(org.assertj.core.api.Assertions.tuple(c.path(), c.rule())));
    }
    Actor wang = Actor.of("acme", "王芳").withRoles("销售").withAttribute("区域", "华东").onBehalfOf("محمد");
    assertThat(wang.attribute("区域")).contains("华东");
  }

  @Test
  void aCommandsReasonIsCheckedBeforeAnyRefusalRecordsIt() {
    java.util.List<dev.rapport.crm.recording.AuditEntry> recorded = new java.util.ArrayList<>();
    InMemoryStore store = InMemoryStore.create();
    String id = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll()).audit(AuditRecorder.none()).build()
        .customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Ada").build()).id();
    Crm denying = Crm.builder().store(store).accessPolicy(new AccessPolicy() {
      @Override
      public dev.rapport.crm.access.Decision check(Actor actor, dev.rapport.crm.access.Action action,
                                                   dev.rapport.crm.access.Resource resource) {
        return action == dev.rapport.crm.access.Action.VIEW ? dev.rapport.crm.access.Decision.allow("see")
            : dev.rapport.crm.access.Decision.deny("nobody");
      }

      @Override
      public dev.rapport.crm.access.DataFilter filter(Actor actor, dev.rapport.crm.access.Action action,
                                                      dev.rapport.crm.access.ResourceType type) {
        return dev.rapport.crm.access.DataFilter.always();
      }
    }).audit(entry -> {
      recorded.add(entry);
      return java.util.List.of();
    }).build();
    assertThatThrownBy(() -> denying.customers().changeCreditLimit(alice, id,
        dev.rapport.crm.money.Money.of("10", "CNY"), "a\uD800b"))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(Violation::path, Violation::rule)
            .containsExactly(org.assertj.core.api.Assertions.tuple("reason", "text.surrogate")));
    assertThat(recorded).isEmpty();
    // with a clean reason, the refusal is recorded as ever
    assertThatThrownBy(() -> denying.customers().changeCreditLimit(alice, id,
        dev.rapport.crm.money.Money.of("10", "CNY"), "ab"))
        .isInstanceOf(dev.rapport.crm.error.AccessDeniedException.class);
    assertThat(recorded).isNotEmpty();
  }

  @Test
  void errorTextFromOthersIsCleanedAndCutWithoutSplittingAPair() {
    assertThat(TextRules.sanitized("a\u0000b\uD800c\u202Ed", 100)).isEqualTo("a\uFFFDb\uFFFDc\uFFFDd");
    assertThat(TextRules.sanitized("ab😀", 3)).isEqualTo("ab");
    assertThat(TextRules.sanitized("ab😀", 4)).isEqualTo("ab😀");
    assertThat(TextRules.check("x", TextRules.sanitized("e\u0007\uDC00", 10))).isEmpty();
  }
}
