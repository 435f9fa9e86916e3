package dev.rapport.crm.audit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/** How a record is kept on the trail's stream: its content's canonical text and that text's SHA-256. */
final class StoredForm {
  /** The member of a stored record (and of its parsed view) holding the content's hash. */
  static final String HASH = "hash";
  /** The member of a stored record holding its content's canonical text. */
  static final String RECORD = "record";
  /** Reads a record's text: decimals as written (as {@code BigDecimal}), not as doubles. */
  private static final ObjectReader READER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).reader();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private StoredForm() {}

  /**
   * The stored form of a record: {@value #RECORD}, the canonical text of its content (members sorted by name,
   * numbers by value; {@link Hashes}), and {@value #HASH}, the SHA-256 of that text. Checking a record is hashing
   * the text as stored, with nothing to rebuild; reading one parses it ({@link #view}).
   */
  static ObjectNode stored(ObjectNode content) {
    String text = Hashes.canonicalText(content, HASH);
    ObjectNode stored = NODES.objectNode();
    stored.put(RECORD, text);
    stored.put(HASH, Hashes.ofText(text));
    return stored;
  }

  /** A stored record's content, parsed, with its {@value #HASH}; only the hash when its text is not an object. */
  static ObjectNode view(ObjectNode stored) {
    ObjectNode view = null;
    JsonNode text = stored.get(RECORD);
    if (text != null && text.isTextual()) {
      try {
        JsonNode parsed = READER.readTree(text.textValue());
        view = parsed != null && parsed.isObject() ? (ObjectNode) parsed : null;
      } catch (java.io.IOException e) {
        // not JSON (altered): verify() reports the record
      }
    }
    if (view == null) {
      view = NODES.objectNode();
    }
    JsonNode hash = stored.get(HASH);
    view.put(HASH, hash == null ? "" : hash.asText());
    return view;
  }

  /** Whether a stored record's text still hashes to its stored hash (false for a shape the trail does not write). */
  static boolean matchesItsHash(ObjectNode stored) {
    byte[] digest = contentDigest(stored);
    return digest != null && Hashes.matches(digest, stored.path(HASH).asText());
  }

  /** The SHA-256 of a stored record's text as it is now; null when the stored form is not one the trail writes. */
  static byte @Nullable [] contentDigest(ObjectNode stored) {
    JsonNode text = stored.get(RECORD);
    if (stored.size() != 2 || text == null || !text.isTextual() || !stored.path(HASH).isTextual()) {
      return null;
    }
    return Hashes.digestOfText(text.textValue());
  }
}
