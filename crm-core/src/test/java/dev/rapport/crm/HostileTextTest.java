package dev.rapport.crm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.customer.CustomerPatch;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.TextRules;
import dev.rapport.crm.store.memory.InMemoryStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Text no store can keep exactly is refused up front, naming the field, on every way in (create, update, upsert,
 * every criteria form, a get by id); everything else is stored and matched exactly. The per-store half (the same
 * values on PostgreSQL, MariaDB, H2, MongoDB) is the stores' business once core refuses these.
 */
class HostileTextTest {
  private final InMemoryStore store = InMemoryStore.create();
  private final Crm crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll())
      .audit(AuditRecorder.none()).build();
  private final Actor alice = Actor.of("acme", "alice");

  /** Each hostile value with the rule that refuses it. */
  static List<Object[]> hostile() {
    return List.of(
        new Object[] {"a\uD800b", "text.surrogate"},          // lone high surrogate
        new Object[] {"a\uDC00b", "text.surrogate"},          // lone low surrogate
        new Object[] {"\uDC00\uD800", "text.surrogate"},      // a pair in the wrong order
        new Object[] {"a\u0000b", "text.control"},            // NUL
        new Object[] {"bell\u0007", "text.control"},
        new Object[] {"esc\u001B[31m", "text.control"},
        new Object[] {"del\u007F", "text.control"},
        new Object[] {"next\u0085line", "text.control"},      // C1
        new Object[] {"evil\u202Etxt.exe", "text.bidi"},     // RIGHT-TO-LEFT OVERRIDE
        new Object[] {"\u2066isolate\u2069", "text.bidi"},
        new Object[] {"mark\u200F", "text.bidi"},
        new Object[] {"mark\u061C", "text.bidi"});                 // ARABIC LETTER MARK
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void aCreateIsRefusedNamingTheFieldAndNothingIsWritten(String value, String rule) {
    long changes = store.changes(alice.tenant(), 0, 1000).size();
    assertRefused(() -> crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Ada " + value)
        .build()), "name.default", rule);
    assertRefused(() -> crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Ada")
        .team(value).build()), "team", rule);
    assertRefused(() -> crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Ada")
        .externalRef("SAP", value).build()), "externalRefs.SAP", rule);
    assertThat(store.changes(alice.tenant(), 0, 1000)).hasSize((int) changes);
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void anUpdateAnUpsertAndAReasonAreRefusedAndTheRecordStaysAsItWas(String value, String rule) {
    Customer c = crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Ada").build());
    assertRefused(() -> crm.customers().update(alice, c.id(), CustomerPatch.builder().region(value).build()),
        "region", rule);
    // refused before the reference is looked up (PostgreSQL would fail on a NUL in the lookup)
    assertRefused(() -> crm.customers().upsertByExternalRef(alice, "SAP", value,
        CustomerData.builder(CustomerKind.PERSON, "Ada").build()), CustomerFields.EXTERNAL_REFS, rule);
    assertRefused(() -> crm.customers().changeStage(alice, c.id(), "PROSPECT", "because " + value), "reason", rule);
    assertThat(crm.customers().require(alice, c.id()).version()).isEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void everyCriteriaFormAndAGetByIdAreRefusedNamingTheField(String value, String rule) {
    String field = "criteria." + CustomerFields.NAME;
    assertRefused(() -> crm.customers().count(alice, Criteria.eq(CustomerFields.NAME, value)), field, rule);
    assertRefused(() -> crm.customers().count(alice, Criteria.gt(CustomerFields.NAME, value)), field, rule);
    assertRefused(() -> crm.customers().count(alice, Criteria.lt(CustomerFields.NAME, value)), field, rule);
    assertRefused(() -> crm.customers().count(alice, Criteria.in(CustomerFields.NAME, List.of("Ada", value))),
        field, rule);
    assertRefused(() -> crm.customers().count(alice, Criteria.prefix(CustomerFields.NAME, value)), field, rule);
    assertRefused(() -> crm.customers().find(alice, Query.of(Criteria.not(Criteria.eq(CustomerFields.NAME, value)),
        Sort.byId(), 10)), field, rule);
    assertRefused(() -> crm.customers().get(alice, value), "id", rule);
    assertRefused(() -> crm.customers().delete(alice, value, null), "id", rule);
  }

  @Test
  void everyOtherTextIsStoredAndMatchedExactly() {
    List<String> fine = List.of("王伟", "佐藤 翔太", "Zoë Ω", "e\u0301cole", "👩\u200D👩\u200D👧 family",
        "עברית", "العربية", "edge\uFFFF", "plane16\uDBFF\uDFFF", "x".repeat(100));
    for (String name : fine) {
      Customer c = crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, name).team(name.strip())
          .build());
      // names are kept in NFC (documented on LocalizedText): canonically the same text, and the form search uses
      String nfc = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFC);
      assertThat(crm.customers().require(alice, c.id()).name().defaultValue()).isEqualTo(nfc);
      assertThat(crm.customers().require(alice, c.id()).team()).isEqualTo(name);
      assertThat(crm.customers().count(alice, Criteria.eq(CustomerFields.NAME, nfc))).as(name).isEqualTo(1);
    }
  }

  @Test
  void charactersAreNamedByCodePointNotByUtf16Half() {
    assertThat(TextRules.describe("😀".codePointAt(0))).isEqualTo("U+1F600 '😀'");
    assertThat(TextRules.describe(0x202E)).isEqualTo("U+202E");
    assertThatThrownBy(() -> crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "Ada")
        .email("ada@exa😀mple.com").build()))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
            .extracting(Violation::message).anySatisfy(m -> assertThat(m).contains("U+1F600").doesNotContain("D83D")));
  }

  private static void assertRefused(Runnable attempt, String path, String rule) {
    assertThatThrownBy(attempt::run).isInstanceOfSatisfying(ValidationException.class, e ->
        assertThat(e.violations()).as(e.getMessage()).anySatisfy(v -> {
          assertThat(v.path()).isEqualTo(path);
          assertThat(v.rule()).isEqualTo(rule);
        }));
  }
}
