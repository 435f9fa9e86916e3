package dev.rapport.crm.customer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.contact.EmailAddress;
import dev.rapport.crm.contact.PhoneNumber;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Query;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.Document;
import dev.rapport.crm.store.WriteBatch;
import dev.rapport.crm.tag.TagPath;
import org.junit.jupiter.api.Test;

/**
 * A stored customer is read as it was written: its values were checked when they were written, and a rule that has
 * since become stricter (libphonenumber's metadata dropping a number range, a tightened e-mail or tag rule) must not
 * make the record unreadable, nor a page it is on. Values given as input are still checked every time.
 */
class StoredValuesTest {
  private final CustomerFixture f = new CustomerFixture();

  @Test
  void aStoredValueThatTodaysRulesRefuseIsReadAsStoredOnEveryReadPath() {
    Customer c = f.customers().create(f.alice, CustomerData.builder(CustomerKind.PERSON, "Ada Lovelace")
        .email("ada@example.com").phone("+86 138 0013 8000").tag("segment/vip").build());
    Document stored = f.store.get(f.alice.tenant(), CustomerFields.COLLECTION, c.id()).orElseThrow();
    ObjectNode body = stored.body().deepCopy();
    // what an earlier release, or earlier metadata, may have stored and today's rules refuse
    body.putArray("emails").add("ada@exa_mple.com");
    body.putArray("phones").add("+999123");
    body.putArray("tags").add("segment/vip").add("Segment/Gold ");
    f.store.commit(f.alice.tenant(), WriteBatch.builder().update(CustomerFields.COLLECTION,
        new Document(c.id(), stored.version() + 1, body, stored.index())).build());

    Customer read = f.customers().get(f.alice, c.id()).orElseThrow();
    assertThat(read.emails()).extracting(EmailAddress::value).containsExactly("ada@exa_mple.com");
    assertThat(read.phones()).extracting(PhoneNumber::e164).containsExactly("+999123");
    assertThat(read.tags()).extracting(TagPath::value).containsExactly("Segment/Gold ", "segment/vip");
    assertThat(f.customers().find(f.alice, Query.of(Criteria.all(), Sort.asc(CustomerFields.NAME), 10)).items())
        .containsExactly(read);

    // input is checked as before, also on the thread that has just read
    assertThatThrownBy(() -> EmailAddress.of("ada@exa_mple.com")).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> PhoneNumber.of("+999123")).isInstanceOf(ValidationException.class);
    assertThat(TagPath.of("Segment/Gold ").value()).isEqualTo("segment/gold");
  }
}
