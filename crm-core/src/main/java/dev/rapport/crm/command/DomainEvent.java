package dev.rapport.crm.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * Something an aggregate's business method caused ({@code customer.stage-changed}, ...). The command path turns
 * each into an outbox event with a stable id, written in the same commit as the change.
 */
public record DomainEvent(String type, ObjectNode data) {
  public DomainEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(data, "data");
  }
}
