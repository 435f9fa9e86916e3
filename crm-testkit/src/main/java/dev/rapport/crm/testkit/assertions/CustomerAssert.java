package dev.rapport.crm.testkit.assertions;

import dev.rapport.crm.customer.Customer;
import dev.rapport.crm.tag.TagPath;
import org.assertj.core.api.AbstractObjectAssert;

/** Fluent assertions on a {@link Customer}: {@code assertThat(customer).isInStage("ACTIVE").hasTag("segment/vip")}. */
public final class CustomerAssert extends AbstractObjectAssert<CustomerAssert, Customer> {

  CustomerAssert(Customer actual) {
    super(actual, CustomerAssert.class);
  }

  public CustomerAssert isInStage(String stage) {
    isNotNull();
    if (!actual.stage().equals(stage)) {
      failWithMessage("Expected customer %s to be in stage <%s> but was in <%s>", actual.id(), stage, actual.stage());
    }
    return this;
  }

  public CustomerAssert hasVersion(long version) {
    isNotNull();
    if (actual.version() != version) {
      failWithMessage("Expected customer %s at version <%s> but was at <%s>", actual.id(), version, actual.version());
    }
    return this;
  }

  public CustomerAssert hasTag(String tag) {
    isNotNull();
    if (!actual.tags().contains(new TagPath(tag))) {
      failWithMessage("Expected customer %s to have tag <%s> but had %s", actual.id(), tag, actual.tags());
    }
    return this;
  }

  public CustomerAssert hasTagWithin(String ancestor) {
    isNotNull();
    if (!actual.hasTagWithin(new TagPath(ancestor))) {
      failWithMessage("Expected customer %s to have a tag within <%s> but had %s", actual.id(), ancestor, actual.tags());
    }
    return this;
  }

  public CustomerAssert hasNoTag(String tag) {
    isNotNull();
    if (actual.tags().contains(new TagPath(tag))) {
      failWithMessage("Expected customer %s not to have tag <%s>", actual.id(), tag);
    }
    return this;
  }

  public CustomerAssert hasOwner(String owner) {
    isNotNull();
    if (!owner.equals(actual.owner())) {
      failWithMessage("Expected customer %s to be owned by <%s> but owner was <%s>", actual.id(), owner, actual.owner());
    }
    return this;
  }

  public CustomerAssert hasExternalRef(String system, String id) {
    isNotNull();
    if (!id.equals(actual.externalRefs().get(system))) {
      failWithMessage("Expected customer %s to have external ref %s:%s but had %s", actual.id(), system, id,
          actual.externalRefs());
    }
    return this;
  }

  public CustomerAssert isDeleted() {
    isNotNull();
    if (!actual.isDeleted()) {
      failWithMessage("Expected customer %s to be soft-deleted", actual.id());
    }
    return this;
  }

  public CustomerAssert isNotDeleted() {
    isNotNull();
    if (actual.isDeleted()) {
      failWithMessage("Expected customer %s not to be soft-deleted", actual.id());
    }
    return this;
  }
}
