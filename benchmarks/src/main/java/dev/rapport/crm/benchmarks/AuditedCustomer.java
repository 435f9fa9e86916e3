package dev.rapport.crm.benchmarks;

import dev.rapport.crm.customer.AddressInput;
import dev.rapport.crm.customer.ContactPersonInput;
import dev.rapport.crm.customer.CustomFieldSchema;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.customer.CustomerPatch;
import dev.rapport.crm.testkit.generate.DataGenerator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The customer every side of the audit benchmarks updates: a full organization (two names, three e-mail addresses,
 * two phone numbers, two addresses, two contact persons, three tags, grade, owner, team, department, region, credit
 * limit, an ERP reference, three custom fields, two consents), and the change each update makes: the same three
 * fields ({@code grade}, {@code team}, {@code department}) set to one of two value sets in turn, so every update is
 * a real change of exactly those three fields.
 */
final class AuditedCustomer {
  /** The tenant's custom fields, so the customer carries some. */
  static final CustomFieldSchema CUSTOM_FIELDS = CustomFieldSchema.builder()
      .text("industry", 100, false)
      .number("employees", false)
      .choice("paymentTerms", Set.of("NET30", "NET60"), false)
      .build();

  /** The changed fields, as they are named in the stored document and in the audit record's changes. */
  static final List<String> CHANGED = List.of("grade", "team", "department");
  /** The two value sets of the changed fields; update {@code n} writes set {@code n % 2}. */
  private static final String[][] VALUES = {{"A", "key-accounts", "Procurement"}, {"B", "inside-sales", "Finance"}};

  private AuditedCustomer() {}

  static CustomerData data() {
    // valid numbers of the regions (libphonenumber-checked), the same every run
    DataGenerator phones = DataGenerator.seeded(3);
    return CustomerData.builder(CustomerKind.ORGANIZATION, "Nordwind Logistik GmbH")
        .localizedName("zh-Hans", "北风物流有限公司")
        .email("einkauf@nordwind-logistik.example.de")
        .email("buchhaltung@nordwind-logistik.example.de")
        .email("info@nordwind-logistik.example.de")
        .phone(phones.phone("DE")).phone(phones.phone("DE"))
        .address(new AddressInput("DE", null, "Hamburg", null, List.of("Am Sandtorkai 50", "3. OG"), "20457"))
        .address(new AddressInput("DE", null, "München", null, List.of("Bahnhofstraße 12"), "80335"))
        .contactPerson(new ContactPersonInput("Jürgen Groß", Map.of(), "Purchasing",
            List.of("j.gross@nordwind-logistik.example.de"), List.of(phones.phone("DE"))))
        .contactPerson(new ContactPersonInput("Anna Weber", Map.of(), "Finance",
            List.of("a.weber@nordwind-logistik.example.de", "anna.weber@example.com"), List.of(phones.phone("DE"))))
        .tag("segment/enterprise").tag("interest/logistics").tag("source/trade-show")
        .grade(VALUES[1][0]).team(VALUES[1][1]).department(VALUES[1][2])
        .owner("user7").region("EMEA")
        .creditLimit("250000", "EUR")
        .externalRef("SAP", "0000123456")
        .customField("industry", "Logistics").customField("employees", 1200).customField("paymentTerms", "NET30")
        .consent("marketing-email", true).consent("newsletter", false)
        .build();
  }

  /** The values update {@code n} writes, in the order of {@link #CHANGED}. */
  static String[] values(long n) {
    return VALUES[(int) (n & 1)];
  }

  /** Update {@code n} as a patch, expecting {@code version}. */
  static CustomerPatch patch(long n, long version) {
    String[] v = values(n);
    return CustomerPatch.builder().expectedVersion(version).grade(v[0]).team(v[1]).department(v[2]).build();
  }
}
