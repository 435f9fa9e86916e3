package dev.rapport.crm.internal.customer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.access.FieldAccess;
import dev.rapport.crm.access.FieldCatalog;
import dev.rapport.crm.access.FieldSet;
import dev.rapport.crm.access.Mask;
import dev.rapport.crm.access.Masking;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.contact.EmailAddress;
import dev.rapport.crm.contact.LocalizedText;
import dev.rapport.crm.contact.PhoneNumber;
import dev.rapport.crm.contact.PostalAddress;
import dev.rapport.crm.customer.Consent;
import dev.rapport.crm.customer.ContactPerson;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.internal.Json;
import dev.rapport.crm.internal.StoredRead;
import dev.rapport.crm.money.Money;
import dev.rapport.crm.tag.TagPath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The hand-built body is exactly Jackson's tree of the customer (fields, order, node types and text), and reading it
 * back without Jackson gives what Jackson gives.
 */
class CustomerBodyTest {

  @Property(tries = 400)
  void isJacksonsTree(@ForAll boolean[] parts, @ForAll long version, @ForAll int salt) {
    Customer c = customer(parts, version, salt);
    ObjectNode expected = Json.toTree(c);
    ObjectNode actual = CustomerBody.of(c);
    assertThat(actual.toString()).isEqualTo(expected.toString());
    assertSameNodes(actual, expected, "");
  }

  /** Read back without Jackson, a body gives the customer Jackson gives, masked or not, and the fast way is taken. */
  @Property(tries = 400)
  void readsWhatJacksonReads(@ForAll boolean[] parts, @ForAll long version, @ForAll int salt,
                             @ForAll boolean[] hidden, @ForAll boolean masked) {
    Customer c = customer(parts, version, salt);
    ObjectNode body = CustomerBody.of(c);
    assertThat(StoredRead.read(() -> CustomerBody.read(body))).isEqualTo(c);

    List<String> paths = CustomerFields.TYPE.fields().fields().stream().map(FieldCatalog.Field::path).toList();
    Set<String> readable = new LinkedHashSet<>();
    for (int i = 0; i < paths.size(); i++) {
      if (i >= hidden.length || !hidden[i]) {
        readable.add(paths.get(i));
      }
    }
    Map<String, Mask> masks = masked ? Map.of("emails", Mask.email(), "phones", Mask.phone(),
        "contactPersons.emails", Mask.email(), "contactPersons.name", Mask.keepLast(1), "owner",
        Mask.replaceWith("***")) : Map.of();
    ObjectNode shown = Masking.apply(CustomerFields.TYPE,
        new FieldAccess(FieldSet.of(readable), FieldSet.none(), masks), body);
    Customer byJackson;
    try {
      byJackson = StoredRead.read(() -> Json.fromTree(shown, Customer.class));
    } catch (RuntimeException refused) {
      assertThat(StoredRead.read(() -> CustomerBody.read(shown))).as("Jackson refuses %s", shown).isNull();
      return;
    }
    assertThat(StoredRead.read(() -> CustomerBody.read(shown))).as("%s", shown).isEqualTo(byJackson);
  }

  /** A customer with each optional part set or not as {@code parts} says. */
  private static Customer customer(boolean[] parts, long version, int salt) {
    boolean[] p = new boolean[16];
    for (int i = 0; i < p.length && i < parts.length; i++) {
      p[i] = parts[i];
    }
    Instant created = Instant.ofEpochSecond(1_700_000_000L + Math.floorMod(salt, 1000), p[0] ? 0 : 123_456_789);
    Instant updated = p[1] ? created : created.plusMillis(1500);
    LocalizedText name = p[2] ? LocalizedText.of("Acme") : new LocalizedText("艾克美 贸易",
        Map.of("en", "Acme", "zh-Hans", "艾克美"));
    List<EmailAddress> emails = p[3] ? List.of() : List.of(EmailAddress.of("a@example.com"),
        p[4] ? new EmailAddress("j***@example.com", true) : EmailAddress.of("user@Bücher.ch"));
    List<PhoneNumber> phones = p[4] ? List.of(PhoneNumber.of("+86 *** **** 5678")) : List.of(
        PhoneNumber.parse("+86 139 1234 5678", null), PhoneNumber.parse("020 7946 0018", "GB"));
    List<PostalAddress> addresses = p[5] ? List.of() : List.of(
        new PostalAddress("CN", "上海市", "上海市", "浦东新区", List.of("世纪大道 100 号", "2F"), "200120"),
        new PostalAddress("AE", null, "Abu Dhabi", null, List.of(), null));
    List<ContactPerson> persons = p[6] ? List.of() : List.of(
        new ContactPerson(LocalizedText.of("Li"), p[7] ? null : "Finance", emails, phones),
        new ContactPerson(LocalizedText.of("Wu"), null, List.of(), List.of()));
    List<TagPath> tags = p[7] ? List.of() : List.of(new TagPath("segment/vip/gold"), new TagPath("b"));
    Map<String, Instant> entered = p[8] ? Map.of("LEAD", created)
        : Map.of("LEAD", created, "ACTIVE", updated, "PROSPECT", created.plusSeconds(1));
    Money credit = p[9] ? null : p[10] ? Money.of("250000", "CNY") : Money.of("-12.5", "EUR");
    Map<String, String> refs = p[10] ? Map.of() : Map.of("SAP", "0000123456", "ERP-2", "x");
    Map<String, String> custom = p[11] ? Map.of() : Map.of("note", "hello", "size", "12");
    Map<String, Consent> consents = new LinkedHashMap<>();
    if (!p[12]) {
      consents.put("marketing-email", new Consent(true, created, "u1"));
      consents.put("sms", new Consent(false, updated, "import"));
    }
    Instant deletedAt = p[13] ? updated.plusSeconds(5) : null;
    Customer c = new Customer("01a24621-6203-7000-9103-668d564197c8", TenantId.of("t1"),
        p[14] ? CustomerKind.PERSON : CustomerKind.ORGANIZATION, name, emails, phones, addresses, persons, tags,
        "LEAD", entered, p[15] ? null : "A", p[0] ? null : "owner", p[1] ? null : "team", p[2] ? "dept" : null,
        p[3] ? "EMEA" : null, credit, refs, custom, consents, version, created, "creator", updated, "updater",
        deletedAt, deletedAt == null ? null : "deleter");
    return c;
  }

  /** Node classes too ({@code toString} would not tell an IntNode from a LongNode). */
  private static void assertSameNodes(JsonNode actual, JsonNode expected, String path) {
    assertThat(actual.getClass()).as(path).isEqualTo(expected.getClass());
    assertThat(actual).as(path).isEqualTo(expected);
    List<String> names = new ArrayList<>();
    expected.fieldNames().forEachRemaining(names::add);
    List<String> actualNames = new ArrayList<>();
    actual.fieldNames().forEachRemaining(actualNames::add);
    assertThat(actualNames).as(path).isEqualTo(names);
    for (String n : names) {
      assertSameNodes(actual.get(n), expected.get(n), path + "." + n);
    }
    for (int i = 0; expected.isArray() && i < expected.size(); i++) {
      assertSameNodes(actual.get(i), expected.get(i), path + "[" + i + "]");
    }
  }
}
