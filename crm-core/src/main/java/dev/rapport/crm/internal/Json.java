package dev.rapport.crm.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.rapport.crm.error.StorageException;
import java.time.Instant;

/** The one JSON mapping Rapport uses for document bodies: ISO-8601 instants, exact decimals, no nulls. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      // registered after JavaTimeModule, so it reads instants first (falling back to the module's reader)
      .registerModule(new SimpleModule("rapport-instants").addDeserializer(Instant.class, new InstantText()))
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private Json() {}

  public static ObjectNode toTree(Object value) {
    return MAPPER.valueToTree(value);
  }

  public static <T> T fromTree(ObjectNode node, Class<T> type) {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new StorageException("stored document cannot be read as " + type.getSimpleName() + ": "
          + e.getMessage(), false, e);
    }
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }
}
