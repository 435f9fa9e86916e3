package dev.rapport.crm.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

/**
 * Acceptance: generated invalid commands each fail with a {@link ValidationException} that carries every violation
 * with its field path, and the store is unchanged afterwards.
 */
class InvalidCommandsPropertyTest {

  /** A mutable copy of {@link CustomerData}'s components, so a corruption can change one of them. */
  static final class Draft {
    CustomerKind kind = CustomerKind.PERSON;
    String name = "Jürgen Groß";
    Map<String, String> localizedNames = new LinkedHashMap<>(Map.of("zh-Hans", "于尔根"));
    List<String> emails = new ArrayList<>(List.of("juergen@example.de"));
    List<String> phones = new ArrayList<>(List.of("+49 30 901820"));
    @Nullable String phoneRegion = "DE";
    List<AddressInput> addresses = new ArrayList<>(List.of(
        new AddressInput("DE", null, "Berlin", null, List.of("Hauptstraße 5"), "10115")));
    List<ContactPersonInput> persons = new ArrayList<>();
    List<String> tags = new ArrayList<>(List.of("segment/smb"));
    @Nullable String stage;
    @Nullable String grade = "B";
    CustomerData.@Nullable MoneyInput credit = new CustomerData.MoneyInput(new BigDecimal("1000"), "EUR");
    Map<String, String> refs = new LinkedHashMap<>();
    Map<String, Object> custom = new LinkedHashMap<>();
    Map<String, Boolean> consents = new LinkedHashMap<>();

    CustomerData toData() {
      return new CustomerData(kind, name, localizedNames, emails, phones, phoneRegion, addresses, persons, tags, stage,
          grade, null, null, null, null, credit, refs, custom, consents);
    }
  }

  /** One way to break a command, and the field path its violation must name. */
  enum Corruption {
    BLANK_NAME("name", d -> d.name = "  "),
    LONG_NAME("name", d -> d.name = "x".repeat(301)),
    BAD_LOCALE("name", d -> d.localizedNames.put("xx-!!", "bad")),
    BAD_EMAIL("emails[1]", d -> d.emails.add("two@@example.com")),
    EMAIL_TOO_LONG("emails[1]", d -> d.emails.add("a".repeat(65) + "@example.com")),
    DUPLICATE_EMAIL("emails[1]", d -> d.emails.add("juergen@EXAMPLE.de")),
    BAD_PHONE("phones[1]", d -> d.phones.add("12")),
    PHONE_WITH_EXTENSION("phones[1]", d -> d.phones.add("+49 30 901820 ext. 12")),
    BAD_REGION_FORMAT("phoneRegion", d -> d.phoneRegion = "germany"),
    BAD_COUNTRY("addresses[1].country", d -> d.addresses.add(new AddressInput("ZZ", null, "X", null, List.of("a"), "1"))),
    BAD_POSTCODE("addresses[1].postalCode", d -> d.addresses.add(
        new AddressInput("DE", null, "München", null, List.of("Marienplatz 1"), "8000"))),
    CN_MISSING_DISTRICT("addresses[1].district", d -> d.addresses.add(
        new AddressInput("CN", "上海市", "上海市", null, List.of("世纪大道 100 号"), "200120"))),
    PERSON_WITH_CONTACTS("contactPersons", d -> d.persons.add(ContactPersonInput.of("Anna", null, List.of(), List.of()))),
    EMPTY_TAG_SEGMENT("tags[1]", d -> d.tags.add("segment//vip")),
    TAG_TOO_DEEP("tags[1]", d -> d.tags.add("a/b/c/d/e/f/g/h/i")),
    UNKNOWN_STAGE("stage", d -> d.stage = "WHATEVER"),
    GRADE_TOO_LONG("grade", d -> d.grade = "G".repeat(21)),
    BAD_CURRENCY("creditLimit.currency", d -> d.credit = new CustomerData.MoneyInput(BigDecimal.ONE, "EURO")),
    NEGATIVE_CREDIT("creditLimit", d -> d.credit = new CustomerData.MoneyInput(new BigDecimal("-1"), "EUR")),
    TOO_PRECISE_CREDIT("creditLimit", d -> d.credit = new CustomerData.MoneyInput(new BigDecimal("1.001"), "EUR")),
    UNKNOWN_CUSTOM_FIELD("customFields.colour", d -> d.custom.put("colour", "red")),
    BAD_EXTERNAL_SYSTEM("externalRefs", d -> d.refs.put("SAP R/3", "1")),
    BAD_CONSENT_PURPOSE("consents", d -> d.consents.put("Marketing Email", true));

    final String path;
    final Consumer<Draft> apply;

    Corruption(String path, Consumer<Draft> apply) {
      this.path = path;
      this.apply = apply;
    }

    String component() {
      return name().endsWith("_NAME") ? "name" : name().endsWith("_CREDIT") || name().endsWith("_CURRENCY") ? "credit"
          : name();
    }
  }

  private static String unindexed(String path) {
    return path.replaceAll("\\[\\d+]", "[]");
  }

  @Provide
  Arbitrary<List<Corruption>> corruptions() {
    // corruptions that overwrite the same component would hide each other: at most one per component
    return Arbitraries.of(Corruption.class).list().ofMinSize(1).ofMaxSize(5).uniqueElements(Corruption::component);
  }

  @Property(tries = 250)
  void everyInvalidCommandFailsWithAllItsViolationsAndWritesNothing(
      @ForAll("corruptions") List<Corruption> corruptions) {
    CustomerFixture f = new CustomerFixture();
    f.customers().create(f.alice, new Draft().toData()); // the uncorrupted draft is valid
    int changesBefore = f.changeCount();
    int eventsBefore = f.events.size();

    Draft draft = new Draft();
    corruptions.forEach(c -> c.apply.accept(draft));
    ValidationException e = catchThrowableOfType(ValidationException.class,
        () -> f.customers().create(f.alice, draft.toData()));

    assertThat(e).as("a command corrupted by %s must be rejected", corruptions).isNotNull();
    // list positions depend on which corruptions appended first: compare paths with positions left out
    List<String> paths = e.violations().stream().map(v -> unindexed(v.path())).toList();
    for (Corruption c : corruptions) {
      String expected = unindexed(c.path);
      assertThat(paths).as("violations of %s", corruptions).anyMatch(p -> p.equals(expected)
          || p.startsWith(expected + ".") || p.startsWith(expected + "["));
    }
    assertThat(f.changeCount()).isEqualTo(changesBefore);
    assertThat(f.events).hasSize(eventsBefore);
    assertThat(f.customers().count(f.alice, dev.rapport.crm.query.Criteria.all())).isEqualTo(1);
  }
}
