package dev.rapport.crm.testkit.assertions;

import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.notify.Event;
import java.util.List;

/** Entry point for Rapport's AssertJ assertions. */
public final class CrmAssertions {
  private CrmAssertions() {}

  public static CustomerAssert assertThat(Customer customer) {
    return new CustomerAssert(customer);
  }

  public static EventsAssert assertThatEvents(List<? extends Event> events) {
    return new EventsAssert(events);
  }
}
