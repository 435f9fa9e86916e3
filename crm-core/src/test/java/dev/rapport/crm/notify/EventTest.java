package dev.rapport.crm.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.actor.TenantId;
import dev.rapport.crm.error.ValidationException;
import dev.rapport.crm.store.WriteBatch;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventTest {
  private static final TenantId ACME = TenantId.of("acme");

  @Test
  void jsonRoundTripsWithStableFieldNames() {
    Event e = Events.customerCreated(ACME, Instant.parse("2025-03-01T08:00:00.123456Z"));
    ObjectNode json = e.toJson();

    assertThat(json.fieldNames()).toIterable().containsExactly("id", "type", "tenant", "aggregateType",
        "aggregateId", "aggregateVersion", "occurredAt", "correlationId", "data");
    assertThat(json.get("occurredAt").asText()).isEqualTo("2025-03-01T08:00:00.123456Z");
    assertThat(json.get("tenant").asText()).isEqualTo("acme");
    assertThat(Event.fromJson(json)).isEqualTo(e);

    Event noCorrelation = new Event("e-1", "case.closed", ACME, "case", "c-1", 3, Instant.EPOCH, null,
        JsonNodeFactory.instance.objectNode());
    assertThat(noCorrelation.toJson().get("correlationId").isNull()).isTrue();
    assertThat(Event.fromJson(noCorrelation.toJson())).isEqualTo(noCorrelation);
  }

  @Test
  void toAppendTargetsTheOutboxStreamWithTheEventId() {
    Event e = Events.customerCreated(ACME, Instant.EPOCH);
    WriteBatch.Append a = e.toAppend();
    assertThat(a.stream()).isEqualTo(Outbox.STREAM).isEqualTo("outbox");
    assertThat(a.id()).isEqualTo(e.id());
    assertThat(a.type()).isEqualTo("customer.created");
    assertThat(a.payload()).isEqualTo(e.toJson());
  }

  @Test
  void fromJsonNamesEveryBadField() {
    ObjectNode json = JsonNodeFactory.instance.objectNode().put("id", "e-1").put("occurredAt", "yesterday");
    assertThatThrownBy(() -> Event.fromJson(json)).isInstanceOfSatisfying(ValidationException.class,
        e -> assertThat(e.violations()).extracting(ValidationException.Violation::path)
            .containsExactlyInAnyOrder("type", "tenant", "aggregateType", "aggregateId", "aggregateVersion",
                "occurredAt", "data"));
  }

  @Test
  void rejectsIdsAndTypesThatAreNotHeaderSafe() {
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    assertThatThrownBy(() -> new Event("a\r\nX-Evil: 1", "customer.created", ACME, "customer", "c", 1,
        Instant.EPOCH, null, data)).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> new Event("x".repeat(37), "customer created", ACME, "customer", "c", 1,
        Instant.EPOCH, null, data)).isInstanceOfSatisfying(ValidationException.class,
            e -> assertThat(e.violations()).hasSize(2));
  }

  @Test
  void dataIsCopiedSoLaterChangesDoNotLeakIn() {
    ObjectNode data = JsonNodeFactory.instance.objectNode().put("stage", "LEAD");
    Event e = new Event("e-1", "customer.created", ACME, "customer", "c", 1, Instant.EPOCH, null, data);
    data.put("stage", "ACTIVE");
    assertThat(e.data().get("stage").asText()).isEqualTo("LEAD");
  }
}
