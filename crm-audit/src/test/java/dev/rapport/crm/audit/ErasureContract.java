package dev.rapport.crm.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.customer.AddressInput;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.customer.CustomerPatch;
import dev.rapport.crm.interaction.Interaction;
import dev.rapport.crm.interaction.LogInteraction;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.testservers.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Erasure by crypto-shredding, checked on what a store really holds: the personal values of a data subject never
 * reach the trail's rows or documents in clear; after {@link AuditTrail#erase} no one can read them through the trail
 * either, while {@link AuditTrail#verify} still passes and other subjects stay readable. Each case works in a tenant
 * of its own on one store per class.
 */
abstract class ErasureContract extends OneStorePerClass {
  private static final AtomicInteger TENANTS = new AtomicInteger();
  private static final byte[] MASTER = Base64.getDecoder().decode("q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=");
  /** The personal values written about the subject, each of which must never be found in clear. */
  private static final List<String> PERSONAL = List.of("王小明", "Xiaoming Wang", "xiaoming.wang@example.cn",
      "+8613812345678", "13812345678", "Jiefang Road 88", "310000", "called about his divorce settlement",
      "Xiaoming asked to raise the limit", "xiaoming@private.example");

  /** Everything the store holds of the trail of {@code tenant} (its records, blocks, index and keys), as text. */
  abstract String storedTrail(TestServers.Opened opened, TenantId tenant);

  final class Tenant {
    final Actor alice = Actor.of("erasure" + TENANTS.incrementAndGet(), "alice");
    final KeyVault vault;
    final AuditTrail audit;
    final Crm crm;
    final String subject;
    final String other;
    final Instant created;

    Tenant(byte[] master) {
      vault = KeyVault.stored(master);
      audit = AuditTrail.builder().blockSize(4).erasure(vault).build();
      crm = Crm.builder().store(opened.store()).accessPolicy(AccessPolicy.allowAll()).audit(audit).clock(clock)
          .build();
      Customer c = crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "王小明")
          .email("xiaoming.wang@example.cn").phone("+86 138 1234 5678").tag("vip")
          .address(new AddressInput("CN", "Zhejiang", "Hangzhou", "Shangcheng", List.of("Jiefang Road 88"), "310000"))
          .build());
      subject = c.id();
      created = clock.instant();
      clock.advance(Duration.ofMinutes(1));
      crm.customers().update(alice, subject, CustomerPatch.builder().name("Xiaoming Wang")
          .emails("xiaoming.wang@example.cn", "xiaoming@private.example").build());
      clock.advance(Duration.ofMinutes(1));
      crm.customers().changeCreditLimit(alice, subject, Money.of("50000", "CNY"), "Xiaoming asked to raise the limit");
      crm.interactions().log(alice, new LogInteraction(subject, Interaction.Channel.PHONE,
          Interaction.Direction.INBOUND, null, "called about his divorce settlement", null, null));
      other = crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Grace Hopper")
          .email("grace@navy.example").build()).id();
    }

    String stored() {
      return storedTrail(opened, alice.tenant());
    }
  }

  static void assertNoPersonalValueIn(String stored) {
    assertThat(stored).as("the trail as stored").isNotBlank();
    for (String value : PERSONAL) {
      assertThat(stored).as("stored trail holds '%s' in clear", value).doesNotContain(value)
          .doesNotContain(escaped(value));
    }
  }

  /** {@code value} as a JSON writer that escapes non-ASCII characters would write it. */
  private static String escaped(String value) {
    StringBuilder b = new StringBuilder();
    value.codePoints().forEach(cp -> b.append(cp < 128 ? String.valueOf((char) cp) : String.format("\\u%04x", cp)));
    return b.toString();
  }

  @Test
  void personalValuesAreStoredEncryptedAndReadBackDecrypted() {
    Tenant t = new Tenant(MASTER);
    t.audit.seal(t.alice.tenant());
    String stored = t.stored();
    assertNoPersonalValueIn(stored);
    assertThat(stored).as("field paths stay readable").contains("emails").contains("creditLimit");

    List<AuditRecord> history = t.audit.history(t.alice.tenant(), HistoryQuery.forSubject(t.subject));
    assertThat(history).hasSize(4).allSatisfy(r -> assertThat(r.erased()).isFalse());
    assertThat(history).extracting(AuditRecord::resourceType)
        .containsExactly("customer", "customer", "customer", "interaction");
    assertThat(history.get(2).reason()).isEqualTo("Xiaoming asked to raise the limit");
    assertThat(history.get(1).changes()).anySatisfy(c -> {
      assertThat(c.field()).isEqualTo("emails");
      assertThat(c.added()).extracting(JsonNode::asText).containsExactly("xiaoming@private.example");
    });
    assertThat(t.audit.stateAsOf(t.alice.tenant(), "customer", t.subject, t.created).orElseThrow()
        .path("name").path("default").asText()).isEqualTo("王小明");
    // the subject key is wrapped: its raw bytes are stored nowhere
    KeyVault.SubjectKey key = t.vault.keyFor(t.alice.tenant(), t.subject);
    assertThat(stored).doesNotContain(Base64.getEncoder().encodeToString(key.key().getEncoded()));
  }

  @Test
  void afterErasureNothingPersonalIsReadableAndTheChainStillVerifies() {
    Tenant t = new Tenant(MASTER);
    t.audit.seal(t.alice.tenant());
    ObjectNode before = t.audit.exportSubject(t.alice, t.subject);
    assertThat(before.toString()).contains("王小明", "xiaoming@private.example", "called about his divorce settlement");

    AuditTrail.Erasure erasure = t.audit.erase(t.alice, t.subject, "GDPR request 2026-117");
    assertThat(erasure.keyDestroyed()).isTrue();
    assertThat(erasure.record().kind()).isEqualTo("erasure");
    t.audit.seal(t.alice.tenant());

    assertNoPersonalValueIn(t.stored());
    // through the trail's own API, with the vault that wrote them: the values are gone for good
    List<AuditRecord> history = t.audit.history(t.alice.tenant(), HistoryQuery.forSubject(t.subject));
    List<AuditRecord> personal = history.stream().filter(r -> !r.kind().equals("erasure")
        && !r.kind().equals("read")).toList();
    assertThat(personal).hasSize(4).allSatisfy(r -> {
      assertThat(r.erased()).isTrue();
      assertThat(r.reason()).isNull();
      assertThat(r.changes()).isNotEmpty().allSatisfy(c -> {
        assertThat(c.oldValue()).isNull();
        assertThat(c.newValue()).isNull();
        assertThat(c.added()).isEmpty();
      });
    });
    String exported = t.audit.exportSubject(t.alice, t.subject).toString();
    for (String value : PERSONAL) {
      assertThat(exported).doesNotContain(value);
    }
    assertThat(exported).contains("\"erased\":true");
    assertThatThrownBy(() -> t.audit.stateAsOf(t.alice.tenant(), "customer", t.subject, t.created))
        .isInstanceOf(SubjectErasedException.class).hasMessageContaining(t.subject);
    assertThat(t.vault.find(t.alice.tenant(), t.subject, "any")).isEmpty();

    // the other subject is untouched, and the whole trail still verifies
    assertThat(t.audit.versions(t.alice.tenant(), "customer", t.other)).singleElement()
        .satisfies(r -> assertThat(r.erased()).isFalse());
    assertThat(t.audit.stateAsOf(t.alice.tenant(), "customer", t.other, clock.instant()).orElseThrow()
        .path("name").path("default").asText()).isEqualTo("Grace Hopper");
    t.audit.seal(t.alice.tenant());   // the exports were recorded too
    Verification v = t.audit.verify(t.alice.tenant());
    assertThat(v.intact()).as("%s", v).isTrue();
    assertThat(v.sealed()).isEqualTo(v.records());

    // a later change about the same subject gets a new key and is readable again
    t.crm.customers().tag(t.alice, t.subject, "returning");
    assertThat(t.audit.versions(t.alice.tenant(), "customer", t.subject)).last()
        .satisfies(r -> assertThat(r.erased()).isFalse());
  }

  @Test
  void aDifferentMasterKeyCannotReadTheTrailAndSaysWhy() {
    Tenant t = new Tenant(MASTER);
    byte[] wrong = MASTER.clone();
    wrong[0] ^= 1;
    AuditTrail other = AuditTrail.builder().erasure(KeyVault.stored(wrong)).build();
    try (Crm crm = Crm.builder().store(opened.store()).accessPolicy(AccessPolicy.allowAll()).audit(other).clock(clock)
        .build()) {
      assertThatThrownBy(() -> other.history(t.alice.tenant(), HistoryQuery.forSubject(t.subject)))
          .hasMessageContaining("cannot be unwrapped").hasMessageContaining("master key");
    }
  }

  @Test
  void textNoStoreKeepsExactlyIsRefusedNamingTheArgumentAndNothingIsWritten() {
    Tenant t = new Tenant(MASTER);
    int records = t.audit.records(t.alice.tenant(), 0, 1000).size();
    record Refused(String path, String rule, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {}
    List<Refused> cases = List.of(
        new Refused("reason", "text.control", () -> t.audit.erase(t.alice, t.subject, "GDPR\u0000request")),
        new Refused("reason", "text.surrogate", () -> t.audit.erase(t.alice, t.subject, "GDPR \uD800")),
        new Refused("reason", "text.bidi", () -> t.audit.erase(t.alice, t.subject, "\u202EGDPR")),
        new Refused("subject", "text.control", () -> t.audit.erase(t.alice, t.subject + "\u0000", "GDPR")),
        new Refused("subject", "text.bidi", () -> t.audit.erase(t.alice, "\u202E" + t.subject, "GDPR")),
        new Refused("subject", "audit.subject.required", () -> t.audit.erase(t.alice, " ", "GDPR")),
        new Refused("subject", "text.surrogate", () -> t.audit.exportSubject(t.alice, t.subject + "\uDC00")),
        // a reason on core's command path is checked by core before the record reaches the trail
        new Refused("reason", "text.control", () -> t.crm.customers().changeCreditLimit(t.alice, t.subject,
            Money.of("60000", "CNY"), "raise\u0000")));
    for (Refused r : cases) {
      assertThatThrownBy(r.call()).as(r.path() + " " + r.rule())
          .isInstanceOfSatisfying(dev.rapport.crm.error.ValidationException.class,
              e -> assertThat(e.violations()).extracting(v -> v.path(), v -> v.rule())
                  .contains(org.assertj.core.api.Assertions.tuple(r.path(), r.rule())));
    }

    // nothing was written and no key destroyed: the subject still reads in clear, the trail still verifies
    assertThat(t.audit.records(t.alice.tenant(), 0, 1000)).hasSize(records);
    assertThat(t.audit.history(t.alice.tenant(), HistoryQuery.forSubject(t.subject)))
        .allSatisfy(r -> assertThat(r.erased()).isFalse());
    t.audit.seal(t.alice.tenant());
    assertThat(t.audit.verify(t.alice.tenant()).intact()).isTrue();
    // a reason in any script is kept exactly
    String reason = "GDPR 第17条 — طلب حذف 👍";
    assertThat(t.audit.erase(t.alice, t.subject, reason).record().reason()).isEqualTo(reason);
  }
}
