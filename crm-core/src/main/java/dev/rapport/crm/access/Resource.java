package dev.rapport.crm.access;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The target of an authorization check: its type ({@code customer}, {@code case}, ...), its id when it exists, and
 * its current state (for attribute-based conditions such as {@code resource.region == subject.region}).
 */
public record Resource(String type, @Nullable String id, @Nullable ObjectNode state) {
  public Resource {
    Objects.requireNonNull(type, "type");
  }

  public static Resource ofType(String type) {
    return new Resource(type, null, null);
  }
}
