package dev.rapport.crm.testkit.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rapport.crm.actor.Actor;
import dev.rapport.crm.Crm;
import dev.rapport.crm.access.AccessPolicy;
import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.customer.CustomerData;
import dev.rapport.crm.customer.CustomerFields;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.recording.AuditRecorder;
import dev.rapport.crm.store.memory.InMemoryStore;
import dev.rapport.crm.testkit.RecordingNotifier;
import dev.rapport.crm.testkit.assertions.CrmAssertions;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataGeneratorTest {

  @Test
  void everyGeneratedCustomerPassesValidationAndPhonesAreE164() {
    RecordingNotifier notifier = new RecordingNotifier();
    Crm crm = Crm.builder().indexes(CustomerFields.COLLECTION, CustomerFields.SPEC.everyFieldIndexed()).store(InMemoryStore.create()).accessPolicy(AccessPolicy.allowAll())
        .audit(AuditRecorder.none()).notifier(notifier)
        .publishOn(Runnable::run) // deliveries on the test thread: every event is in before the assertion
        .build();
    Actor actor = Actor.of("gen", "tester");
    for (CustomerData data : DataGenerator.seeded(1).customers(500)) {
      Customer c = crm.customers().create(actor, data);
      CrmAssertions.assertThat(c).isInStage("LEAD").hasVersion(1);
      assertThat(c.phones()).allSatisfy(p -> assertThat(p.e164()).matches("\\+[1-9][0-9]{6,14}"));
    }
    assertThat(crm.customers().count(actor, Criteria.all())).isEqualTo(500);
    assertThat(crm.customers().count(actor, Criteria.eq(CustomerFields.COUNTRIES, "CN"))).isPositive();
    assertThat(crm.customers().count(actor, Criteria.eq(CustomerFields.KIND, "ORGANIZATION"))).isPositive();
    CrmAssertions.assertThatEvents(notifier.events()).hasSize(500).haveDistinctIds();
  }

  @Test
  void theSameSeedGivesTheSameCustomers() {
    List<CustomerData> a = DataGenerator.seeded(7).customers(50);
    List<CustomerData> b = DataGenerator.seeded(7).customers(50);
    List<CustomerData> c = DataGenerator.seeded(8).customers(50);
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
  }
}
