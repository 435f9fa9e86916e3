package dev.rapport.crm.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.error.ValidationException.Violation;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.Document;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Customers' e-mail addresses on the command path: host names that cannot exist are refused naming the field; an
 * internationalised address is kept as given, indexed with its domain in ASCII, and found by either form.
 */
class CustomerEmailsTest {
  private final CustomerFixture f = new CustomerFixture();

  private CustomerData.Builder person(String name) {
    return CustomerData.builder(CustomerKind.PERSON, name);
  }

  @Test
  void refusesHostNamesThatCannotExistNamingTheField() {
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> f.customers().create(f.alice,
        CustomerData.builder(CustomerKind.ORGANIZATION, "AT&T").email("ok@example.com").email("me@at&t.net")
            .contactPerson(ContactPersonInput.of("Joe", null, List.of("joe@ap/ache.org"), List.of())).build()));

    assertThat(e.violations()).extracting(Violation::path, Violation::rule).containsExactly(
        tuple("emails[1]", "email.domain"),
        tuple("contactPersons[0].emails[0]", "email.domain"));
    assertThat(e.violations().get(0).message()).contains("'at&t'", "'&'", "letters, digits and hyphens");
  }

  @Test
  void keepsAnInternationalisedAddressAsGivenAndIndexesItsDomainInAscii() {
    Customer c = f.customers().create(f.alice, person("Müller").email("user@Bücher.ch").build());

    Document stored = f.store.get(f.alice.tenant(), CustomerFields.COLLECTION, c.id()).orElseThrow();
    assertThat(stored.body().get("emails").get(0).textValue()).isEqualTo("user@Bücher.ch");
    // the stored index value is the ASCII form (a read does not return multi-valued values: Document#asRead)
    assertThat(f.store.count(f.alice.tenant(), CustomerFields.COLLECTION,
        Criteria.eq(CustomerFields.EMAILS, "user@xn--bcher-kva.ch"))).isEqualTo(1);
    assertThat(f.store.count(f.alice.tenant(), CustomerFields.COLLECTION,
        Criteria.eq(CustomerFields.EMAILS, "user@bücher.ch"))).isZero();
    Customer read = f.customers().require(f.alice, c.id());
    assertThat(read.emails().get(0).value()).isEqualTo("user@Bücher.ch");
    assertThat(read.emails().get(0).unicode()).isEqualTo("user@Bücher.ch");
  }

  @Test
  void findsACustomerByEitherFormOfItsDomain() {
    Customer c = f.customers().create(f.alice, person("Müller").email("user@bücher.ch").build());
    Customer zhang = f.customers().create(f.alice, person("张三").email("用户@例子.公司").build());
    f.customers().create(f.alice, person("Other").email("user@buecher.ch").build());

    for (String form : List.of("user@xn--bcher-kva.ch", "user@bücher.ch", "user@BÜCHER.CH", "user@XN--BCHER-KVA.ch",
        " user @ bücher.ch (work)")) {
      assertThat(ids(Criteria.eq(CustomerFields.EMAILS, form))).as(form).containsExactly(c.id());
    }
    assertThat(ids(Criteria.in(CustomerFields.EMAILS, "用户@xn--fsqu00a.xn--55qx5d", "nobody@example.com")))
        .containsExactly(zhang.id());
    assertThat(ids(Criteria.and(Criteria.eq(CustomerFields.KIND, "PERSON"),
        Criteria.not(Criteria.eq(CustomerFields.EMAILS, "user@XN--BCHER-KVA.CH")))))
        .containsExactlyInAnyOrder(zhang.id(), ids(Criteria.eq(CustomerFields.EMAILS, "user@buecher.ch")).get(0));
    assertThat(f.customers().count(f.alice, Criteria.eq(CustomerFields.EMAILS, "用户@例子.公司"))).isEqualTo(1);
    assertThat(ids(Criteria.eq(CustomerFields.EMAILS, "not an address"))).isEmpty();
  }

  @Test
  void refusesTheSameAddressTwiceWhateverFormItsDomainTakes() {
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> f.customers().create(f.alice,
        person("Müller").email("user@bücher.ch").email("user@xn--bcher-kva.ch")
            .email("jos\u00e9@example.com").email("jose\u0301@example.com").build()));

    assertThat(e.violations()).extracting(Violation::path, Violation::rule).containsExactly(
        tuple("emails[1]", "email.duplicate"),
        tuple("emails[3]", "email.duplicate"));
  }

  private List<String> ids(Criteria criteria) {
    return f.customers().find(f.alice, Query.of(criteria, Sort.byId(), 50)).items().stream().map(Customer::id)
        .toList();
  }
}
