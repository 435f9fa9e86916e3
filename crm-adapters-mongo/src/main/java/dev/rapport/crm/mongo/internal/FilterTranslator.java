package dev.rapport.crm.mongo.internal;

import com.mongodb.client.model.Filters;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.IndexSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;

/**
 * Translates a criteria (already validated with {@link CollectionSpec#check(Criteria)}) into a MongoDB filter with
 * exactly the semantics of {@link dev.rapport.crm.query.CriteriaEvaluator}.
 *
 * <ul>
 *   <li>Every value becomes a typed BSON value through {@link BsonCodec#indexValue}; it can never become an
 *       operator. Field names are declared index names (checked before), mapped to {@code ix.<name>}.</li>
 *   <li>MongoDB comparison operators only match values of the same type bracket, and match an array when any
 *       element matches: the evaluator's rules for typed, multi-valued fields.</li>
 *   <li>{@code Not} is {@code $nor} of one filter, the exact complement of a top-level filter (so it matches
 *       documents missing the field, as two-valued logic demands); {@code $not} is never used.</li>
 *   <li>Decimals are stored as Decimal128, exactly (the kernel limits them to 34 digits); equality is the range
 *       {@code [v, v]}, so {@code 1.0} equals {@code 1.00}. A value no stored decimal can equal matches nothing; a
 *       comparison with one is moved to its nearest storable neighbour.</li>
 *   <li>{@code Prefix} is an anchored regex with every ASCII punctuation character escaped; a prefix holding NUL
 *       (which a regex cannot carry) becomes a code-point range, per element for multi-valued fields.</li>
 * </ul>
 */
public final class FilterTranslator {
  private static final Bson NONE = Filters.exists("_id", false);

  private final CollectionSpec spec;

  public FilterTranslator(CollectionSpec spec) {
    this.spec = spec;
  }

  /** The stored field name of a criteria field. */
  public static String path(String field) {
    return field.equals(Sort.ID) ? "id" : "ix." + field;
  }

  public Bson translate(Criteria c) {
    if (c instanceof Criteria.All) {
      return new BsonDocument();
    } else if (c instanceof Criteria.None) {
      return NONE;
    } else if (c instanceof Criteria.Eq eq) {
      return equal(eq.field(), eq.value());
    } else if (c instanceof Criteria.Compare cmp) {
      return compare(cmp);
    } else if (c instanceof Criteria.In in) {
      return in(in);
    } else if (c instanceof Criteria.Prefix p) {
      return prefix(p);
    } else if (c instanceof Criteria.Exists e) {
      return e.field().equals(Sort.ID) ? new BsonDocument() : Filters.exists(path(e.field()));
    } else if (c instanceof Criteria.And and) {
      List<Bson> parts = new ArrayList<>();
      for (Criteria x : and.all()) {
        if (!(x instanceof Criteria.All)) {
          parts.add(translate(x));
        }
      }
      return parts.isEmpty() ? new BsonDocument() : parts.size() == 1 ? parts.get(0) : Filters.and(parts);
    } else if (c instanceof Criteria.Or or) {
      List<Bson> parts = new ArrayList<>();
      for (Criteria x : or.any()) {
        if (!(x instanceof Criteria.None)) {
          parts.add(translate(x));
        }
      }
      return parts.isEmpty() ? NONE : parts.size() == 1 ? parts.get(0) : Filters.or(parts);
    } else if (c instanceof Criteria.Not not) {
      return Filters.nor(translate(not.criteria()));
    }
    throw new IllegalStateException("unknown criteria " + c);
  }

  private Bson equal(String field, Object v) {
    if (!(v instanceof BigDecimal d)) {
      return Filters.eq(path(field), BsonCodec.indexValue(v));
    }
    if (!BsonCodec.storable(d)) {
      return NONE;
    }
    // [d, d] rather than $eq: real MongoDB compares Decimal128 numerically either way, but mongo-java-server's $eq
    // (and $in) go through double, which cannot tell 34-digit values apart; its range comparisons are exact.
    BsonDecimal128 b = (BsonDecimal128) BsonCodec.indexValue(d);
    BsonDocument range = new BsonDocument("$gte", b).append("$lte", b);
    // On an array, separate $gte and $lte may be met by different elements: one element must meet both.
    return multiValued(field) ? Filters.elemMatch(path(field), range) : new BsonDocument(path(field), range);
  }

  private Bson in(Criteria.In in) {
    List<BsonValue> exact = new ArrayList<>();
    List<Bson> decimals = new ArrayList<>();
    for (Object o : in.values()) {
      if (o instanceof BigDecimal d) {
        if (BsonCodec.storable(d)) {
          decimals.add(equal(in.field(), d));
        }
      } else {
        exact.add(BsonCodec.indexValue(o));
      }
    }
    if (!exact.isEmpty()) {
      decimals.add(Filters.in(path(in.field()), exact));
    }
    return decimals.isEmpty() ? NONE : decimals.size() == 1 ? decimals.get(0) : Filters.or(decimals);
  }

  private Bson compare(Criteria.Compare cmp) {
    String f = path(cmp.field());
    Criteria.Op op = cmp.op();
    Object v = cmp.value();
    if (v instanceof BigDecimal d && !BsonCodec.storable(d)) {
      // No stored decimal lies strictly between d and its nearest storable neighbour away from the comparison, so
      // x > d <=> x >= up(d) and x < d <=> x <= down(d).
      boolean upward = op == Criteria.Op.GT || op == Criteria.Op.GTE;
      v = BsonCodec.nearestStorable(d, upward);
      op = upward ? Criteria.Op.GTE : Criteria.Op.LTE;
    }
    BsonValue b = BsonCodec.indexValue(v);
    return switch (op) {
      case GT -> Filters.gt(f, b);
      case GTE -> Filters.gte(f, b);
      case LT -> Filters.lt(f, b);
      case LTE -> Filters.lte(f, b);
    };
  }

  private boolean multiValued(String field) {
    return spec.index(field).map(IndexSpec::multiValued).orElse(false);
  }

  private Bson prefix(Criteria.Prefix p) {
    String f = path(p.field());
    if (p.prefix().isEmpty()) {
      return Filters.exists(f);
    }
    String enc = OrderedStrings.encode(p.prefix());
    if (enc.indexOf('\0') < 0) {
      return Filters.regex(f, "^" + quote(enc));
    }
    Bson range = Filters.and(Filters.gte(f, enc), Filters.lt(f, successor(enc)));
    if (!multiValued(p.field())) {
      return range;
    }
    return Filters.elemMatch(f, new BsonDocument("$gte", new BsonString(enc)).append("$lt", new BsonString(successor(enc))));
  }

  /** The least string greater than every string starting with {@code enc} (an encoded string: no surrogates). */
  static String successor(String enc) {
    StringBuilder b = new StringBuilder(enc);
    int last = b.length() - 1;
    char c = b.charAt(last);
    b.setCharAt(last, c == 0xD7FF ? (char) 0xE000 : (char) (c + 1));
    return b.toString();
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 128 && c > 32 && !Character.isLetterOrDigit(c)) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

}
