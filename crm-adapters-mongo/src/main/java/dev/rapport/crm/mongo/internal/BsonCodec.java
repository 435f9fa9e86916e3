package dev.rapport.crm.mongo.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rapport.crm.query.Values;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.Decimal128;

/**
 * Converts JSON bodies and kernel index values to BSON and back.
 *
 * <p>Bodies: field names are escaped so that any JSON key (empty, dotted, {@code $}-prefixed, containing NUL) is
 * stored verbatim and never interpreted: {@code %} becomes {@code %25}, {@code .} {@code %2E}, NUL {@code %00}, a
 * leading {@code $} {@code %24}, and the empty name is stored as a lone {@code %}. Numbers keep their type;
 * decimals that Decimal128 cannot hold exactly, and big integers, are kept as a one-field document {@code {"%n":
 * text}} (a key escaping never produces).
 *
 * <p>Index values: strings through {@link OrderedStrings}, longs as Int64, decimals as Decimal128, instants as
 * dates, booleans as booleans.
 */
public final class BsonCodec {
  private static final String NUMBER_TAG = "%n";
  private static final String INTEGER_TAG = "%i";

  private BsonCodec() {}

  // ---- bodies ----

  public static BsonDocument toBson(ObjectNode node) {
    BsonDocument d = new BsonDocument();
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isMissingNode()) {
        d.append(escape(e.getKey()), toBson(e.getValue()));
      }
    }
    return d;
  }

  private static BsonValue toBson(JsonNode n) {
    switch (n.getNodeType()) {
      case OBJECT:
        return toBson((ObjectNode) n);
      case ARRAY: {
        BsonArray a = new BsonArray();
        for (JsonNode x : n) {
          a.add(toBson(x));
        }
        return a;
      }
      case STRING:
        return new BsonString(n.textValue());
      case BOOLEAN:
        return BsonBoolean.valueOf(n.booleanValue());
      case NULL:
      case MISSING:
        return BsonNull.VALUE;
      case BINARY:
        try {
          return new BsonBinary(n.binaryValue());
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
      case NUMBER:
        if (n.isInt() || n.isShort()) {
          return new BsonInt32(n.intValue());
        } else if (n.isLong()) {
          return new BsonInt64(n.longValue());
        } else if (n.isBigInteger()) {
          return new BsonDocument(INTEGER_TAG, new BsonString(n.bigIntegerValue().toString()));
        } else if (n.isBigDecimal()) {
          return decimal128(n.decimalValue())
              .<BsonValue>map(BsonDecimal128::new)
              .orElseGet(() -> new BsonDocument(NUMBER_TAG, new BsonString(n.decimalValue().toString())));
        } else {
          return new BsonDouble(n.doubleValue());
        }
      default:
        return new BsonString(n.asText());
    }
  }

  public static ObjectNode toJson(BsonDocument d) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, BsonValue> e : d.entrySet()) {
      o.set(unescape(e.getKey()), toJson(e.getValue()));
    }
    return o;
  }

  private static JsonNode toJson(BsonValue v) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    switch (v.getBsonType()) {
      case DOCUMENT: {
        BsonDocument d = v.asDocument();
        if (d.size() == 1 && d.containsKey(NUMBER_TAG) && d.get(NUMBER_TAG).isString()) {
          return f.numberNode(new BigDecimal(d.getString(NUMBER_TAG).getValue()));
        }
        if (d.size() == 1 && d.containsKey(INTEGER_TAG) && d.get(INTEGER_TAG).isString()) {
          return f.numberNode(new BigInteger(d.getString(INTEGER_TAG).getValue()));
        }
        return toJson(d);
      }
      case ARRAY: {
        ArrayNode a = f.arrayNode();
        for (BsonValue x : v.asArray()) {
          a.add(toJson(x));
        }
        return a;
      }
      case STRING:
        return f.textNode(v.asString().getValue());
      case BOOLEAN:
        return f.booleanNode(v.asBoolean().getValue());
      case INT32:
        return f.numberNode(v.asInt32().getValue());
      case INT64:
        return f.numberNode(v.asInt64().getValue());
      case DOUBLE:
        return f.numberNode(v.asDouble().getValue());
      case DECIMAL128:
        return f.numberNode(v.asDecimal128().getValue().bigDecimalValue());
      case BINARY:
        return f.binaryNode(v.asBinary().getData());
      case NULL:
        return f.nullNode();
      default:
        throw new IllegalStateException("unexpected BSON type in a body: " + v.getBsonType());
    }
  }

  static String escape(String key) {
    if (key.isEmpty()) {
      return "%";
    }
    StringBuilder b = null;
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      String rep = c == '%' ? "%25" : c == '.' ? "%2E" : c == 0 ? "%00" : (c == '$' && i == 0) ? "%24" : null;
      if (rep != null && b == null) {
        b = new StringBuilder(key.length() + 6).append(key, 0, i);
      }
      if (b != null) {
        if (rep != null) {
          b.append(rep);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? key : b.toString();
  }

  static String unescape(String key) {
    if (key.equals("%")) {
      return "";
    }
    if (key.indexOf('%') < 0) {
      return key;
    }
    StringBuilder b = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '%' && i + 2 < key.length()) {
        b.append((char) Integer.parseInt(key.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  // ---- index values ----

  /** The BSON form of a kernel value (already normalised by {@link Values#normalize}). */
  public static BsonValue indexValue(Object v) {
    if (v instanceof String s) {
      return new BsonString(OrderedStrings.encode(s));
    } else if (v instanceof Long l) {
      return new BsonInt64(l);
    } else if (v instanceof BigDecimal d) {
      // CollectionSpec.check admits only decimals Decimal128 holds exactly.
      return new BsonDecimal128(decimal128(d).orElseThrow(() -> new IllegalArgumentException(
          "not a storable decimal: " + d.toPlainString())));
    } else if (v instanceof Instant i) {
      return new BsonDateTime(i.toEpochMilli());
    } else if (v instanceof Boolean b) {
      return BsonBoolean.valueOf(b);
    }
    throw new IllegalArgumentException("not a kernel value: " + v.getClass());
  }

  /** The kernel value of a stored BSON index value. */
  public static Object kernelValue(BsonValue v) {
    switch (v.getBsonType()) {
      case STRING:
        return OrderedStrings.decode(v.asString().getValue());
      case INT64:
        return v.asInt64().getValue();
      case INT32:
        return (long) v.asInt32().getValue();
      case DECIMAL128:
        return Values.normalize("index", v.asDecimal128().getValue().bigDecimalValue());
      case DATE_TIME:
        return Instant.ofEpochMilli(v.asDateTime().getValue());
      case BOOLEAN:
        return v.asBoolean().getValue();
      default:
        throw new IllegalStateException("unexpected BSON type in an index: " + v.getBsonType());
    }
  }

  /** All values of a stored index field (scalar or array). */
  public static List<Object> kernelValues(BsonValue v) {
    if (v.isArray()) {
      List<Object> out = new ArrayList<>(v.asArray().size());
      for (BsonValue x : v.asArray()) {
        out.add(kernelValue(x));
      }
      return out;
    }
    return List.of(kernelValue(v));
  }

  /** The largest storable magnitude, exclusive: indexed decimals have at most 24 integer digits. */
  private static final BigDecimal LIMIT = BigDecimal.ONE.scaleByPowerOfTen(24);
  private static final BigDecimal STEP = BigDecimal.ONE.scaleByPowerOfTen(-10);

  /**
   * Could {@code d} be a stored index value? The rule of {@link dev.rapport.crm.store.CollectionSpec#check(
   * dev.rapport.crm.store.Document)}: at most 24 integer and 10 fraction digits, which Decimal128 holds exactly.
   */
  public static boolean storable(BigDecimal d) {
    BigDecimal n = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    return n.scale() <= 10 && n.precision() - n.scale() <= 24;
  }

  /**
   * A bound that no stored value lies strictly between it and {@code d}, at or above {@code d} ({@code up}) or at
   * or below: {@code d} rounded to 10 fraction digits away from itself, or ±10^24 (beyond every stored value, yet
   * a Decimal128) when {@code d} is at least that large.
   */
  public static BigDecimal nearestStorable(BigDecimal d, boolean up) {
    if (d.compareTo(LIMIT) >= 0) {
      return LIMIT;
    } else if (d.compareTo(LIMIT.negate()) <= 0) {
      return LIMIT.negate();
    } else if (d.abs().compareTo(STEP) < 0) {
      // Checked first, so a tiny value with an enormous scale is never rescaled digit by digit.
      return d.signum() > 0 ? (up ? STEP : BigDecimal.ZERO) : (up ? BigDecimal.ZERO : STEP.negate());
    }
    return d.setScale(10, up ? RoundingMode.CEILING : RoundingMode.FLOOR);
  }

  /** The exact Decimal128 of {@code d}, if it has at most 34 significant digits and a representable exponent. */
  public static Optional<Decimal128> decimal128(BigDecimal d) {
    BigDecimal n = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    if (n.precision() > 34) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Decimal128(n));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
