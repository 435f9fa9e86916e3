package dev.rapport.crm.mongo.internal;

import com.mongodb.client.model.Filters;
import dev.rapport.crm.query.Criteria;
import dev.rapport.crm.query.Sort;
import dev.rapport.crm.store.CollectionSpec;
import dev.rapport.crm.store.IndexSpec;
import dev.rapport.crm.store.IndexType;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.bson.types.Decimal128;

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

  /** The field holding the low part of a single-valued decimal (see {@link BsonCodec#high}). */
  public static String lowPath(String field) {
    return "xl." + field;
  }

  /** Single-valued decimal fields are stored as (high, low) pairs. */
  public static boolean split(CollectionSpec spec, String field) {
    return spec.index(field).map(i -> i.type() == IndexType.DECIMAL && !i.multiValued()).orElse(false);
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
    } else if (c instanceof Criteria.Eq eq && split(spec, eq.field())) {
      return splitCompare(eq.field(), null, (BigDecimal) eq.value());
    } else if (c instanceof Criteria.Compare cmp && split(spec, cmp.field())) {
      return splitCompare(cmp.field(), cmp.op(), (BigDecimal) cmp.value());
    } else if (c instanceof Criteria.In in && split(spec, in.field())) {
      List<Bson> any = new ArrayList<>();
      for (Object o : in.values()) {
        any.add(splitCompare(in.field(), null, (BigDecimal) o));
      }
      return any.isEmpty() ? NONE : any.size() == 1 ? any.get(0) : Filters.or(any);
    } else if (c instanceof Criteria.Eq eq) {
      Optional<BsonValue> v = exact(eq.value());
      return v.isPresent() ? Filters.eq(path(eq.field()), v.get()) : NONE;
    } else if (c instanceof Criteria.Compare cmp) {
      return compare(cmp);
    } else if (c instanceof Criteria.In in) {
      List<BsonValue> vs = new ArrayList<>();
      for (Object o : in.values()) {
        exact(o).ifPresent(vs::add);
      }
      return vs.isEmpty() ? NONE : Filters.in(path(in.field()), vs);
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

  /** The stored form of a value that must be matched exactly; empty when no stored value can equal it. */
  private static Optional<BsonValue> exact(Object v) {
    if (v instanceof BigDecimal d) {
      return BsonCodec.decimal128(d).map(BsonDecimal128::new);
    }
    return Optional.of(BsonCodec.indexValue(v));
  }

  private Bson compare(Criteria.Compare cmp) {
    String f = path(cmp.field());
    Object v = cmp.value();
    BsonValue b;
    Criteria.Op op = cmp.op();
    if (v instanceof BigDecimal d && BsonCodec.decimal128(d).isEmpty()) {
      // Stored decimals have at most 34 significant digits, so none lies strictly between v and v rounded to 34
      // digits away from the comparison: x > v <=> x >= ceil34(v), x < v <=> x <= floor34(v).
      boolean upward = op == Criteria.Op.GT || op == Criteria.Op.GTE;
      BigDecimal r = d.round(new MathContext(34, upward ? RoundingMode.CEILING : RoundingMode.FLOOR));
      Optional<Decimal128> dec = BsonCodec.decimal128(r);
      if (dec.isEmpty()) {
        return NONE;
      }
      b = new BsonDecimal128(dec.get());
      op = upward ? Criteria.Op.GTE : Criteria.Op.LTE;
    } else {
      b = BsonCodec.indexValue(v);
    }
    return switch (op) {
      case GT -> Filters.gt(f, b);
      case GTE -> Filters.gte(f, b);
      case LT -> Filters.lt(f, b);
      case LTE -> Filters.lte(f, b);
    };
  }

  /** {@code field <op> v} (op null: equality) on a (high, low) decimal: lexicographic on the pair. */
  private static Bson splitCompare(String field, Criteria.@org.jspecify.annotations.Nullable Op op, BigDecimal v) {
    String h = path(field);
    String l = lowPath(field);
    Optional<Decimal128> hi = BsonCodec.decimal128(BsonCodec.high(v));
    BigDecimal lowValue = BsonCodec.low(v);
    if (hi.isEmpty()) {
      return NONE;
    }
    BsonDecimal128 hv = new BsonDecimal128(hi.get());
    Optional<Decimal128> lo = BsonCodec.decimal128(lowValue);
    if (op == null) {
      return lo.isEmpty() ? NONE : Filters.and(Filters.eq(h, hv), Filters.eq(l, new BsonDecimal128(lo.get())));
    }
    boolean upward = op == Criteria.Op.GT || op == Criteria.Op.GTE;
    if (lo.isEmpty()) {
      // Stored low parts have few digits; round the bound away from the comparison (see compare()).
      lo = BsonCodec.decimal128(lowValue.round(new MathContext(34, upward ? RoundingMode.CEILING : RoundingMode.FLOOR)));
      op = upward ? Criteria.Op.GTE : Criteria.Op.LTE;
    }
    BsonDecimal128 lv = new BsonDecimal128(lo.orElseThrow());
    Bson strict = upward ? Filters.gt(h, hv) : Filters.lt(h, hv);
    Bson tie = switch (op) {
      case GT -> Filters.gt(l, lv);
      case GTE -> Filters.gte(l, lv);
      case LT -> Filters.lt(l, lv);
      case LTE -> Filters.lte(l, lv);
    };
    return Filters.or(strict, Filters.and(Filters.eq(h, hv), tie));
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
    boolean multi = spec.index(p.field()).map(IndexSpec::multiValued).orElse(false);
    if (!multi) {
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
