package dev.rapport.crm.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.customer.CustomerKind;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.recording.AuditRecorder;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An internationalised e-mail address through a whole Crm on H2: kept as given, found by either form. */
class H2CustomerEmailsTest {
  private final JdbcStore store = TestDatabases.fresh(TestDatabases.Kind.H2_MEMORY).builder(Clock.systemUTC())
      .build();
  private final Crm crm = Crm.builder().store(store).accessPolicy(AccessPolicy.allowAll())
      .audit(AuditRecorder.none()).build();
  private final Actor alice = Actor.of("acme", "alice");

  @Test
  void keepsTheAddressAsGivenAndFindsItByTheUnicodeAndTheAsciiFormOfItsDomain() {
    Customer c = crm.customers().create(alice, CustomerData.builder(CustomerKind.PERSON, "张三")
        .email("用户@例子.公司").email("user@Bücher.ch").build());

    var stored = store.get(alice.tenant(), CustomerFields.COLLECTION, c.id()).orElseThrow();
    assertThat(List.of(stored.body().get("emails").get(0).textValue(), stored.body().get("emails").get(1).textValue()))
        .containsExactly("用户@例子.公司", "user@Bücher.ch");
    // stored index values are the ASCII forms (a read does not return multi-valued values: Document#asRead)
    for (String ascii : List.of("用户@xn--fsqu00a.xn--55qx5d", "user@xn--bcher-kva.ch")) {
      assertThat(store.count(alice.tenant(), CustomerFields.COLLECTION, Criteria.eq(CustomerFields.EMAILS, ascii)))
          .as(ascii).isEqualTo(1);
    }
    assertThat(store.count(alice.tenant(), CustomerFields.COLLECTION,
        Criteria.eq(CustomerFields.EMAILS, "user@bücher.ch"))).isZero();
    for (String form : List.of("用户@例子.公司", "用户@xn--fsqu00a.xn--55qx5d", "user@bücher.ch",
        "user@xn--bcher-kva.ch")) {
      List<Customer> found = crm.customers().find(alice, Query.of(Criteria.eq(CustomerFields.EMAILS, form),
          Sort.byId(), 10)).items();
      assertThat(found).as(form).extracting(Customer::id).containsExactly(c.id());
      assertThat(found.get(0).emails()).extracting(e -> e.value())
          .containsExactly("用户@例子.公司", "user@Bücher.ch");
    }
  }

  @Test
  void refusesTheOtherFormOfAnAddressAlreadyListed() {
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> crm.customers().create(alice,
        CustomerData.builder(CustomerKind.PERSON, "Müller").email("user@bücher.ch").email("user@XN--BCHER-KVA.ch")
            .build()));
    assertThat(e.violations()).extracting(ValidationException.Violation::path).containsExactly("emails[1]");
    assertThat(e.violations()).extracting(ValidationException.Violation::rule).containsExactly("email.duplicate");
  }
}
